import datetime

import pytest
from django.template import Context, Template

from core import persian
from core.fields import JalaliDateField, PersianIntegerField


@pytest.mark.parametrize(
    "typed",
    ["۱۴۰۵/۰۴/۰۵", "1405/4/5", "١٤٠٥/٠٤/٠٥", "1405-04-05", " ۱۴۰۵/۴/۵ "],
)
def test_parse_jalali_date_accepts_three_digit_scripts(typed):
    assert persian.parse_jalali_date(typed) == datetime.date(2026, 6, 26)


def test_30_esfand_exists_only_in_leap_years():
    # 1403 is a leap year: 30 Esfand 1403 is 20 March 2025.
    assert persian.parse_jalali_date("1403/12/30") == datetime.date(2025, 3, 20)
    for year in (1404, 1405):
        with pytest.raises(persian.PersianValueError) as exc:
            persian.parse_jalali_date(f"{year}/12/30")
        assert "کبیسه نیست" in str(exc.value)
        assert persian.persian_digits(year) in str(exc.value)


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [
        ("1405/07/31", "مهر ۳۰ روز دارد"),
        ("1405/13/01", "ماه ۱۳ وجود ندارد"),
        ("1405/04", "۱۴۰۵/۰۴/۰۵"),
        ("hello", "تاریخ شمسی معتبری نیست"),
        ("05/04/05", "چهاررقمی"),
    ],
)
def test_parse_jalali_date_says_what_is_wrong(typed, fragment):
    with pytest.raises(persian.PersianValueError) as exc:
        persian.parse_jalali_date(typed)
    assert fragment in str(exc.value)


def test_month_lengths():
    assert [persian.jalali_month_length(1405, m) for m in range(1, 13)] == [31] * 6 + [30] * 5 + [29]
    assert persian.jalali_month_length(1403, 12) == 30
    assert persian.jalali_month_length(1408, 12) == 30


@pytest.mark.parametrize(
    ("text", "number"),
    [("۱۲٬۵۰۰٬۰۰۰", 12_500_000), ("12,500,000", 12_500_000), ("١٢٥٠٠", 12_500), ("۳۰ ۰۰۰", 30_000), ("-۵", -5)],
)
def test_parse_int_in_three_scripts(text, number):
    assert persian.parse_int(text) == number


@pytest.mark.parametrize("text", ["", "۱۲a", "۱۲٫۵", "--1"])
def test_parse_int_refuses_non_integers(text):
    with pytest.raises(persian.PersianValueError):
        persian.parse_int(text)


def test_parse_decimal_reads_persian_decimal_separator():
    from decimal import Decimal

    assert persian.parse_decimal("۲٫۵") == Decimal("2.5")


def test_format_number_groups_with_persian_separator():
    assert persian.format_number(30000) == "۳۰٬۰۰۰"
    assert persian.format_number(1234567) == "۱٬۲۳۴٬۵۶۷"
    assert persian.format_number(0) == "۰"
    assert persian.format_number(None) == "—"
    assert persian.format_number(2.5, 1) == "۲٫۵"


def test_letters_normalised_and_variants():
    assert persian.normalize_letters("كرمان ي") == "کرمان ی"
    assert persian.letter_variants("کرمان") == {"کرمان", "كرمان"}


def test_format_jalali():
    d = datetime.date(2026, 6, 26)
    assert persian.format_jalali(d) == "۱۴۰۵/۰۴/۰۵"
    assert persian.format_jalali(d, digits="ascii") == "1405/04/05"
    assert persian.format_jalali_long(d) == "۵ تیر ۱۴۰۵"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 11, 26), datetime.date(2027, 6, 26)),  # 5 Azar 1405 → 5 Tir 1406
        (datetime.date(2026, 6, 26), datetime.date(2026, 6, 26)),  # on 5 Tir itself: today
        (datetime.date(2026, 6, 27), datetime.date(2027, 6, 26)),  # the day after: next year
        (datetime.date(2026, 3, 21), datetime.date(2026, 6, 26)),  # 1 Farvardin 1405
        (datetime.date(2024, 3, 20), datetime.date(2024, 6, 25)),  # in leap 1403 5 Tir is 25 June
    ],
)
def test_next_5_tir(today, expected):
    assert persian.next_jalali_occurrence(4, 5, today=today) == expected


def test_next_30_esfand_falls_on_last_day_in_common_year():
    # 1405 has no 30 Esfand: its last day, 29 Esfand (20 March 2027), stands in.
    assert persian.next_jalali_occurrence(12, 30, today=datetime.date(2026, 11, 26)) == datetime.date(2027, 3, 20)
    # 1403 has one.
    assert persian.next_jalali_occurrence(12, 30, today=datetime.date(2025, 3, 1)) == datetime.date(2025, 3, 20)


def test_next_occurrence_uses_tehran_date_not_utc(settings, monkeypatch):
    # 22:00 UTC on 25 June 2026 is already 01:30 on 26 June (5 Tir) in Tehran.
    from django.utils import timezone

    moment = datetime.datetime(2026, 6, 25, 22, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert persian.local_today() == datetime.date(2026, 6, 26)
    assert persian.next_jalali_occurrence(4, 5) == datetime.date(2026, 6, 26)


def test_deadline_closes_at_end_of_day_tehran():
    end = persian.deadline_end(datetime.date(2026, 6, 26))
    assert end.isoformat().startswith("2026-06-26T23:59:59")
    assert end.utcoffset() == datetime.timedelta(hours=3, minutes=30)


def test_jalali_month_range():
    assert persian.jalali_month_range(1405, 4) == (datetime.date(2026, 6, 22), datetime.date(2026, 7, 22))
    assert persian.jalali_month_range(1403, 12) == (datetime.date(2025, 2, 19), datetime.date(2025, 3, 20))


def test_jalali_date_field():
    field = JalaliDateField()
    assert field.clean("۱۴۰۵/۰۴/۰۵") == datetime.date(2026, 6, 26)
    # Shown in Persian digits (and read back in any script).
    assert field.prepare_value(datetime.date(2026, 6, 26)) == "۱۴۰۵/۰۴/۰۵"
    assert field.clean(field.prepare_value(datetime.date(2026, 6, 26))) == datetime.date(2026, 6, 26)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        field.clean("1405/12/30")
    assert "اسفند" in exc.value.messages[0]


def test_persian_integer_field():
    field = PersianIntegerField(min_value=0)
    assert field.clean("۱۲٬۵۰۰٬۰۰۰") == 12_500_000
    assert 'type="text"' in field.widget.render("x", 5)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        field.clean("-۵")


def test_template_filters():
    out = Template("{{ d|jdate }} {{ d|jdate_long }} {{ n|fa_number }} {{ p|fa_percent }}").render(
        Context({"d": datetime.date(2026, 6, 26), "n": 30000, "p": 42.4})
    )
    assert out == "۱۴۰۵/۰۴/۰۵ ۵ تیر ۱۴۰۵ ۳۰٬۰۰۰ ٪۴۲٫۴"


def test_django_number_format_groups_in_persian_locale():
    # The format module: Django's own localisation groups by three with «٬».
    from django.utils import formats, translation

    with translation.override("fa"):
        assert formats.number_format(1234567, force_grouping=True) == "1٬234٬567"
