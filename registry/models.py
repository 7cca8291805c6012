"""The registry: home businesses created under a commitment, and the checks that tell
whether each one continues."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from commitments.models import Commitment
from core.constraints import positive
from programs.models import County, Sector


class HomeBusiness(models.Model):
    class Status(models.TextChoices):
        # «پایش‌نشده» until the first continuity check; after it, always the latest
        # check's outcome. Only a check makes a business «فعال».
        UNCHECKED = "unchecked", "پایش‌نشده"
        ACTIVE = "active", "فعال"
        SEMI_CLOSED = "semi_closed", "نیمه‌تعطیل"
        INACTIVE = "inactive", "غیرفعال"

    commitment = models.ForeignKey(Commitment, verbose_name="تعهد", on_delete=models.PROTECT, related_name="businesses")
    reference_code = models.CharField("کد پیگیری", max_length=64, unique=True)
    county = models.ForeignKey(County, verbose_name="شهرستان", on_delete=models.PROTECT)
    sector = models.ForeignKey(Sector, verbose_name="رسته", on_delete=models.PROTECT)
    started_on = models.DateField("تاریخ شروع")
    # The business form's one-time token (core.writes.save_once): one business per form sent.
    submission_token = models.UUIDField("شناسهٔ یک‌بارهٔ فرم", null=True, blank=True, unique=True, editable=False)
    jobs = models.PositiveIntegerField("تعداد شغل", default=1)
    loan_amount = models.PositiveBigIntegerField("مبلغ تسهیلات (ریال)", default=0)
    status = models.CharField("وضعیت", max_length=20, choices=Status.choices, default=Status.UNCHECKED)
    created_at = models.DateTimeField("زمان ثبت", auto_now_add=True)
    # The owner's national code is never kept: only its keyed hash (core.national_code),
    # so equal codes match, and its last three digits, which admins see masked. NULL
    # when no code was given: NULL equals nothing, so owners without a code never match.
    owner_code_hash = models.CharField("کد ملی صاحب (درهم‌شده)", max_length=64, null=True, blank=True, editable=False)
    owner_code_last3 = models.CharField(
        "سه رقم آخر کد ملی صاحب", max_length=3, blank=True, default="", db_default="", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "کسب‌وکار خانگی"
        verbose_name_plural = "کسب‌وکارهای خانگی"
        ordering = ["-started_on", "id"]
        constraints = [
            positive("jobs", "business_jobs_positive", "تعداد شغل باید بزرگ‌تر از صفر باشد."),
            models.CheckConstraint(
                condition=Q(status__in=["unchecked", "active", "semi_closed", "inactive"]),
                name="business_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(reference_code=""),
                name="business_reference_code_not_blank",
                violation_error_message="کد پیگیری نمی‌تواند خالی باشد.",
            ),
            models.CheckConstraint(
                condition=Q(owner_code_hash__isnull=True, owner_code_last3="")
                | (Q(owner_code_hash__isnull=False) & ~Q(owner_code_last3="")),
                name="business_owner_code_whole",
                violation_error_message="کد ملی صاحب ناقص ذخیره شده است؛ آن را دوباره وارد کنید.",
            ),
        ]
        indexes = [
            models.Index(fields=["commitment", "status"]),
            models.Index(fields=["county", "status"]),
            models.Index(fields=["sector", "status"]),
            models.Index(fields=["started_on"]),
            # Finds an owner's other businesses and the earliest one (registry.selectors.counted).
            models.Index(
                fields=["owner_code_hash", "started_on", "id"],
                condition=Q(owner_code_hash__isnull=False),
                name="business_owner_idx",
            ),
        ]

    def __str__(self) -> str:
        # Stored with ASCII digits (normalize_code, for the unique check); read with Persian ones.
        from core.persian import persian_digits

        return persian_digits(self.reference_code)


class ContinuityCheck(models.Model):
    class Status(models.TextChoices):
        # What a check can find; «پایش‌نشده» is a business's state before any check.
        ACTIVE = HomeBusiness.Status.ACTIVE.value, HomeBusiness.Status.ACTIVE.label
        SEMI_CLOSED = HomeBusiness.Status.SEMI_CLOSED.value, HomeBusiness.Status.SEMI_CLOSED.label
        INACTIVE = HomeBusiness.Status.INACTIVE.value, HomeBusiness.Status.INACTIVE.label

    class Reason(models.TextChoices):
        RAW_MATERIALS = "raw_materials", "مواد اولیه"
        MARKETING = "marketing", "بازاریابی و فروش"
        FINANCING = "financing", "تأمین مالی"
        TRAINING = "training", "آموزش"
        OTHER = "other", "سایر"

    business = models.ForeignKey(HomeBusiness, verbose_name="کسب‌وکار", on_delete=models.CASCADE, related_name="checks")
    checked_on = models.DateField("تاریخ پایش")
    status = models.CharField("وضعیت", max_length=20, choices=Status.choices)
    reason = models.CharField("دلیل", max_length=20, choices=Reason.choices, blank=True)
    note = models.TextField("توضیح", blank=True, max_length=2000)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="پایش‌کننده",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("زمان ثبت", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "پایش استمرار"
        verbose_name_plural = "پایش‌های استمرار"
        ordering = ["-checked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "semi_closed", "inactive"]), name="check_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status="active") & Q(reason=""))
                | (
                    ~Q(status="active") & Q(reason__in=["raw_materials", "marketing", "financing", "training", "other"])
                ),
                name="check_reason_iff_not_active",
                violation_error_message="برای کسب‌وکار نیمه‌تعطیل یا غیرفعال دلیل لازم است و برای کسب‌وکار فعال دلیلی ثبت نمی‌شود.",
            ),
        ]
        indexes = [models.Index(fields=["business", "-checked_on", "-id"])]

    def __str__(self) -> str:
        from core.persian import format_jalali

        return f"{self.business} — {format_jalali(self.checked_on)}: {self.get_status_display()}"
