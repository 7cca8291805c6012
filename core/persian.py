"""Persian at the edges: digits, letters, Jalali dates and recurring Jalali deadlines.

The database holds Gregorian dates and plain integers. Everything here converts
between that and what a Persian-speaking user types or reads, and nothing else
in the project should do these conversions by hand.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

import jdatetime
from django.utils import timezone

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ASCII_DIGITS = "0123456789"

_TO_ASCII = str.maketrans(PERSIAN_DIGITS + ARABIC_DIGITS, ASCII_DIGITS * 2)
_TO_PERSIAN = str.maketrans(ASCII_DIGITS, PERSIAN_DIGITS)
# Arabic yeh/kaf (and alef maksura) typed on Arabic keyboards or pasted from
# bank spreadsheets; stored and searched as Persian letters.
_ARABIC_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
_PERSIAN_TO_ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك"})

JALALI_MONTHS = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)

THOUSAND_SEPARATOR = "٬"
DECIMAL_SEPARATOR = "٫"


class PersianValueError(ValueError):
    """A value a user typed that cannot be understood; the message is Persian."""


# Longer than any number a column holds (a bigint has 19 digits), far shorter than the
# 4,300 digits past which int() refuses: the length is checked before int() runs.
MAX_NUMBER_DIGITS = 30
# What a pasted value may carry around its digits without meaning anything.
_NUMBER_JUNK = str.maketrans({c: None for c in (THOUSAND_SEPARATOR, ",", "،", " ", "\xa0", "_")})


def to_ascii_digits(value: str) -> str:
    """Turn Persian and Arabic-Indic digits into ASCII, leaving everything else."""
    return value.translate(_TO_ASCII)


def strip_format_chars(value: str) -> str:
    """Drop the invisible characters (Unicode category Cf: ZWNJ, ZWSP, word joiner, LRM/RLM,
    BOM, bidi isolates …) that make two texts look the same and compare different."""
    return "".join(c for c in value if unicodedata.category(c) != "Cf")


def is_ascii_number(text: str) -> bool:
    """Only 0–9, and not too many of them for int(). `str.isdigit()` also accepts «²» and
    «①», and `isdecimal()` accepts «𝟙» and other scripts' digits; none of them is what a
    user of this site types, so both are refused here rather than half-read by int()."""
    return 0 < len(text) <= MAX_NUMBER_DIGITS and text.isascii() and text.isdecimal()


def normalize_number_text(value: str) -> str:
    """«۱۲٬۵۰۰٬۰۰۰» → «12500000»; «۲٫۵» → «2.5». Drops group separators, spaces and
    invisible characters."""
    text = to_ascii_digits(strip_format_chars(str(value))).replace(DECIMAL_SEPARATOR, ".")
    return text.translate(_NUMBER_JUNK).strip()


def parse_int(value: str | int) -> int:
    """An integer from any of the three digit scripts, with or without separators.

    The one place text becomes an integer: anything else is a PersianValueError, never
    a bare ValueError (which would be a 500 wherever a caller forgot to catch it)."""
    if isinstance(value, int):
        return value
    text = normalize_number_text(value)
    if text.startswith("+"):
        text = text[1:]
    digits = text[1:] if text.startswith("-") else text
    if not is_ascii_number(digits):
        shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
        raise PersianValueError(f"«{shown}» عدد صحیح نیست؛ فقط رقم وارد کنید، مثل ۱۲٬۵۰۰.")
    return int(text)


def normalize_code(value: str) -> str:
    """A reference code as it is stored and compared: no invisible characters, ASCII
    digits, Persian letters, one letter case. «ab-12», «AB\u200c-12», «\u200eAB-12» and
    «AB-۱۲» are all «AB-12», so a business cannot be registered twice by a look-alike."""
    return to_ascii_digits(normalize_letters(strip_format_chars(str(value)))).upper().strip()


def parse_decimal(value: str) -> Decimal:
    text = normalize_number_text(value)
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise PersianValueError(f"«{value}» عدد نیست.") from exc


def normalize_letters(value: str) -> str:
    """Arabic ي/ك/ى → Persian ی/ک, and surrounding spaces trimmed."""
    return value.translate(_ARABIC_LETTERS).strip()


def letter_variants(value: str) -> set[str]:
    """The spellings a stored text may have: Persian letters and Arabic ones.

    Used by searches so «كرمان» finds «کرمان» and the other way round, even in
    rows written before normalisation existed.
    """
    persian = value.translate(_ARABIC_LETTERS)
    return {value, persian, persian.translate(_PERSIAN_TO_ARABIC_LETTERS)}


def persian_digits(value: object) -> str:
    """Display only: ASCII digits → Persian. Never use on form values, JSON or URLs."""
    return str(value).translate(_TO_PERSIAN)


def format_number(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """۳۰٬۰۰۰ from 30000; «—» for None."""
    if value is None:
        return "—"
    if decimals:
        text = f"{value:,.{decimals}f}"
    else:
        text = f"{int(round(value)):,}"
    text = text.replace(",", "\0").replace(".", DECIMAL_SEPARATOR).replace("\0", THOUSAND_SEPARATOR)
    if text.startswith("-"):
        # U+2212 keeps the sign on the correct side in right-to-left text.
        text = "\u2212" + text[1:]
    return persian_digits(text)


def format_percent(value: int | float | Decimal | None) -> str:
    """٪۲۵٫۸ from 25.8, ٪۱۰ from 10 (one decimal, none when it is zero); «—» for None.

    The one way a percentage is written, on pages, in PDFs and in charts, so the same
    figure never reads ٪۲۵٫۸ on one page and ٪۲۶ on the next.
    """
    if value is None:
        return "—"
    rounded = round(float(value), 1)
    return "٪" + format_number(rounded, 0 if rounded == int(rounded) else 1)


def local_today() -> datetime.date:
    """Today in Tehran, whatever the server's clock zone is."""
    return timezone.localdate()


def to_jalali(value: datetime.date) -> jdatetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return jdatetime.date.fromgregorian(date=value)


def format_jalali(value: datetime.date | None, fmt: str = "%Y/%m/%d", digits: str = "fa") -> str:
    """۱۴۰۵/۰۴/۰۵ (digits="fa") or 1405/04/05 (digits="ascii") from a Gregorian date."""
    if value is None:
        return ""
    if type(value) is datetime.date:
        return _format_jalali_date(value, fmt, digits)
    text = to_jalali(value).strftime(fmt)
    return persian_digits(text) if digits == "fa" else text


@functools.lru_cache(maxsize=8192)
def _format_jalali_date(value: datetime.date, fmt: str, digits: str) -> str:
    # Remembered: a page writes hundreds of dates, and jdatetime takes tens of microseconds each.
    text = to_jalali(value).strftime(fmt)
    return persian_digits(text) if digits == "fa" else text


def format_jalali_long(value: datetime.date | None) -> str:
    """۵ تیر ۱۴۰۵"""
    if value is None:
        return ""
    j = to_jalali(value)
    return persian_digits(f"{j.day} {JALALI_MONTHS[j.month - 1]} {j.year}")


def format_jalali_datetime(value: datetime.datetime | None) -> str:
    """۱۴۰۵/۰۴/۰۵ ۱۴:۳۰ in Tehran time."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    j = jdatetime.datetime.fromgregorian(datetime=local)
    return persian_digits(j.strftime("%Y/%m/%d %H:%M"))


def jalali_month_length(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


JALALI_YEAR_MIN = 1300
JALALI_YEAR_MAX = 1500


def check_jalali_year(year: int, shown: str = "") -> None:
    """The one range check on dates, for a date typed in Jalali and for a Gregorian date
    that arrives already made (an Excel date cell): its Jalali year is 1300–1500."""
    if not JALALI_YEAR_MIN <= year <= JALALI_YEAR_MAX:
        what = shown or f"سال {persian_digits(year)}"
        raise PersianValueError(
            f"{what} پذیرفته نیست؛ سال شمسی باید بین {persian_digits(JALALI_YEAR_MIN)} و "
            f"{persian_digits(JALALI_YEAR_MAX)} باشد، مثل ۱۴۰۵."
        )


def check_date_in_range(value: datetime.date) -> datetime.date:
    """A Gregorian date held to the Jalali years a typed date may have (check_jalali_year)."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    try:
        year = to_jalali(value).year
    except (ValueError, OverflowError):  # before the Jalali calendar's year 1
        year = 0
    check_jalali_year(year, shown=f"تاریخ میلادی {persian_digits(value.isoformat().replace('-', '/'))}")
    return value


def make_jalali_date(year: int, month: int, day: int) -> datetime.date:
    """A Gregorian date from Jalali parts, with a Persian message for impossible dates."""
    if not 1 <= month <= 12:
        raise PersianValueError(f"ماه {persian_digits(month)} وجود ندارد؛ ماه باید بین ۱ و ۱۲ باشد.")
    check_jalali_year(year)
    length = jalali_month_length(year, month)
    if not 1 <= day <= length:
        if month == 12 and day == 30:
            raise PersianValueError(
                f"سال {persian_digits(year)} کبیسه نیست و اسفند آن ۳۰ روز ندارد؛ آخرین روز اسفند ۲۹ است."
            )
        raise PersianValueError(
            f"{JALALI_MONTHS[month - 1]} {persian_digits(length)} روز دارد؛ روز {persian_digits(day)} وجود ندارد."
        )
    return jdatetime.date(year, month, day).togregorian()


def parse_jalali_date(value: str) -> datetime.date:
    """«۱۴۰۵/۰۴/۰۵», «1405/4/5», «١٤٠٥-٠٤-٠٥» → datetime.date(2026, 6, 26).

    Raises PersianValueError with a message that says what to fix.
    """
    text = to_ascii_digits(strip_format_chars(str(value))).strip()
    for sep in ("-", ".", "\\", " "):
        text = text.replace(sep, "/")
    parts = [p for p in text.split("/") if p]
    if len(parts) != 3 or not all(is_ascii_number(p) and len(p) <= 4 for p in parts):
        shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
        raise PersianValueError(f"«{shown}» تاریخ شمسی معتبری نیست؛ به شکل ۱۴۰۵/۰۴/۰۵ (سال/ماه/روز) وارد کنید.")
    year, month, day = (int(p) for p in parts)
    if year < 100:
        raise PersianValueError(f"«{value}»: سال را چهاررقمی وارد کنید، مثل ۱۴۰۵/۰۴/۰۵.")
    return make_jalali_date(year, month, day)


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# Jalali years are 1300–1500 (check_jalali_year); a four-digit year from here on is Gregorian.
GREGORIAN_YEAR_FROM = 1600


def parse_date(value: str) -> datetime.date:
    """A date as machines send it (the partner API): Jalali as parse_jalali_date reads it
    («۱۴۰۵/۰۸/۲۰», «1405/08/20», «1405-08-20»), or Gregorian in ISO 8601 («2026-11-11»),
    told apart by the year. A Gregorian date written with slashes («2026/11/11») is refused
    with a message that says how to write either, rather than read as a Jalali year 2026.
    """
    text = to_ascii_digits(strip_format_chars(str(value))).strip()
    shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
    head = text[:4]
    if len(text) >= 4 and head.isascii() and head.isdecimal() and int(head) >= GREGORIAN_YEAR_FROM:
        match = _ISO_DATE.fullmatch(text)
        if not match:
            raise PersianValueError(
                f"«{shown}» پذیرفته نیست؛ تاریخ میلادی را به شکل ISO بنویسید (2026-11-11، سال-ماه-روز) "
                "یا تاریخ شمسی را به شکل ۱۴۰۵/۰۸/۲۰."
            )
        try:
            day = datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise PersianValueError(f"«{shown}» تاریخ میلادی معتبری نیست؛ ماه یا روز آن وجود ندارد.") from None
        return check_date_in_range(day)
    return parse_jalali_date(value)


def next_jalali_occurrence(month: int, day: int, today: datetime.date | None = None) -> datetime.date:
    """The next date (today included) that falls on this Jalali month and day.

    A deadline day lasts until 23:59:59 Tehran time, so on 5 Tir itself the next
    5 Tir is today. 30 Esfand in a common year falls on 29 Esfand, its last day.
    """
    today = today or local_today()
    j_today = to_jalali(today)
    for year in (j_today.year, j_today.year + 1):
        candidate_day = min(day, jalali_month_length(year, month))
        candidate = jdatetime.date(year, month, candidate_day).togregorian()
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable: next year always has the date")


@functools.lru_cache(maxsize=4096)
def jalali_month_range(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """First and last Gregorian day of a Jalali month, for Gregorian range queries
    (remembered: jdatetime takes tens of microseconds a date)."""
    start = jdatetime.date(year, month, 1).togregorian()
    end = jdatetime.date(year, month, jalali_month_length(year, month)).togregorian()
    return start, end


def jalali_year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return jalali_month_range(year, 1)[0], jalali_month_range(year, 12)[1]


def jalali_month_label(year: int, month: int) -> str:
    return persian_digits(f"{JALALI_MONTHS[month - 1]} {year}")


def deadline_end(value: datetime.date) -> datetime.datetime:
    """The aware moment a deadline day closes: 23:59:59.999999 Tehran time."""
    naive = datetime.datetime.combine(value, datetime.time.max)
    return timezone.make_aware(naive, timezone.get_default_timezone())
