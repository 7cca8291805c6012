"""Serializer fields that read what a bank's system sends as the site's forms read what a
person types: Jalali or ISO dates (core.persian.parse_date), whole numbers in any digit
script, ids that must be numbers — each refused with a Persian message."""

from __future__ import annotations

import math

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import persian

INT_MAX = 2_147_483_647  # PostgreSQL integer
BIGINT_MAX = 9_223_372_036_854_775_807


@extend_schema_field({"type": "string", "example": "1405/08/20"})
class DateField(serializers.Field):
    """In: «۱۴۰۵/۰۸/۲۰», «1405/08/20» or «2026-11-11». Out: ISO («2026-11-11»); the Jalali
    form travels beside it in a field of its own (`<name>_jalali`)."""

    default_error_messages = {"type": 'تاریخ را به شکل متن بفرستید، مثل "1405/08/20" یا "2026-11-11".'}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("type")
        try:
            return persian.parse_date(data)
        except persian.PersianValueError as exc:
            raise serializers.ValidationError(str(exc)) from None

    def to_representation(self, value):
        return value.isoformat() if value else None


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberField(serializers.Field):
    """A whole number: a JSON integer, or text in Persian, Arabic or Latin digits with or
    without separators («۱۲٬۵۰۰»). true/false, fractions and numbers past the column's
    range are refused."""

    default_error_messages = {
        "type": 'باید عدد صحیح باشد، مثل 12 یا "۱۲".',
        "fraction": "باید عدد صحیح باشد؛ {value} کسر دارد.",
    }

    def __init__(self, *, min_value: int = 0, max_value: int = INT_MAX, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("type")
        if isinstance(data, float):
            if not math.isfinite(data) or not data.is_integer():
                self.fail("fraction", value=data)
            data = int(data)
        if isinstance(data, str):
            try:
                data = persian.parse_int(data)
            except persian.PersianValueError as exc:
                raise serializers.ValidationError(str(exc)) from None
        if data < self.min_value:
            raise serializers.ValidationError(
                f"دست‌کم {persian.format_number(self.min_value)} باشد؛ {persian.format_number(data)} فرستاده شده است."
            )
        if data > self.max_value:
            raise serializers.ValidationError(
                f"بیش از اندازه بزرگ است؛ حداکثر {persian.format_number(self.max_value)} پذیرفته می‌شود."
            )
        return data

    def to_representation(self, value):
        return value


class TextField(serializers.CharField):
    """Text with Persian messages for a wrong type and for length."""

    def __init__(self, **kwargs):
        max_length = kwargs.get("max_length")
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": "باید متن باشد.",
                "max_length": f"حداکثر {persian.format_number(max_length or 0)} نویسه پذیرفته می‌شود.",
                "blank": "نمی‌تواند خالی باشد.",
                "null": "نمی‌تواند null باشد.",
                "required": "این فیلد لازم است.",
            },
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # CharField would turn 12 into "12"; a number where text belongs is a mistake.
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def choice(choices, **kwargs) -> serializers.ChoiceField:
    allowed = "، ".join(str(value) for value, _ in choices)
    return serializers.ChoiceField(
        choices=choices,
        error_messages={
            "invalid_choice": f"«{{input}}» جزو گزینه‌ها نیست؛ یکی از این‌ها را بفرستید: {allowed}.",
            "required": "این فیلد لازم است.",
            "null": "نمی‌تواند null باشد.",
        },
        **kwargs,
    )


class StrictSerializer(serializers.Serializer):
    """A body with a field this endpoint does not know is refused, not half read: a
    misspelt «jobs_creatd» would otherwise be dropped silently and the entry saved without it."""

    default_error_messages = {"invalid": 'بدنهٔ درخواست باید یک شیء JSON باشد، مثل {"commitment": 12, …}.'}

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [self.error_messages["invalid"]]})
        errors = {}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = dict(exc.detail)
            value = None
        known = {name for name, field in self.fields.items() if not field.read_only}
        for name in list(data)[:50]:
            if name not in known:
                shown = str(name)[:40]
                errors[shown] = [f"فیلد «{shown}» شناخته نیست؛ فیلدهای این نشانی: {'، '.join(sorted(known))}."]
        if errors:
            raise serializers.ValidationError(errors)
        return value
