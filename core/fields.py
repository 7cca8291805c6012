"""Form fields that read what Persian users type: Jalali dates and digits in three scripts."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from . import national_code, persian


def shown_date(value):
    """A date as a person sees it in an input: ۱۴۰۵/۰۸/۳۰. What was typed and does not
    read as a date comes back as typed, so its error message and the text agree."""
    if isinstance(value, datetime.date):
        return persian.format_jalali(value)
    if isinstance(value, str) and value.strip():
        try:
            return persian.format_jalali(persian.parse_jalali_date(value))
        except persian.PersianValueError:
            return value
    return value


def shown_number(value):
    """A whole number as a person sees it in an input: ۱۲٬۵۰۰٬۰۰۰٬۰۰۰; what does not read as
    one comes back as typed. Read back by core.persian.parse_int, in any digit script."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return persian.format_number(value)
    if isinstance(value, str) and value.strip():
        try:
            return persian.format_number(persian.parse_int(value))
        except persian.PersianValueError:
            return value
    return value


class JalaliDateInput(forms.TextInput):
    """A text input holding ۱۴۰۵/۰۴/۰۵; the self-hosted Jalali date picker attaches to
    `data-jdp` (and writes Persian digits too). The value a person sees, initial or sent
    back with an error, is in Persian digits; JalaliDateField reads any digit script."""

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
        return super().format_value(shown_date(value))


class JalaliDateField(forms.Field):
    widget = JalaliDateInput
    default_error_messages = {"invalid": "تاریخ شمسی معتبری نیست؛ به شکل ۱۴۰۵/۰۴/۰۵ وارد کنید."}

    def __init__(self, *, input_formats=None, **kwargs):
        # Model DateFields pass input_formats-free kwargs; accept and ignore it so the
        # field can stand in for forms.DateField through formfield_overrides.
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
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
        return shown_date(value)

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True


class PersianNumberInput(forms.TextInput):
    """type="number" refuses Persian-keyboard digits in browsers; this does not. Shows
    its value in Persian digits with ٬ separators (۱۲٬۵۰۰); PersianIntegerField reads
    them back, as it reads Latin or Arabic-Indic digits."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "dir": "ltr", "class": "vIntegerField", **(attrs or {})})

    def format_value(self, value):
        return super().format_value(shown_number(value))


# The largest values the database columns hold (PostgreSQL integer and bigint); SQLite
# would take more for an integer column, so forms hold both databases to these.
INTEGER_MAX = 2_147_483_647
BIG_INTEGER_MAX = 9_223_372_036_854_775_807


class PersianIntegerField(forms.IntegerField):
    """Digits in any of the three scripts, with or without separators. Limits are
    checked with Persian messages, and a number is never larger than a bigint column
    holds, so a huge number is a form error rather than a database error."""

    widget = PersianNumberInput
    default_error_messages = {"invalid": "عدد صحیح وارد کنید؛ رقم فارسی یا انگلیسی، با یا بدون جداکننده (۱۲٬۵۰۰)."}

    def __init__(self, *, max_value=None, min_value=None, **kwargs):
        if max_value is None:
            max_value = BIG_INTEGER_MAX
        super().__init__(max_value=max_value, min_value=min_value, **kwargs)
        persian_validators = []
        for validator in self.validators:
            if isinstance(validator, MaxValueValidator):
                validator = MaxValueValidator(
                    validator.limit_value,
                    message=f"این عدد بیش از حد بزرگ است؛ حداکثر {persian.format_number(validator.limit_value)} پذیرفته می‌شود.",
                )
            elif isinstance(validator, MinValueValidator):
                limit = validator.limit_value
                message = (
                    "عدد منفی پذیرفته نیست؛ صفر یا بیشتر وارد کنید."
                    if limit == 0
                    else f"این عدد باید دست‌کم {persian.format_number(limit)} باشد."
                )
                validator = MinValueValidator(limit, message=message)
            persian_validators.append(validator)
        self.validators = persian_validators

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, str) and not persian.normalize_number_text(value):
            return None  # spaces or separators only: as blank as ""
        # core.persian.parse_int, not int(): «²», «①» and 5,000 digits are form errors.
        try:
            return persian.parse_int(value)
        except persian.PersianValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget):
        # IntegerField would add min/max/step, which only make sense on type=number.
        return {}


class PersianCharField(forms.CharField):
    """Text normalised to Persian letters (ي/ك → ی/ک) before it is saved."""

    def to_python(self, value):
        value = super().to_python(value)
        return persian.normalize_letters(value) if value else value


class CodeInput(forms.TextInput):
    """A reference code as people read it: its digits Persian («RS-۱۴۰۴-۰۰۱۲۵»)."""

    def __init__(self, attrs=None):
        super().__init__({"dir": "ltr", "autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        value = super().format_value(value)
        return persian.persian_digits(value) if value else value


class CodeField(PersianCharField):
    """A reference code, typed with digits of any script: cleaned to its stored, compared
    form (core.persian.normalize_code), so an unchanged code is not a change."""

    widget = CodeInput

    def to_python(self, value):
        value = super().to_python(value)
        return persian.normalize_code(value) if value else value


class NationalCodeInput(forms.TextInput):
    """Never writes the code back into the page, even when the form comes back with an
    error elsewhere: the code is shown to nobody (core.national_code)."""

    def __init__(self, attrs=None):
        base = {"dir": "ltr", "inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        super().__init__({**base, **(attrs or {})})

    def get_context(self, name, value, attrs):
        return super().get_context(name, None, attrs)


class NationalCodeField(forms.CharField):
    """An Iranian national code in any digit script, with spaces, dashes or invisible
    characters; cleaned to ten ASCII digits, or "" when left blank (optional field)."""

    widget = NationalCodeInput

    def __init__(self, **kwargs):
        super().__init__(strip=True, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        try:
            return national_code.parse(value)
        except persian.PersianValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None


class JalaliDateTimeInput(forms.TextInput):
    """A moment as a person reads it: «۱۴۰۵/۰۴/۰۵ ۱۴:۳۰», Tehran time, Persian digits."""

    def __init__(self, attrs=None):
        base = {
            "class": "jalali-datetime vTextField",
            "placeholder": "۱۴۰۵/۰۴/۰۵ ۱۴:۳۰",
            "autocomplete": "off",
            "dir": "ltr",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.datetime):
            return persian.format_jalali_datetime(value)
        return super().format_value(value)


class JalaliDateTimeField(forms.Field):
    """A Jalali date and an optional time (HH:MM, 00:00 when left out) in any digit
    script, read in the site's time zone (Tehran). Minutes are the finest step a person
    types, so a value sent back as it was shown is not a change."""

    widget = JalaliDateTimeInput
    default_error_messages = {"invalid": "تاریخ و ساعت شمسی معتبری نیست؛ به شکل ۱۴۰۵/۰۴/۰۵ ۱۴:۳۰ وارد کنید."}

    def to_python(self, value):
        from django.utils import timezone

        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value
        parts = persian.to_ascii_digits(str(value)).split()
        if len(parts) not in (1, 2):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            day = persian.parse_jalali_date(parts[0])
            hour, minute = (int(p) for p in (parts[1] if len(parts) == 2 else "0:0").split(":"))
            moment = datetime.datetime.combine(day, datetime.time(hour, minute))
        except (persian.PersianValueError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return timezone.make_aware(moment)

    def has_changed(self, initial, data):
        def minute(value):
            value = self.to_python(value)
            return value.replace(second=0, microsecond=0) if value else None

        try:
            return minute(data) != minute(initial)
        except ValidationError:
            return True


class PersianDecimalInput(forms.TextInput):
    """A decimal number in Persian digits with the Persian decimal sign («۳۰٫۲۸»)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "dir": "ltr", "class": "vTextField", **(attrs or {})})

    def format_value(self, value):
        value = super().format_value(value)
        return persian.persian_digits(value).replace(".", persian.DECIMAL_SEPARATOR) if value else value


class PersianDecimalField(forms.DecimalField):
    """Digits of any script and «٫» or «.» as the decimal sign."""

    widget = PersianDecimalInput

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            value = persian.normalize_number_text(value)
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {}


class PersianDigitsInput(forms.TextInput):
    """Plain text whose digits are shown Persian (a cron field such as «۰,۳۰» or «*/۵»)."""

    def __init__(self, attrs=None):
        super().__init__({"dir": "ltr", "autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    def format_value(self, value):
        value = super().format_value(value)
        return persian.persian_digits(value) if value else value


class AsciiDigitsCharField(forms.CharField):
    """Text typed with digits of any script, stored with ASCII digits (what programs read)."""

    widget = PersianDigitsInput

    def to_python(self, value):
        value = super().to_python(value)
        return persian.to_ascii_digits(value) if value else value
