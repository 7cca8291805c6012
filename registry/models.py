"""The registry: home businesses created under a commitment, and the checks that tell
whether each one continues."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
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


class RegistryJob(models.Model):
    """An import or export of the registry run by the worker (registry/jobs.py), with the
    progress its page shows: rows done of rows, and a cancel the run obeys between batches."""

    class Kind(models.TextChoices):
        IMPORT = "import", "ورود از فایل"
        EXPORT = "export", "خروجی"

    class Status(models.TextChoices):
        PENDING = "pending", "در صف"
        RUNNING = "running", "در حال انجام"
        DONE = "done", "انجام شد"
        FAILED = "failed", "ناموفق"
        CANCELLED = "cancelled", "لغو شد"

    class Format(models.TextChoices):
        XLSX = "xlsx", "اکسل (xlsx)"
        CSV = "csv", "CSV"

    kind = models.CharField("نوع", max_length=10, choices=Kind.choices)
    status = models.CharField("وضعیت", max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="درخواست‌کننده", on_delete=models.CASCADE, related_name="+"
    )
    # The import's uploaded file until the run ends (it may hold national codes: removed
    # then, whatever the outcome); the export's built file, served only to its requester.
    upload = models.FileField("فایل ورودی", upload_to="registry_jobs/in/", blank=True)
    result = models.FileField("فایل خروجی", upload_to="registry_jobs/out/", blank=True)
    filename = models.CharField("نام فایل", max_length=255, blank=True)
    export_format = models.CharField("قالب خروجی", max_length=4, choices=Format.choices, blank=True)
    # The business list's filters for an export, as in its address (county=3&status=active).
    filters = models.CharField("پالایه‌ها", max_length=2000, blank=True)
    rows_done = models.PositiveIntegerField("ردیف‌های انجام‌شده", default=0)
    rows_total = models.PositiveIntegerField("همهٔ ردیف‌ها", default=0)
    # «checking» then «writing» for an import; the write is one transaction, shown as a whole.
    phase = models.CharField("مرحله", max_length=10, blank=True)
    cancel_requested = models.BooleanField("درخواست لغو", default=False)
    # An import's outcome for its page: created, rows, errors, flagged, notice.
    outcome = models.JSONField("نتیجه", null=True, blank=True)
    error = models.TextField("خطا", blank=True)
    created_at = models.DateTimeField("زمان درخواست", auto_now_add=True)
    started_at = models.DateTimeField("زمان شروع", null=True, blank=True)
    finished_at = models.DateTimeField("زمان پایان", null=True, blank=True)

    class Meta:
        verbose_name = "کار ورود/خروجی"
        verbose_name_plural = "کارهای ورود/خروجی"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["import", "export"]), name="registry_job_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "running", "done", "failed", "cancelled"]),
                name="registry_job_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        # An estimate of the rows until the file is read through: never 100 before the end.
        return min(99, 100 * self.rows_done // self.rows_total)


# ---------------------------------------------------------------- summaries
#
# Kept current by registry.summaries in the same transaction as every write to a
# business or a check (the services, the admin, the import); `check_summaries`
# recomputes them from the rows above and reports or mends any difference. The figures
# (registry.figures) read these instead of summing a million businesses per page.


class SurvivalStatus(models.TextChoices):
    """A business's status at N months (core.glossary «survival»): the first check in the
    window, or NONE when no check falls in it. Whether N months have come yet depends on
    the day the figure is read, so it is decided then, from `started_on`."""

    NONE = "", "بدون پایش در بازه"
    ACTIVE = "active", "فعال"
    SEMI_CLOSED = "semi_closed", "نیمه‌تعطیل"
    INACTIVE = "inactive", "غیرفعال"


# The worklist's first key: the latest check, never checked first. As an expression, not
# last_checked NULLS FIRST, which SQLite's indexes do not take; no check is dated 1/1/1.
WORKLIST_ORDER = Coalesce(F("last_checked"), Value(datetime.date.min), output_field=models.DateField())


class BusinessFigure(models.Model):
    """One business as the figures count it: what its summary rows hold of it."""

    # No database constraint and no cascade: when a business is deleted its row stays
    # until registry.summaries.businesses_changed takes it out of the sums and removes it.
    business = models.OneToOneField(
        HomeBusiness, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="figure"
    )
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+", db_index=False)
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+", db_index=False)
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+", db_index=False)
    owner_code_hash = models.CharField(max_length=64, null=True, blank=True)
    started_on = models.DateField()
    cohort = models.IntegerField()  # the Jalali month of started_on: year × 12 + month − 1
    jobs = models.PositiveIntegerField()
    counted = models.BooleanField()  # the owner's one counted business (registry.selectors.counted)
    status = models.CharField(max_length=20)
    reason = models.CharField(max_length=20, blank=True)  # the latest check's
    last_checked = models.DateField(null=True)  # the latest check's day (the pathology listing)
    # The first day the worklist's «six months ago» may be for it to list the business:
    # its start, or the day after its latest check when that is later. The worklist lists
    # the businesses with due_from <= «six months ago» (registry.views.worklist).
    due_from = models.DateField()
    status_3 = models.CharField(max_length=20, blank=True, choices=SurvivalStatus.choices)
    status_6 = models.CharField(max_length=20, blank=True, choices=SurvivalStatus.choices)
    status_12 = models.CharField(max_length=20, blank=True, choices=SurvivalStatus.choices)

    class Meta:
        verbose_name = "رقم کسب‌وکار"
        verbose_name_plural = "رقم‌های کسب‌وکارها"
        indexes = [
            models.Index(fields=["commitment", "cohort"], name="bfig_commitment_cohort"),
            models.Index(fields=["county", "cohort"], name="bfig_county_cohort"),
            models.Index(fields=["sector", "cohort"], name="bfig_sector_cohort"),
            models.Index(fields=["started_on"], name="bfig_started"),
            # The worklist: its counts (an index range per commitment), and its order.
            models.Index(fields=["commitment", "due_from"], name="bfig_commitment_due"),
            # With what the page's filter reads, so a later page's ids come from the index alone.
            models.Index(
                WORKLIST_ORDER,
                F("started_on"),
                F("business"),
                name="bfig_worklist_order",
                include=["commitment", "due_from", "last_checked"],
            ),
            models.Index(fields=["owner_code_hash"], condition=Q(owner_code_hash__isnull=False), name="bfig_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.business_id}: {self.status}"


class BusinessStatusSummary(models.Model):
    """Businesses and their jobs by commitment × county × sector × status («پایش‌نشده»
    included) × the latest check's reason; `counted` False holds the «تکراری» ones, which
    the list shows and the figures leave out."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    reason = models.CharField(max_length=20, blank=True)
    counted = models.BooleanField()
    businesses = models.IntegerField(default=0)
    jobs = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "جمع کسب‌وکارها بر پایهٔ وضعیت"
        verbose_name_plural = "جمع‌های کسب‌وکارها بر پایهٔ وضعیت"
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "county", "sector", "status", "reason", "counted"], name="status_summary_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}/{self.county_id}/{self.sector_id}/{self.status}: {self.businesses}"


class CohortSummary(models.Model):
    """Counted businesses by commitment × start month (Jalali) × status at 3, 6 and 12
    months (registry.survival.cohort_survival's rule)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    cohort = models.IntegerField()
    status_3 = models.CharField(max_length=20, blank=True)
    status_6 = models.CharField(max_length=20, blank=True)
    status_12 = models.CharField(max_length=20, blank=True)
    businesses = models.IntegerField(default=0)

    class Meta:
        verbose_name = "جمع بقای گروه شروع"
        verbose_name_plural = "جمع‌های بقای گروه‌های شروع"
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "cohort", "status_3", "status_6", "status_12"], name="cohort_summary_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment_id}/{self.cohort}: {self.businesses}"


class ProvinceStatusSummary(models.Model):
    """BusinessStatusSummary summed over every commitment (pages that see them all read
    it): county × sector × status × reason; kept with it, under one lock."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    reason = models.CharField(max_length=20, blank=True)
    counted = models.BooleanField()
    businesses = models.IntegerField(default=0)
    jobs = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "جمع وضعیت کسب‌وکارهای استان"
        verbose_name_plural = "جمع‌های وضعیت کسب‌وکارهای استان"

    def __str__(self) -> str:
        return f"{self.county_id}/{self.sector_id}/{self.status}: {self.businesses}"


class ProvinceCohortSummary(models.Model):
    """CohortSummary summed over every commitment: start month × status at 3, 6, 12 months."""

    cohort = models.IntegerField()
    status_3 = models.CharField(max_length=20, blank=True)
    status_6 = models.CharField(max_length=20, blank=True)
    status_12 = models.CharField(max_length=20, blank=True)
    businesses = models.IntegerField(default=0)

    class Meta:
        verbose_name = "جمع بقای گروه شروع در استان"
        verbose_name_plural = "جمع‌های بقای گروه‌های شروع در استان"

    def __str__(self) -> str:
        return f"{self.cohort}: {self.businesses}"
