"""Form fields that read what Persian users type: Jalali dates and digits in three scripts."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError

from . import persian


class JalaliDateInput(forms.TextInput):
    """A text input holding 1405/04/05; the self-hosted Jalali date picker attaches to
    `data-jdp`. Form values keep ASCII digits (Persian digits are display-only)."""

    def __init__(self, attrs=None):
        base = {
            "data-jdp": "",
            "class": "jalali-date vTextField",
            "placeholder": "۱۴۰۵/۰۴/۰۵",
            "autocomplete": "off",
            "inputmode": "numeric",
            "dir": "ltr",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return persian.format_jalali(value, digits="ascii")
        return super().format_value(value)


class JalaliDateField(forms.Field):
    widget = JalaliDateInput
    default_error_messages = {"invalid": "تاریخ شمسی معتبری نیست؛ به شکل ۱۴۰۵/۰۴/۰۵ وارد کنید."}

    def __init__(self, *, input_formats=None, **kwargs):
        # Model DateFields pass input_formats-free kwargs; accept and ignore it so the
        # field can stand in for forms.DateField through formfield_overrides.
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return persian.parse_jalali_date(value)
        except persian.PersianValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def prepare_value(self, value):
        if isinstance(value, datetime.date):
            return persian.format_jalali(value, digits="ascii")
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


class PersianNumberInput(forms.TextInput):
    """type="number" refuses Persian-keyboard digits in browsers; this does not."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "dir": "ltr", "class": "vIntegerField", **(attrs or {})})


class PersianIntegerField(forms.IntegerField):
    widget = PersianNumberInput
    default_error_messages = {"invalid": "عدد صحیح وارد کنید؛ رقم فارسی یا انگلیسی، با یا بدون جداکننده (۱۲٬۵۰۰)."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str):
            value = persian.normalize_number_text(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        # IntegerField would add min/max/step, which only make sense on type=number.
        return {}


class PersianCharField(forms.CharField):
    """Text normalised to Persian letters (ي/ك → ی/ک) before it is saved."""

    def to_python(self, value):
        value = super().to_python(value)
        return persian.normalize_letters(value) if value else value
