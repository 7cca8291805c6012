"""Django's minimum-length password rule, saying its number in Persian digits: its own
messages format the length with %d, which prints «8» inside Persian text."""

from __future__ import annotations

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError

from . import persian


class PersianMinimumLengthValidator(MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                self.get_error_message(), code="password_too_short", params={"min_length": self.min_length}
            )

    def get_error_message(self):
        return f"این گذرواژه کوتاه است؛ دست‌کم {persian.format_number(self.min_length)} نویسه لازم است."

    def get_help_text(self):
        return f"گذرواژه باید دست‌کم {persian.format_number(self.min_length)} نویسه باشد."
