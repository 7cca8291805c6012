from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
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
    # When the build task was handed to the broker; empty while Redis was unreachable.
    # A sweep (tasks.resend_unqueued_reports) sends such reports once the broker is back.
    enqueued_at = models.DateTimeField("زمان ارسال به صف", null=True, blank=True, editable=False)
    attempts = models.PositiveIntegerField("تعداد تلاش", default=0)
    error = models.TextField("خطا", blank=True)
    # A staff member's report covers only the commitments they report on; officials'
    # and scheduled reports cover the whole province (reports/selectors.py).
    is_restricted = models.BooleanField(
        "محدود به تعهدهای درخواست‌کننده",
        default=False,
        help_text="گزارش کارشناس فقط تعهدهایی را در بر می‌گیرد که او گزارشگر آن‌هاست.",
    )
    # The commitments a restricted report was built over, recorded before building: its
    # files may be downloaded only while its requester still reports on every one of them
    # (reports/selectors.report_get_downloadable). None until built, and on province-wide reports.
    covered_commitment_ids = models.JSONField("تعهدهای دربرگرفته", null=True, blank=True, editable=False)
    # kind:due:stage for reports built by the daily schedule, so a second run of the
    # schedule on the same day builds nothing twice; empty for reports asked for by hand.
    schedule_key = models.CharField("کلید زمان‌بندی", max_length=100, null=True, blank=True, unique=True, editable=False)
    # The deliverable this report answered: an official marked the milestone done with it
    # (reports.services.milestone_done_with_report). Kept here, not on the milestone, so
    # that commitments never points up at reports.
    answers_milestone = models.ForeignKey(
        "commitments.Milestone",
        verbose_name="پاسخ به مهلت",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answering_reports",
    )
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
        from core.persian import format_jalali_datetime

        return f"{self.get_kind_display()} — {format_jalali_datetime(self.created_at)}"


class DeadlineRule(models.Model):
    """A deadline that recurs every Jalali year, such as «۵ تیر»: drafts before it, the final pack on the day."""

    title = models.CharField("عنوان", max_length=300)
    jalali_month = models.PositiveSmallIntegerField(
        "ماه شمسی", validators=[MinValueValidator(1), MaxValueValidator(12)], help_text="۱ تا ۱۲؛ تیر = ۴"
    )
    jalali_day = models.PositiveSmallIntegerField(
        "روز", validators=[MinValueValidator(1), MaxValueValidator(31)], help_text="۱ تا ۳۱"
    )
    report_kind = models.CharField("نوع گزارش", max_length=30, choices=Report.Kind.choices)
    draft_days_before = models.CharField(
        "پیش‌نویس چند روز قبل",
        max_length=100,
        blank=True,
        help_text="روزها را با ویرگول جدا کنید، مثل «۱۰، ۳». خالی یعنی پیش‌فرض سامانه (۱۰ و ۳ روز قبل).",
    )
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="گیرندگان رایانامه",
        blank=True,
        related_name="+",
        help_text="علاوه بر مقام‌های استانی. فقط کسانی رایانامه می‌گیرند که اجازهٔ دیدن گزارش را دارند.",
    )
    is_active = models.BooleanField("فعال", default=True)
    history = HistoricalRecords(m2m_fields=[recipients])

    class Meta:
        verbose_name = "مهلت تکرارشونده"
        verbose_name_plural = "مهلت‌های تکرارشونده"
        ordering = ["jalali_month", "jalali_day", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(jalali_month__gte=1, jalali_month__lte=12), name="deadline_month_valid"),
            models.CheckConstraint(condition=Q(jalali_day__gte=1, jalali_day__lte=31), name="deadline_day_valid"),
            models.CheckConstraint(
                condition=Q(report_kind__in=["commitment_timetable", "pathology", "credits"]),
                name="deadline_report_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        from core.persian import JALALI_MONTHS, persian_digits

        return f"{self.title} ({persian_digits(self.jalali_day)} {JALALI_MONTHS[self.jalali_month - 1]})"

    def clean(self):
        from core.persian import JALALI_MONTHS, jalali_month_length, persian_digits

        errors = {}
        if self.jalali_month and 1 <= self.jalali_month <= 12 and self.jalali_day:
            # Esfand has 30 days only in leap years; such a rule falls on its last day otherwise.
            longest = 30 if self.jalali_month == 12 else jalali_month_length(1403, self.jalali_month)
            if self.jalali_day > longest:
                errors["jalali_day"] = (
                    f"{JALALI_MONTHS[self.jalali_month - 1]} {persian_digits(longest)} روز دارد؛ "
                    f"روز {persian_digits(self.jalali_day)} وجود ندارد."
                )
        try:
            self.draft_days()
        except ValueError as exc:
            errors["draft_days_before"] = str(exc)
        if errors:
            raise ValidationError(errors)

    def draft_days(self) -> list[int]:
        """The days before the deadline on which a draft is built, largest first."""
        from core.persian import PersianValueError, parse_int

        text = (self.draft_days_before or "").replace("،", ",")
        if not text.strip():
            return sorted(settings.REPORT_DRAFT_DAYS_BEFORE, reverse=True)
        days = set()
        for part in text.split(","):
            if not part.strip():
                continue
            try:
                value = parse_int(part)
            except PersianValueError:
                raise ValueError(f"«{part.strip()}» عدد نیست؛ روزها را با ویرگول جدا کنید، مثل «۱۰، ۳».") from None
            if not 1 <= value <= 366:
                raise ValueError("هر روز پیش‌نویس باید بین ۱ و ۳۶۶ روز پیش از مهلت باشد.")
            days.add(value)
        return sorted(days, reverse=True)


class FigureSnapshot(models.Model):
    """The figures a final deadline report printed (the 5 Tir pack as the Assembly of
    Representatives received it), frozen when it was built.

    Never edited: written once by reports.services.snapshot_take, offered read-only in the
    admin; a later final report of the same kind supersedes it (superseded_by), which is
    the only change it ever sees. Pages show it as «آنچه به مجمع نمایندگان ارائه شد»
    beside today's figures, never mixed with them.
    """

    report = models.OneToOneField(Report, verbose_name="گزارش", on_delete=models.PROTECT, related_name="snapshot")
    kind = models.CharField("نوع گزارش", max_length=30, choices=Report.Kind.choices)
    due_on = models.DateField("مهلت")
    as_of = models.DateField("ارقام تا تاریخ")
    taken_at = models.DateTimeField("زمان ثبت", auto_now_add=True)
    # {"facts": {glossary key: value}, "commitments": {id: {...}}, "by_county": {name: jobs},
    #  "all_public": bool}: see reports.services.snapshot_take.
    figures = models.JSONField("ارقام", editable=False)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="جایگزین‌شده با",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        verbose_name = "ارقام ارائه‌شده (ثابت)"
        verbose_name_plural = "ارقام ارائه‌شده (ثابت)"
        ordering = ["-taken_at", "-id"]
        indexes = [models.Index(fields=["kind", "superseded_by"])]

    def __str__(self) -> str:
        from core.persian import format_jalali

        return f"{self.get_kind_display()} — {format_jalali(self.due_on)}"
