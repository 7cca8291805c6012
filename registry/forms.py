"""Forms of the business registry: they read Persian input and convert it; rules stay in services."""

from __future__ import annotations

from django import forms

from core import persian
from core.fields import CodeField, JalaliDateField, NationalCodeField, PersianCharField, PersianIntegerField
from core.forms import OneTimeTokenForm
from programs.models import County, Sector

from .import_files import MAX_FILE_BYTES
from .models import ContinuityCheck


class BusinessForm(OneTimeTokenForm):
    commitment = forms.ModelChoiceField(label="تعهد", queryset=None, empty_label="— انتخاب کنید —")
    reference_code = CodeField(label="کد پیگیری", max_length=64)
    county = forms.ModelChoiceField(label="شهرستان", queryset=County.objects.all(), empty_label="— انتخاب کنید —")
    sector = forms.ModelChoiceField(label="رسته", queryset=Sector.objects.all(), empty_label="— انتخاب کنید —")
    started_on = JalaliDateField(label="تاریخ شروع")
    jobs = PersianIntegerField(label="تعداد شغل", min_value=1, initial=1)
    loan_amount = PersianIntegerField(label="مبلغ تسهیلات (ریال)", min_value=0, required=False)
    owner_national_code = NationalCodeField(
        label="کد ملی صاحب کسب‌وکار (اختیاری)",
        required=False,
        help_text="۱۰ رقم از کارت ملی، تا کسی که زیر دو تعهد ثبت شده یک بار شمرده شود. خود کد نگه داشته "
        "و به کسی نشان داده نمی‌شود؛ اگر فرم خطا داشت، کد را دوباره وارد کنید.",
    )

    def __init__(self, *args, commitments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commitment"].queryset = commitments


class CheckForm(forms.Form):
    checked_on = JalaliDateField(label="تاریخ پایش")
    status = forms.ChoiceField(label="وضعیت", choices=ContinuityCheck.Status.choices)
    reason = forms.ChoiceField(
        label="دلیل (برای نیمه‌تعطیل یا غیرفعال)",
        choices=[("", "—"), *ContinuityCheck.Reason.choices],
        required=False,
    )
    note = PersianCharField(label="توضیح", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(
        label="فایل اکسل (xlsx) یا CSV",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "فایلی انتخاب نشده است.", "empty": "فایل خالی است."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"حجم فایل بیش از {persian.format_number(MAX_FILE_BYTES // (1024 * 1024))} مگابایت است؛ "
                "فهرست را در چند فایل کوچک‌تر جدا کنید."
            )
        return upload
