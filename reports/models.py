from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Report(models.Model):
    class Kind(models.TextChoices):
        COMMITMENT_TIMETABLE = "commitment_timetable", "برنامه زمان‌بندی تعهد اشتغال"
        PATHOLOGY = "pathology", "آسیب‌شناسی مشاغل خانگی"
        CREDITS = "credits", "اعتبارات"

    class Status(models.TextChoices):
        PENDING = "pending", "در صف"
        RUNNING = "running", "در حال ساخت"
        READY = "ready", "آماده"
        FAILED = "failed", "ناموفق"

    kind = models.CharField("نوع گزارش", max_length=30, choices=Kind.choices)
    due_on = models.DateField("مهلت", null=True, blank=True)
    is_draft = models.BooleanField("پیش‌نویس", default=False)
    status = models.CharField("وضعیت", max_length=20, choices=Status.choices, default=Status.PENDING)
    pdf = models.FileField("فایل PDF", upload_to="reports/%Y/%m/", blank=True)
    xlsx = models.FileField("فایل اکسل", upload_to="reports/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="درخواست‌کننده",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("زمان درخواست", auto_now_add=True)
    started_at = models.DateTimeField("زمان شروع", null=True, blank=True)
    finished_at = models.DateTimeField("زمان پایان", null=True, blank=True)
    attempts = models.PositiveIntegerField("تعداد تلاش", default=0)
    error = models.TextField("خطا", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "گزارش"
        verbose_name_plural = "گزارش‌ها"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["commitment_timetable", "pathology", "credits"]), name="report_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "ready", "failed"]), name="report_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        from kerman_jobs.persian import format_jalali_datetime

        return f"{self.get_kind_display()} — {format_jalali_datetime(self.created_at)}"
