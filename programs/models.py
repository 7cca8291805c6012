from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords


class County(models.Model):
    name = models.CharField("نام", max_length=100, unique=True)

    class Meta:
        verbose_name = "شهرستان"
        verbose_name_plural = "شهرستان‌ها"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    name = models.CharField("نام", max_length=100, unique=True)

    class Meta:
        verbose_name = "رسته"
        verbose_name_plural = "رسته‌ها"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    class Kind(models.TextChoices):
        BANK = "bank", "بانک"
        FOUNDATION = "foundation", "بنیاد"
        COMPANY = "company", "شرکت"
        AGENCY = "agency", "دستگاه دولتی"
        CHAMBER = "chamber", "اتاق بازرگانی"
        OTHER = "other", "سایر"

    name = models.CharField("نام", max_length=200, unique=True)
    kind = models.CharField("نوع", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "دستگاه/نهاد"
        verbose_name_plural = "دستگاه‌ها و نهادها"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["bank", "foundation", "company", "agency", "chamber", "other"]),
                name="organization_kind_valid",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Program(models.Model):
    name = models.CharField("نام", max_length=300, unique=True)
    jobs_target = models.PositiveIntegerField("هدف اشتغال")
    starts_on = models.DateField("تاریخ شروع")
    ends_on = models.DateField("تاریخ پایان")
    owner = models.ForeignKey(Organization, verbose_name="متولی", on_delete=models.PROTECT, related_name="programs")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "برنامه"
        verbose_name_plural = "برنامه‌ها"
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(jobs_target__gt=0), name="program_jobs_target_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="program_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name
