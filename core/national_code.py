"""The Iranian national code (کد ملی): read what people type, check it, and keep it unreadable.

A code is ten digits, the last a check digit over the first nine. People type it
with Persian, Arabic-Indic or Latin digits, with spaces or dashes from the card's
layout, and paste it with invisible characters (ZWNJ, ZWSP, LRM/RLM, BOM) picked up
from other programs; all of those are dropped before the check.

Nothing stores the code in clear: `owner_hash` is a keyed hash (HMAC-SHA256 with
settings.NATIONAL_CODE_KEY) so equal codes can be matched, and `last_digits` keeps
the three people recognise. Changing the key makes old and new hashes differ: the
same owner registered before and after the change is no longer matched.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata

from django.conf import settings

from . import persian

LENGTH = 10
LAST_DIGITS = 3
# The longest text looked at: ten digits with the card's spaces or dashes and some
# stray invisible characters fit easily; anything longer is refused before any work.
MAX_INPUT_LENGTH = 30
# Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus
# sign, small and full-width hyphen-minus, and the Arabic tatweel.
_DASHES = dict.fromkeys(map(ord, "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d\u0640"))

TOO_LONG = f"کد ملی باید {persian.persian_digits(LENGTH)} رقم باشد؛ متنی که وارد شده بسیار بلندتر است."
NOT_DIGITS = "کد ملی فقط از رقم ساخته می‌شود؛ حرف یا نشانهٔ دیگری در آن هست. ۱۰ رقم کد را از کارت ملی بنویسید."
ALL_EQUAL = "کد ملی با ده رقم یکسان معتبر نیست؛ کد را دوباره از کارت ملی بخوانید."
BAD_CHECK_DIGIT = "رقم کنترل کد ملی درست نیست؛ کد را دوباره از کارت ملی بخوانید."


def _wrong_length(count: int) -> str:
    return f"کد ملی باید {persian.persian_digits(LENGTH)} رقم باشد؛ این کد {persian.persian_digits(count)} رقم دارد."


def normalize(value: str) -> str:
    """Digits in ASCII with every space, dash and invisible character dropped; no check.

    Reuses persian.normalize_number_text (digits of the three scripts, group
    separators, spaces, ZWNJ, LRM/RLM) and drops what it leaves: dashes and the
    other format characters (ZWSP, ZWJ, word joiner, BOM, bidi controls).
    """
    text = persian.normalize_number_text(value).translate(_DASHES)
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def check_digit_ok(code: str) -> bool:
    """The standard rule: r = Σ digit[i] × (10 − i) over the first nine, mod 11;
    the check digit is r when r < 2, else 11 − r."""
    remainder = sum(int(code[i]) * (LENGTH - i) for i in range(LENGTH - 1)) % 11
    expected = remainder if remainder < 2 else 11 - remainder
    return int(code[-1]) == expected


def parse(value: str | None) -> str:
    """The ten ASCII digits of a valid code, or "" when nothing was given.

    Raises persian.PersianValueError with a message that says what to fix. The
    message never repeats the code: it ends up on pages and in import reports.
    """
    if value is None:
        return ""
    value = str(value)
    if len(value) > MAX_INPUT_LENGTH:
        raise persian.PersianValueError(TOO_LONG)
    code = normalize(value)
    if not code:
        return ""
    # isdecimal() alone accepts digits of other scripts that int() reads as well;
    # only ASCII digits are left after normalize() for the three scripts we accept.
    if not (code.isascii() and code.isdecimal()):
        raise persian.PersianValueError(NOT_DIGITS)
    if len(code) != LENGTH:
        raise persian.PersianValueError(_wrong_length(len(code)))
    if len(set(code)) == 1:
        raise persian.PersianValueError(ALL_EQUAL)
    if not check_digit_ok(code):
        raise persian.PersianValueError(BAD_CHECK_DIGIT)
    return code


def owner_hash(code: str) -> str:
    """HMAC-SHA256 of a valid code (as `parse` returns it) under NATIONAL_CODE_KEY, in hex."""
    if len(code) != LENGTH or not (code.isascii() and code.isdecimal()):
        raise ValueError("owner_hash takes a code that parse() returned")
    key = settings.NATIONAL_CODE_KEY.encode()
    return hmac.new(key, code.encode("ascii"), hashlib.sha256).hexdigest()


def last_digits(code: str) -> str:
    return code[-LAST_DIGITS:]


def masked(last: str) -> str:
    """«*******۱۲۳» from the last three digits; "" when there is no code. For admins only."""
    if not last:
        return ""
    return "*" * (LENGTH - LAST_DIGITS) + persian.persian_digits(last)
