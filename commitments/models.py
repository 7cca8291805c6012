from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.constraints import positive
from programs.models import County, Organization, Program, Sector


class Commitment(models.Model):
    class Instrument(models.TextChoices):
        MOU = "mou", "تفاهم‌نامه"
        AGREEMENT = "agreement", "قرارداد"
        PLEDGE = "pledge", "تعهد"
        # Not a promise: the record that holds the jobs created before the system (شغل
        # پایه). It has no target and is left out of every commitment figure.
        BASELINE = "baseline", "رقم پایه (پیش از سامانه)"

    class Status(models.TextChoices):
        PREPARED = "prepared", "آماده امضا"
        SIGNED = "signed", "امضا شده"
        IN_EXECUTION = "in_execution", "در حال اجرا"
        COMPLETED = "completed", "تکمیل شده"
        CANCELLED = "cancelled", "لغو شده"

    class ReportingPeriod(models.IntegerChoices):
        # Jalali calendar months from the start of the year: a quarter is Farvardin–Khordad, …
        MONTHLY = 1, "ماهانه"
        QUARTERLY = 3, "فصلی (سه‌ماهه)"
        HALF_YEARLY = 6, "شش‌ماهه"
        YEARLY = 12, "سالانه"

    program = models.ForeignKey(Program, verbose_name="برنامه", on_delete=models.PROTECT, related_name="commitments")
    organization = models.ForeignKey(
        Organization, verbose_name="متعهد", on_delete=models.PROTECT, related_name="commitments"
    )
    partners = models.ManyToManyField(Organization, verbose_name="شرکا", blank=True, related_name="partner_commitments")
    parent = models.ForeignKey(
        "self",
        verbose_name="تعهد مادر",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tranches",
        help_text="برای یک بخش (قسط) از تعهدی بزرگ‌تر، مثل ۶٬۰۰۰ شغل با بنیاد برکت درون تفاهم‌نامه ۳۰٬۰۰۰ شغلی.",
    )
    title = models.CharField("عنوان", max_length=300)
    instrument = models.CharField("نوع سند", max_length=20, choices=Instrument.choices, default=Instrument.MOU)
    venue = models.CharField("محل توافق", max_length=300, blank=True)
    status = models.CharField("وضعیت", max_length=20, choices=Status.choices, default=Status.PREPARED)
    jobs_target = models.PositiveIntegerField(
        "هدف اشتغال", null=True, blank=True, help_text="فقط تا وقتی تعهد «آماده امضا» است می‌تواند خالی بماند."
    )
    credit_amount = models.PositiveBigIntegerField("اعتبار تعهد شده (ریال)", default=0)
    signed_on = models.DateField("تاریخ امضا", null=True, blank=True)
    due_on = models.DateField("مهلت تحقق", null=True, blank=True)
    reporters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name="کارشناسان گزارش‌دهنده",
        blank=True,
        related_name="reported_commitments",
    )
    # Officials decide (commitments.services.commitment_set_public); on by default, so a
    # signed commitment is public unless they take it off. The public pages (accountability/) show
    # only these, and only their verified, aggregate figures.
    is_public = models.BooleanField(
        "نمایش در صفحهٔ عمومی",
        default=True,
        help_text="تعهد با ارقام تأییدشده‌اش در صفحهٔ عمومی (بدون ورود) دیده می‌شود؛ فقط مقام استانی تغییرش می‌دهد.",
    )
    reporting_period_months = models.PositiveSmallIntegerField(
        "دورهٔ گزارش",
        choices=ReportingPeriod.choices,
        default=ReportingPeriod.MONTHLY,
        help_text="هر چند ماه شمسی یک گزارش پیشرفت؛ گزارشگران پیش از پایان هر دوره و در روز پایان آن یادآوری می‌گیرند.",
    )
    created_at = models.DateTimeField("زمان ثبت", auto_now_add=True)
    updated_at = models.DateTimeField("آخرین تغییر", auto_now=True)
    history = HistoricalRecords(m2m_fields=[partners, reporters])

    class Meta:
        verbose_name = "تعهد"
        verbose_name_plural = "تعهدها"
        ordering = ["program_id", "parent_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="prepared") | Q(instrument="baseline") | Q(jobs_target__isnull=False),
                name="commitment_target_required_after_prepared",
                violation_error_message="تعهدی که از مرحله «آماده امضا» گذشته باید هدف اشتغال داشته باشد.",
            ),
            models.CheckConstraint(
                condition=Q(jobs_target__isnull=True) | Q(jobs_target__gt=0),
                name="commitment_jobs_target_positive",
                violation_error_message="هدف اشتغال باید بزرگ‌تر از صفر باشد.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["prepared", "signed", "in_execution", "completed", "cancelled"]),
                name="commitment_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(instrument__in=["mou", "agreement", "pledge", "baseline"]),
                name="commitment_instrument_valid",
            ),
            models.CheckConstraint(
                condition=Q(reporting_period_months__in=[1, 3, 6, 12]),
                name="commitment_reporting_period_valid",
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="commitment_not_own_parent",
                violation_error_message="تعهد نمی‌تواند تعهد مادر خودش باشد.",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True) | Q(due_on__isnull=True) | Q(due_on__gte=F("signed_on")),
                name="commitment_due_after_signed",
                violation_error_message="مهلت تحقق نمی‌تواند پیش از تاریخ امضا باشد.",
            ),
        ]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["due_on"])]

    HISTORY_NAME_READS = ()  # __str__ is the title (core.history)

    def __str__(self) -> str:
        return self.title

    @property
    def is_baseline_record(self) -> bool:
        return self.instrument == self.Instrument.BASELINE

    @property
    def is_closed_for_reports(self) -> bool:
        """Prepared (not yet signed) or cancelled: nothing is realised under it, so it takes
        neither progress entries nor businesses (commitments.services.require_open_for_reports)."""
        return self.status in (self.Status.PREPARED, self.Status.CANCELLED)


class Milestone(models.Model):
    class ReportKind(models.TextChoices):
        COMMITMENT_TIMETABLE = "commitment_timetable", "برنامه زمان‌بندی تعهد اشتغال"
        PATHOLOGY = "pathology", "آسیب‌شناسی مشاغل خانگی"
        CREDITS = "credits", "اعتبارات"

    program = models.ForeignKey(
        Program, verbose_name="برنامه", on_delete=models.CASCADE, null=True, blank=True, related_name="milestones"
    )
    commitment = models.ForeignKey(
        Commitment, verbose_name="تعهد", on_delete=models.CASCADE, null=True, blank=True, related_name="milestones"
    )
    title = models.CharField("عنوان", max_length=300)
    responsible = models.ForeignKey(
        Organization, verbose_name="دستگاه مسئول", on_delete=models.PROTECT, related_name="milestones"
    )
    due_on = models.DateField("مهلت")
    done_on = models.DateField("تاریخ انجام", null=True, blank=True)
    report_kind = models.CharField("گزارش مربوط", max_length=30, choices=ReportKind.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "مهلت/نقطه عطف"
        verbose_name_plural = "مهلت‌ها و نقاط عطف"
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(program__isnull=False) | Q(commitment__isnull=False),
                name="milestone_has_program_or_commitment",
                violation_error_message="مهلت باید به یک برنامه یا یک تعهد وابسته باشد.",
            ),
            models.CheckConstraint(
                condition=Q(report_kind__in=["", "commitment_timetable", "pathology", "credits"]),
                name="milestone_report_kind_valid",
            ),
        ]

    HISTORY_NAME_READS = ()  # __str__ is the title (core.history)

    def __str__(self) -> str:
        return self.title


class ProgressEntry(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "ارسال شده"
        VERIFIED = "verified", "تأیید شده"
        REJECTED = "rejected", "برگشت خورده"

    commitment = models.ForeignKey(
        Commitment, verbose_name="تعهد", on_delete=models.PROTECT, related_name="progress_entries"
    )
    period_end = models.DateField("پایان دوره")
    jobs_created = models.PositiveIntegerField("شغل ایجاد شده")
    county = models.ForeignKey(County, verbose_name="شهرستان", on_delete=models.PROTECT, null=True, blank=True)
    sector = models.ForeignKey(Sector, verbose_name="رسته", on_delete=models.PROTECT, null=True, blank=True)
    credit_paid = models.PositiveBigIntegerField("اعتبار پرداخت شده (ریال)", default=0)
    note = models.TextField("توضیح", blank=True, max_length=4000)
    evidence = models.FileField("مستند", upload_to="evidence/%Y/%m/", blank=True)
    status = models.CharField("وضعیت", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    review_note = models.TextField("دلیل برگشت/یادداشت بررسی", blank=True, max_length=2000)
    is_baseline = models.BooleanField(
        "پایه", default=False, help_text="رقم پایه‌ای که پیش از سامانه تحقق یافته و مدیر ثبت کرده است."
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="ثبت‌کننده", on_delete=models.PROTECT, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="بررسی‌کننده",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField("زمان بررسی", null=True, blank=True)
    # Optimistic locking: a save carries the version it read; a stale one is refused.
    version = models.PositiveIntegerField("نسخه", default=1)
    # The entry form's one-time token (core.writes.save_once): one entry per form sent.
    submission_token = models.UUIDField("شناسهٔ یک‌بارهٔ فرم", null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField("زمان ثبت", auto_now_add=True)
    updated_at = models.DateTimeField("آخرین تغییر", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "گزارش پیشرفت"
        verbose_name_plural = "گزارش‌های پیشرفت"
        ordering = ["-period_end", "-id"]
        constraints = [
            positive("jobs_created", "progress_jobs_created_positive", "تعداد شغل ایجاد شده باید بزرگ‌تر از صفر باشد."),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "verified", "rejected"]), name="progress_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(verified_by__isnull=False),
                name="progress_verified_has_verifier",
                violation_error_message="گزارش تأییدشده باید تأییدکننده داشته باشد.",
            ),
        ]
        indexes = [
            # «نیازمند گزارش» reads each commitment's latest entry of a status from it.
            models.Index(fields=["commitment", "status", "period_end"], name="progress_latest_by_status"),
            models.Index(fields=["status", "period_end"]),
            # «در انتظار بررسی» per commitment (figures.review_context) from the index alone.
            models.Index(
                fields=["commitment", "jobs_created"],
                condition=Q(status="submitted", is_baseline=False),
                name="entry_awaiting_jobs",
            ),
            # The review queue, oldest first, and its count: the submitted entries only.
            models.Index(fields=["created_at", "id"], condition=Q(status="submitted"), name="entry_review_queue"),
        ]

    # What __str__ reads beyond the row (core.history fetches only these for its names).
    HISTORY_NAME_READS = ("commitment",)

    def __str__(self) -> str:
        from core.persian import format_jalali, format_number

        return f"{format_number(self.jobs_created)} شغل تا {format_jalali(self.period_end)} — {self.commitment}"


class VerifiedJobsSummary(models.Model):
    """Verified jobs and credit by commitment × county × sector × Jalali month of
    `period_end` (year × 12 + month − 1), the baseline apart. Kept current by
    commitments.summaries in the same transaction as every change to an entry;
    `check_summaries` recomputes it from the entries."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey(County, on_delete=models.CASCADE, null=True, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, null=True, related_name="+")
    month = models.IntegerField()
    is_baseline = models.BooleanField()
    entries = models.IntegerField(default=0)
    jobs = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "جمع شغل‌های تأییدشده (شهرستان، رسته، ماه)"
        verbose_name_plural = "جمع‌های شغل تأییدشده (شهرستان، رسته، ماه)"
        # Rewritten a commitment at a time (commitments.summaries), under that commitment's lock.
        indexes = [models.Index(fields=["commitment", "month"], name="vjs_commitment_month")]

    def __str__(self) -> str:
        return f"{self.commitment_id}/{self.county_id}/{self.sector_id}/{self.month}: {self.jobs}"


class CommitmentVerifiedJobs(models.Model):
    """VerifiedJobsSummary summed per commitment (the ladders read it): kept with it."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="+")
    is_baseline = models.BooleanField()
    entries = models.IntegerField(default=0)
    jobs = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "جمع شغل‌های تأییدشدهٔ تعهد"
        verbose_name_plural = "جمع‌های شغل تأییدشدهٔ تعهدها"
        constraints = [models.UniqueConstraint(fields=["commitment", "is_baseline"], name="commitment_jobs_key")]

    def __str__(self) -> str:
        return f"{self.commitment_id}: {self.jobs}"


class ProvinceVerifiedJobs(models.Model):
    """VerifiedJobsSummary summed over every commitment (a dashboard that sees them all
    reads it): county × sector × Jalali month; kept with it, under one lock."""

    county = models.ForeignKey(County, on_delete=models.CASCADE, null=True, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, null=True, related_name="+")
    month = models.IntegerField()
    is_baseline = models.BooleanField()
    entries = models.IntegerField(default=0)
    jobs = models.BigIntegerField(default=0)
    credit = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "جمع شغل‌های تأییدشدهٔ استان"
        verbose_name_plural = "جمع‌های شغل تأییدشدهٔ استان"

    def __str__(self) -> str:
        return f"{self.county_id}/{self.sector_id}/{self.month}: {self.jobs}"
