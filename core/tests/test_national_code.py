"""The national code (کد ملی): what people type is read, checked and hashed."""

import pytest

from core import national_code as nc
from core.persian import PersianValueError

VALID = "0012345679"  # check digit 9; the leading zeros are part of the code
OTHER_VALID = "2987654324"


@pytest.mark.parametrize(
    "typed",
    [
        "0012345679",
        "۰۰۱۲۳۴۵۶۷۹",  # Persian digits
        "٠٠١٢٣٤٥٦٧٩",  # Arabic-Indic digits
        "۰۰۱-۲۳۴۵۶۷-۹",  # the card's dashes
        "001 234567 9",
        "  0012345679\n",
        "۰۰۱۲\u200c۳۴۵۶۷۹",  # ZWNJ inside
        "\ufeff\u200e0012\u200b345679\u200f",  # BOM, LRM, ZWSP, RLM
        "001\u2013234567\u20119",  # en dash, non-breaking hyphen
    ],
)
def test_parse_reads_every_way_a_valid_code_is_typed(typed):
    assert nc.parse(typed) == VALID


@pytest.mark.parametrize("typed", [None, "", "   ", "\u200c", " - "])
def test_parse_of_nothing_is_empty(typed):
    assert nc.parse(typed) == ""


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0012345678", "رقم کنترل کد ملی درست نیست؛ کد را دوباره از کارت ملی بخوانید."),
        ("۲۹۸۷۶۵۴۳۲۵", "رقم کنترل کد ملی درست نیست؛ کد را دوباره از کارت ملی بخوانید."),
        ("012345679", "کد ملی باید ۱۰ رقم باشد؛ این کد ۹ رقم دارد."),
        ("00123456790", "کد ملی باید ۱۰ رقم باشد؛ این کد ۱۱ رقم دارد."),
        ("1111111111", "کد ملی با ده رقم یکسان معتبر نیست؛ کد را دوباره از کارت ملی بخوانید."),
        ("۰۰۰۰۰۰۰۰۰۰", "کد ملی با ده رقم یکسان معتبر نیست؛ کد را دوباره از کارت ملی بخوانید."),
        ("00123A5679", nc.NOT_DIGITS),
        ("کد۰۰۱۲۳۴۵۶۷۹", nc.NOT_DIGITS),
        ("001234567²", nc.NOT_DIGITS),  # a superscript: isdigit() but not a digit we read
        ("00123456७9", nc.NOT_DIGITS),  # a Devanagari digit: isdecimal() but not ours
        ("0012345679.", nc.NOT_DIGITS),
    ],
)
def test_parse_refuses_with_a_message_that_says_what_to_fix(typed, message):
    with pytest.raises(PersianValueError) as caught:
        nc.parse(typed)
    assert str(caught.value) == message


def test_a_very_long_input_is_refused_before_any_work():
    # given 10,000 characters (a pasted column, or an attack)
    typed = "۱" * 10_000

    # when / then: refused on its length, the message does not repeat the text
    with pytest.raises(PersianValueError) as caught:
        nc.parse(typed)
    assert str(caught.value) == "کد ملی باید ۱۰ رقم باشد؛ متنی که وارد شده بسیار بلندتر است."


def test_the_length_limit_is_the_stated_one():
    assert nc.parse(" " * (nc.MAX_INPUT_LENGTH - 10) + VALID) == VALID
    with pytest.raises(PersianValueError):
        nc.parse(" " * (nc.MAX_INPUT_LENGTH - 9) + VALID)


def test_no_message_repeats_the_code():
    for typed in ("0012345678", "001234567", "0012A45679"):
        with pytest.raises(PersianValueError) as caught:
            nc.parse(typed)
        assert "1234" not in str(caught.value) and "۱۲۳۴" not in str(caught.value)


@pytest.mark.parametrize("code", ["0012345679", "2987654324", "4555123409", "9876543210", "1000000001"])
def test_check_digit_of_known_good_codes(code):
    assert nc.check_digit_ok(code)
    assert nc.parse(code) == code


def test_owner_hash_is_keyed_equal_for_equal_codes_and_not_the_code(settings):
    settings.NATIONAL_CODE_KEY = "key-one"
    first = nc.owner_hash(VALID)

    assert first == nc.owner_hash(nc.parse("۰۰۱-۲۳۴۵۶۷-۹"))
    assert first != nc.owner_hash(OTHER_VALID)
    assert len(first) == 64 and VALID not in first
    # a different key gives a different hash: why changing the key breaks matching
    settings.NATIONAL_CODE_KEY = "key-two"
    assert nc.owner_hash(VALID) != first


def test_owner_hash_takes_only_a_parsed_code():
    with pytest.raises(ValueError):
        nc.owner_hash("۰۰۱۲۳۴۵۶۷۹")


def test_the_default_key_is_derived_from_the_secret_key_not_equal_to_it():
    from django.conf import settings

    assert settings.NATIONAL_CODE_KEY and settings.NATIONAL_CODE_KEY != settings.SECRET_KEY


def test_masked_shows_only_the_last_three_digits_in_persian():
    assert nc.last_digits(VALID) == "679"
    assert nc.masked("679") == "*******۶۷۹"
    assert nc.masked("") == ""
