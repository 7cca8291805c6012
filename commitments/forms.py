"""Forms for progress entries and their review. They read and check what people type
(Jalali dates, digits in any script, the evidence file); the rules live in services."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from core import persian
from core.fields import JalaliDateField, PersianCharField, PersianIntegerField
from core.forms import OneTimeTokenForm
from programs.models import County, Sector

from .models import ProgressEntry
from .services import REOPEN_REASON_MAX

# What each allowed evidence type starts with; the extension alone proves nothing.
EVIDENCE_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
NOTE_MAX = ProgressEntry._meta.get_field("note").max_length
REVIEW_NOTE_MAX = ProgressEntry._meta.get_field("review_note").max_length


def check_evidence(upload) -> None:
    """PDF, JPEG or PNG only, by extension AND by content, and no larger than the limit."""
    extension = Path(upload.name or "").suffix.lower()
    if extension not in EVIDENCE_SIGNATURES:
        raise ValidationError("مستند باید فایل PDF یا تصویر JPG یا PNG باشد؛ این نوع فایل پذیرفته نیست.")
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            f"حجم مستند {persian.format_number(upload.size / 1024 / 1024, 1)} مگابایت است؛ "
            f"حداکثر {persian.format_number(limit / 1024 / 1024, 1)} مگابایت پذیرفته می‌شود."
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(EVIDENCE_SIGNATURES[extension]):
        raise ValidationError("محتوای فایل با پسوند آن جور نیست؛ فایل PDF یا تصویر JPG یا PNG واقعی بارگذاری کنید.")


class ProgressEntryForm(OneTimeTokenForm):
    period_end = JalaliDateField(
        label="پایان دوره (تاریخ شمسی)", help_text="مثل ۱۴۰۵/۰۴/۰۵؛ با رقم فارسی یا انگلیسی، یا از تقویم."
    )
    jobs_created = PersianIntegerField(
        label="شغل ایجاد شده",
        min_value=1,
        error_messages={"min_value": "تعداد شغل ایجاد شده باید دست‌کم ۱ باشد."},
    )
    county = forms.ModelChoiceField(
        label="شهرستان", queryset=County.objects.all(), required=False, empty_label="— انتخاب کنید —"
    )
    sector = forms.ModelChoiceField(
        label="رسته", queryset=Sector.objects.all(), required=False, empty_label="— انتخاب کنید —"
    )
    credit_paid = PersianIntegerField(
        label="اعتبار پرداخت شده (ریال)",
        required=False,
        min_value=0,
        help_text="مثل ۱۲٬۵۰۰٬۰۰۰",
        error_messages={"min_value": "اعتبار پرداخت شده نمی‌تواند منفی باشد."},
    )
    note = PersianCharField(
        label="توضیح",
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"توضیح حداکثر {persian.format_number(NOTE_MAX)} نویسه است؛ آن را کوتاه‌تر کنید."},
    )
    evidence = forms.FileField(
        # «یا» between the Latin names, never «،»: right to left, «PDF، JPG» is laid out as one
        # left-to-right run and reads «JPG ،PDF».
        label="مستند (فایل PDF یا تصویر JPG یا PNG)",
        required=False,
        help_text=f"حداکثر {persian.format_number(settings.EVIDENCE_MAX_BYTES / 1024 / 1024)} مگابایت",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        # A ClearableFileInput returns the stored file (not an upload) when nothing new came.
        if upload and hasattr(upload, "content_type"):
            check_evidence(upload)
            return upload
        return None

    def clean_credit_paid(self):
        return self.cleaned_data.get("credit_paid") or 0


class ProgressEntryEditForm(ProgressEntryForm):
    # An edit is guarded by its version, not by a one-time token.
    submission_token = None
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = PersianCharField(
        label="دلیل ویرایش",
        required=False,
        max_length=90,
        help_text="در تاریخچه می‌ماند؛ مثلاً «اصلاح شهرستان طبق نامهٔ بانک».",
    )


class ReturnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = PersianCharField(
        label="دلیل برگشت",
        max_length=REVIEW_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "دلیل برگشت را بنویسید تا کارشناس بداند چه چیزی را اصلاح کند."},
    )


class VerifyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = PersianCharField(
        label="دلیل بازگشایی",
        max_length=REOPEN_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "دلیل بازگشایی را بنویسید؛ در تاریخچهٔ گزارش می‌ماند.",
            "max_length": f"دلیل بازگشایی حداکثر {persian.format_number(REOPEN_REASON_MAX)} نویسه است؛ آن را کوتاه‌تر کنید.",
        },
    )
