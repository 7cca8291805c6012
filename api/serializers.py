"""What each endpoint reads and answers. Field names are the models' (DESIGN.md), a related
object is its id, every date comes back twice: ISO (`period_end`) and Jalali
(`period_end_jalali`, Latin digits, for machines). Descriptions are Persian: the schema at
/api/schema/ and the documentation at /api/docs/ show them."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from commitments.models import ProgressEntry
from core import glossary, persian
from registry.imports import COLUMNS
from registry.models import ContinuityCheck

from .fields import BIGINT_MAX, INT_MAX, DateField, StrictSerializer, TextField, WholeNumberField, choice

NOTE_MAX = ProgressEntry._meta.get_field("note").max_length
CHECK_NOTE_MAX = ContinuityCheck._meta.get_field("note").max_length


def jalali(value) -> str | None:
    return persian.format_jalali(value, digits="ascii") if value else None


# ---------------------------------------------------------------- commitments

FIGURE_KEYS = ("target", "allocated", "unallocated", "realised", "remaining", "commitment_percent")


class FigureOut(serializers.Serializer):
    label = serializers.CharField(help_text="نام شاخص در واژه‌نامهٔ سامانه (/glossary/).")
    value = serializers.FloatField(allow_null=True, help_text="مقدار؛ null وقتی تعهد هنوز هدف ندارد.")


class CommitmentOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="شناسهٔ تعهد؛ در گزارش پیشرفت و کسب‌وکار همین را بفرستید.")
    title = serializers.CharField(help_text="عنوان تعهد.")
    organization = serializers.IntegerField(help_text="شناسهٔ دستگاه متعهد.")
    organization_name = serializers.CharField(help_text="نام دستگاه متعهد.")
    parent = serializers.IntegerField(allow_null=True, help_text="شناسهٔ تعهد مادر برای یک بخش (قسط).")
    instrument = serializers.CharField(help_text="نوع سند: mou، agreement یا pledge.")
    status = serializers.CharField(help_text="وضعیت: prepared، signed، in_execution، completed یا cancelled.")
    status_label = serializers.CharField(help_text="وضعیت به فارسی.")
    jobs_target = serializers.IntegerField(allow_null=True, help_text="هدف اشتغال.")
    credit_amount = serializers.IntegerField(help_text="اعتبار تعهد شده (ریال).")
    signed_on = serializers.CharField(allow_null=True, help_text="تاریخ امضا (میلادی، ISO).")
    signed_on_jalali = serializers.CharField(allow_null=True, help_text="تاریخ امضا (شمسی).")
    due_on = serializers.CharField(allow_null=True, help_text="مهلت تحقق (میلادی، ISO).")
    due_on_jalali = serializers.CharField(allow_null=True, help_text="مهلت تحقق (شمسی).")
    accepts_reports = serializers.BooleanField(
        help_text="آیا گزارش پیشرفت و کسب‌وکار می‌پذیرد (تعهد «آماده امضا» یا «لغو شده» نمی‌پذیرد)."
    )
    figures = serializers.DictField(
        child=FigureOut(),
        help_text="شاخص‌های تعهد با همان تعریف سایت: target، allocated، unallocated، realised، remaining، "
        "commitment_percent؛ هر یک با نام فارسی (label) و مقدار (value).",
    )


def commitment_out(fig) -> dict:
    c = fig.commitment
    values = {
        "target": fig.target,
        "allocated": fig.allocated,
        "unallocated": fig.unallocated,
        "realised": fig.realised,
        "remaining": fig.remaining,
        "commitment_percent": round(fig.percent, 1) if fig.percent is not None else None,
    }
    return {
        "id": c.pk,
        "title": c.title,
        "organization": c.organization_id,
        "organization_name": c.organization.name,
        "parent": c.parent_id,
        "instrument": c.instrument,
        "status": c.status,
        "status_label": c.get_status_display(),
        "jobs_target": c.jobs_target,
        "credit_amount": c.credit_amount,
        "signed_on": c.signed_on.isoformat() if c.signed_on else None,
        "signed_on_jalali": jalali(c.signed_on),
        "due_on": c.due_on.isoformat() if c.due_on else None,
        "due_on_jalali": jalali(c.due_on),
        "accepts_reports": not c.is_closed_for_reports,
        "figures": {key: {"label": glossary.label(key), "value": values[key]} for key in FIGURE_KEYS},
    }


# ---------------------------------------------------------------- progress entries


class ProgressEntryIn(StrictSerializer):
    commitment = WholeNumberField(min_value=1, max_value=BIGINT_MAX, help_text="شناسهٔ تعهد (از /api/v1/commitments/).")
    period_end = DateField(help_text="پایان دوره: شمسی («۱۴۰۵/۰۸/۲۰» یا 1405/08/20) یا میلادی ISO (2026-11-11).")
    jobs_created = WholeNumberField(min_value=1, max_value=INT_MAX, help_text="شغل ایجاد شده در این دوره (دست‌کم ۱).")
    county = WholeNumberField(
        min_value=1, max_value=BIGINT_MAX, required=False, allow_null=True, help_text="شناسهٔ شهرستان (اختیاری)."
    )
    sector = WholeNumberField(
        min_value=1, max_value=BIGINT_MAX, required=False, allow_null=True, help_text="شناسهٔ رسته (اختیاری)."
    )
    credit_paid = WholeNumberField(
        min_value=0, max_value=BIGINT_MAX, required=False, help_text="اعتبار پرداخت شده در این دوره (ریال)."
    )
    note = TextField(max_length=NOTE_MAX, required=False, allow_blank=True, help_text="توضیح (اختیاری).")


class ProgressEntryOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="شناسهٔ گزارش پیشرفت.")
    commitment = serializers.IntegerField(source="commitment_id", help_text="شناسهٔ تعهد.")
    period_end = serializers.DateField(help_text="پایان دوره (میلادی، ISO).")
    period_end_jalali = serializers.SerializerMethodField(help_text="پایان دوره (شمسی، مثل 1405/08/20).")
    jobs_created = serializers.IntegerField(help_text="شغل ایجاد شده.")
    county = serializers.IntegerField(source="county_id", allow_null=True, help_text="شناسهٔ شهرستان.")
    sector = serializers.IntegerField(source="sector_id", allow_null=True, help_text="شناسهٔ رسته.")
    credit_paid = serializers.IntegerField(help_text="اعتبار پرداخت شده (ریال).")
    note = serializers.CharField(help_text="توضیح.")
    status = serializers.CharField(
        help_text="submitted (ارسال شده، در انتظار بررسی)، verified (تأیید شده) یا rejected."
    )
    status_label = serializers.CharField(source="get_status_display", help_text="وضعیت به فارسی.")
    review_note = serializers.CharField(help_text="دلیل برگشت، اگر مقام استانی گزارش را برگردانده باشد.")
    created_at = serializers.DateTimeField(help_text="زمان ثبت.")

    def get_period_end_jalali(self, entry) -> str:
        return jalali(entry.period_end)


# ---------------------------------------------------------------- businesses

BUSINESS_FIELDS = tuple(c.key for c in COLUMNS)


class BusinessRowIn(serializers.Serializer):
    """For the schema only: the import (registry/imports.py) checks each row itself."""

    reference_code = serializers.CharField(help_text="کد پیگیری یکتای کسب‌وکار.")
    commitment = serializers.IntegerField(help_text="شناسهٔ تعهد.")
    county = serializers.IntegerField(help_text="شناسهٔ شهرستان (یا نام آن).")
    sector = serializers.IntegerField(help_text="شناسهٔ رسته (یا نام آن).")
    started_on = serializers.CharField(help_text="تاریخ شروع: شمسی یا میلادی ISO.")
    jobs = serializers.IntegerField(required=False, help_text="تعداد شغل (پیش‌فرض ۱).")
    loan_amount = serializers.IntegerField(required=False, help_text="مبلغ تسهیلات (ریال).")
    owner_national_code = serializers.CharField(
        required=False, help_text="کد ملی صاحب کسب‌وکار (اختیاری؛ فقط چکیدهٔ آن نگه داشته می‌شود)."
    )


class BusinessBatchIn(serializers.Serializer):
    businesses = BusinessRowIn(
        many=True,
        help_text=f"حداکثر {settings.API_BATCH_MAX_ROWS} کسب‌وکار؛ همه یا هیچ: اگر ردیفی خطا داشته باشد هیچ‌کدام ثبت نمی‌شود.",
    )


class BusinessOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="شناسهٔ کسب‌وکار؛ در پایش استمرار همین را بفرستید.")
    reference_code = serializers.CharField(help_text="کد پیگیری.")
    commitment = serializers.IntegerField(source="commitment_id", help_text="شناسهٔ تعهد.")
    county = serializers.IntegerField(source="county_id", help_text="شناسهٔ شهرستان.")
    sector = serializers.IntegerField(source="sector_id", help_text="شناسهٔ رسته.")
    started_on = serializers.DateField(help_text="تاریخ شروع (میلادی، ISO).")
    started_on_jalali = serializers.SerializerMethodField(help_text="تاریخ شروع (شمسی).")
    jobs = serializers.IntegerField(help_text="تعداد شغل.")
    loan_amount = serializers.IntegerField(help_text="مبلغ تسهیلات (ریال).")
    status = serializers.CharField(help_text="unchecked (پایش‌نشده)، active، semi_closed یا inactive: از آخرین پایش.")
    status_label = serializers.CharField(source="get_status_display", help_text="وضعیت به فارسی.")

    def get_started_on_jalali(self, business) -> str:
        return jalali(business.started_on)


class BatchResultOut(serializers.Serializer):
    created = serializers.IntegerField(help_text="شمار کسب‌وکارهای ثبت‌شده.")
    flagged = serializers.ListField(
        child=serializers.DictField(), help_text="ردیف‌هایی که ثبت شدند ولی «تکراری» علامت خوردند (صاحب پیش‌تر ثبت شده)."
    )
    notice = serializers.CharField(help_text="یادداشتی دربارهٔ این دسته، اگر باشد.")


# ---------------------------------------------------------------- continuity checks


class ContinuityCheckIn(StrictSerializer):
    business = WholeNumberField(min_value=1, max_value=BIGINT_MAX, help_text="شناسهٔ کسب‌وکار.")
    checked_on = DateField(help_text="تاریخ پایش: شمسی یا میلادی ISO.")
    status = choice(
        ContinuityCheck.Status.choices, help_text="active (فعال)، semi_closed (نیمه‌تعطیل) یا inactive (غیرفعال)."
    )
    reason = choice(
        [("", "—"), *ContinuityCheck.Reason.choices],
        required=False,
        help_text="دلیل، برای نیمه‌تعطیل یا غیرفعال لازم: raw_materials، marketing، financing، training یا other.",
    )
    note = TextField(max_length=CHECK_NOTE_MAX, required=False, allow_blank=True, help_text="توضیح (اختیاری).")


class ContinuityCheckOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="شناسهٔ پایش.")
    business = serializers.IntegerField(source="business_id", help_text="شناسهٔ کسب‌وکار.")
    checked_on = serializers.DateField(help_text="تاریخ پایش (میلادی، ISO).")
    checked_on_jalali = serializers.SerializerMethodField(help_text="تاریخ پایش (شمسی).")
    status = serializers.CharField(help_text="نتیجهٔ پایش.")
    status_label = serializers.CharField(source="get_status_display", help_text="نتیجه به فارسی.")
    reason = serializers.CharField(help_text="دلیل.")
    note = serializers.CharField(help_text="توضیح.")
    business_status = serializers.CharField(source="business.status", help_text="وضعیت کسب‌وکار پس از این پایش.")

    def get_checked_on_jalali(self, check) -> str:
        return jalali(check.checked_on)


# ---------------------------------------------------------------- errors (for the schema)


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField(help_text="خطا در یک جملهٔ فارسی.")
    errors = serializers.JSONField(
        help_text='خطای هر فیلد: {"<فیلد>": ["پیام"]}؛ برای دستهٔ کسب‌وکارها فهرستی از {row، field، message}.'
    )
