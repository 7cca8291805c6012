"""Bad input gets a clear Persian error and writes nothing: impossible Jalali dates, digits in
three scripts, negative and huge numbers, a 10 MB note, a wrong file type, an oversized post.

Covers the shared form fields, the admin forms and the services; the staff's web forms and
the business import have their own tests next to them.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from commitments import services
from commitments.models import Commitment, ProgressEntry
from core.fields import BIG_INTEGER_MAX, INTEGER_MAX, JalaliDateField, PersianIntegerField
from registry import services as registry_services
from registry.models import ContinuityCheck, HomeBusiness

from . import factories as f

# 10 MB of UTF-8 (two bytes a letter): under the 12 MB post limit, so it reaches the form.
TEN_MB_NOTE = "ک" * (5 * 1024 * 1024)
LATIN_WORDS = re.compile(r"[A-Za-z]{3,}")


def error_of(field, value) -> str:
    with pytest.raises(ValidationError) as caught:
        field.clean(value)
    (message,) = caught.value.messages
    assert re.search(r"[\u0600-\u06FF]", message) and not LATIN_WORDS.search(message), message
    return message


# ---------------------------------------------------------------- the shared form fields


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1405/12/30", "سال ۱۴۰۵ کبیسه نیست و اسفند آن ۳۰ روز ندارد"),
        ("۱۴۰۵/۱۲/۳۰", "سال ۱۴۰۵ کبیسه نیست"),
        ("1405/07/31", "مهر ۳۰ روز دارد؛ روز ۳۱ وجود ندارد"),
        ("١٤٠٥/٠٧/٣١", "مهر ۳۰ روز دارد"),
        ("1405/13/01", "ماه ۱۳ وجود ندارد"),
        ("1405/00/10", "ماه ۰ وجود ندارد"),
        ("1405/01/00", "روز ۰ وجود ندارد"),
        ("2026/06/26", "سال ۲۰۲۶ پذیرفته نیست"),
        ("05/04/05", "سال را چهاررقمی وارد کنید"),
        ("فردا", "تاریخ شمسی معتبری نیست"),
        ("1405/04", "تاریخ شمسی معتبری نیست"),
    ],
)
def test_dates_that_do_not_exist_are_refused_in_persian(value, expected):
    assert expected in error_of(JalaliDateField(), value)


def test_leap_esfand_30_exists():
    assert JalaliDateField().clean("1403/12/30") == datetime.date(2025, 3, 20)


@pytest.mark.parametrize("value", ["1405/04/05", "۱۴۰۵/۰۴/۰۵", "١٤٠٥/٠٤/٠٥", "۱۴۰۵/4/٥", " 1405-04-05 "])
def test_dates_in_three_digit_scripts_mean_the_same_day(value):
    assert JalaliDateField().clean(value) == datetime.date(2026, 6, 26)


@pytest.mark.parametrize("value", ["12500", "۱۲۵۰۰", "١٢٥٠٠", "۱۲٬۵۰۰", "١٢,٥٠٠", "12,500", "۱۲ ۵۰۰", "1٢۵00"])
def test_numbers_in_three_digit_scripts_mean_the_same_number(value):
    assert PersianIntegerField(min_value=0).clean(value) == 12_500


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (PersianIntegerField(min_value=0), "-5", "عدد منفی پذیرفته نیست"),
        (PersianIntegerField(min_value=0), "−۵", "عدد صحیح وارد کنید"),
        (PersianIntegerField(min_value=1), "0", "این عدد باید دست‌کم ۱ باشد"),
        (PersianIntegerField(max_value=INTEGER_MAX), "2147483648", "حداکثر ۲٬۱۴۷٬۴۸۳٬۶۴۷ پذیرفته می‌شود"),
        (PersianIntegerField(), "۹" * 30, "حداکثر ۹٬۲۲۳٬۳۷۲٬۰۳۶٬۸۵۴٬۷۷۵٬۸۰۷ پذیرفته می‌شود"),
        (PersianIntegerField(), "1e9", "عدد صحیح وارد کنید"),
        (PersianIntegerField(), "۱۲٫۵", "عدد صحیح وارد کنید"),
        (PersianIntegerField(), "دوازده", "عدد صحیح وارد کنید"),
    ],
)
def test_negative_huge_and_non_numbers_are_refused_in_persian(field, value, expected):
    assert expected in error_of(field, value)


def test_a_form_may_still_word_its_own_limit_message():
    field = PersianIntegerField(min_value=1, error_messages={"min_value": "دست‌کم یک شغل"})
    assert error_of(field, "0") == "دست‌کم یک شغل"


def test_bigint_limit_itself_is_accepted():
    assert PersianIntegerField().clean(str(BIG_INTEGER_MAX)) == BIG_INTEGER_MAX


# ---------------------------------------------------------------- the admin forms


def entry_post(commitment, **overrides):
    data = {
        "commitment": commitment.pk,
        "period_end": "1405/01/15",
        "jobs_created": "120",
        "county": "",
        "sector": "",
        "credit_paid": "0",
        "note": "",
        "status": "submitted",
        "review_note": "",
        "_save": "ذخیره",
    }
    data.update(overrides)
    return data


def form_errors(response) -> list[str]:
    form = response.context["adminform"].form
    return [m for errors in form.errors.values() for m in errors]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"period_end": "1405/12/30"}, "اسفند آن ۳۰ روز ندارد"),
        ({"period_end": "۱۴۰۵/۰۷/۳۱"}, "مهر ۳۰ روز دارد"),
        ({"jobs_created": "-5"}, "عدد منفی پذیرفته نیست"),
        ({"jobs_created": "3000000000"}, "حداکثر ۲٬۱۴۷٬۴۸۳٬۶۴۷"),
        ({"credit_paid": "۹" * 25}, "حداکثر ۹٬۲۲۳٬۳۷۲٬۰۳۶٬۸۵۴٬۷۷۵٬۸۰۷"),
        ({"note": TEN_MB_NOTE}, "4000"),
    ],
    ids=["esfand-30", "mehr-31", "negative", "above-integer", "above-bigint", "10MB-note"],
)
def test_admin_refuses_bad_progress_input_and_writes_nothing(admin_client, commitment, overrides, expected):
    before = (ProgressEntry.objects.count(), ProgressEntry.history.count())
    response = admin_client.post("/admin/commitments/progressentry/add/", entry_post(commitment, **overrides))
    assert response.status_code == 200
    messages = form_errors(response)
    assert any(expected in m for m in messages), messages
    assert all(re.search(r"[\u0600-\u06FF]", m) for m in messages), messages
    assert (ProgressEntry.objects.count(), ProgressEntry.history.count()) == before


@pytest.mark.django_db
def test_admin_takes_digits_in_any_script(admin_client, commitment):
    response = admin_client.post(
        "/admin/commitments/progressentry/add/",
        entry_post(commitment, period_end="۱۴۰۵/٠١/15", jobs_created="١٢٠", credit_paid="۱۲٬۵۰۰٬۰۰۰"),
    )
    assert response.status_code == 302
    entry = ProgressEntry.objects.get()
    assert (entry.period_end, entry.jobs_created, entry.credit_paid) == (datetime.date(2026, 4, 4), 120, 12_500_000)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("evidence.exe", b"MZ\x90\x00", "این نوع فایل پذیرفته نیست"),
        ("evidence.csv", "کد,شغل\n1,2\n".encode("cp1256"), "این نوع فایل پذیرفته نیست"),
        ("evidence.pdf", b"<html><script>alert(1)</script>", "محتوای فایل با پسوند آن جور نیست"),
    ],
)
def test_admin_refuses_a_wrong_evidence_file(admin_client, commitment, name, content, expected, settings):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = admin_client.post(
        "/admin/commitments/progressentry/add/", entry_post(commitment, evidence=upload), format="multipart"
    )
    assert response.status_code == 200
    assert any(expected in m for m in form_errors(response))
    assert ProgressEntry.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "evidence").exists()


@pytest.mark.django_db
def test_admin_refuses_a_commitment_with_a_negative_or_huge_target(admin_client, program):
    organization = f.OrganizationFactory()
    base = {
        "program": program.pk,
        "organization": organization.pk,
        "title": "تعهد آزمایشی",
        "instrument": "mou",
        "venue": "",
        "status": "signed",
        "credit_amount": "0",
        "signed_on": "1405/01/01",
        "due_on": "1406/01/01",
        "_save": "ذخیره",
    }
    for target, expected in (("-30000", "عدد منفی پذیرفته نیست"), ("۹۹۹۹۹۹۹۹۹۹۹", "حداکثر ۲٬۱۴۷٬۴۸۳٬۶۴۷")):
        data = {**base, "jobs_target": target}
        response = admin_client.post("/admin/commitments/commitment/add/", data)
        assert response.status_code == 200
        assert any(expected in m for m in form_errors(response)), form_errors(response)
    assert Commitment.objects.count() == 0


@pytest.mark.django_db
def test_a_post_larger_than_allowed_gets_a_persian_400_and_writes_nothing(admin_client, commitment, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = admin_client.post(
        "/admin/commitments/progressentry/add/", entry_post(commitment, note="ک" * (2 * 1024 * 1024))
    )
    assert response.status_code == 400
    assert "درخواست پذیرفته نشد" in response.content.decode()
    assert ProgressEntry.objects.count() == 0


# ---------------------------------------------------------------- the services, past any form


@pytest.mark.django_db
def test_service_refuses_a_10mb_note_and_writes_nothing(staff, commitment):
    with pytest.raises(ValidationError) as caught:
        services.progress_entry_create(
            actor=staff, commitment=commitment, period_end=datetime.date(2026, 4, 1), jobs_created=5, note=TEN_MB_NOTE
        )
    assert "«توضیح» حداکثر ۴٬۰۰۰ نویسه است و این متن ۵٬۲۴۲٬۸۸۰ نویسه دارد" in caught.value.message_dict["note"][0]
    assert ProgressEntry.objects.count() == 0
    assert ProgressEntry.history.count() == 0


@pytest.mark.django_db
def test_service_refuses_a_10mb_rejection_reason_and_changes_nothing(official, commitment):
    entry = f.ProgressEntryFactory(commitment=commitment)
    with pytest.raises(ValidationError) as caught:
        services.progress_entry_reject(actor=official, entry=entry, reason=TEN_MB_NOTE)
    assert "حداکثر ۲٬۰۰۰ نویسه" in caught.value.message_dict["review_note"][0]
    entry.refresh_from_db()
    assert (entry.status, entry.review_note, entry.version) == ("submitted", "", 1)


@pytest.mark.django_db
def test_service_refuses_a_10mb_check_note(staff, commitment):
    business = f.HomeBusinessFactory(commitment=commitment, started_on=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        registry_services.continuity_check_create(
            actor=staff,
            business=business,
            checked_on=datetime.date(2026, 1, 1),
            status="inactive",
            reason="financing",
            note=TEN_MB_NOTE,
        )
    assert ContinuityCheck.objects.count() == 0
    business.refresh_from_db()
    assert business.status == "unchecked"  # as it was: the refused check changed nothing


@pytest.mark.django_db
@pytest.mark.parametrize("jobs", [-1, 0, 10**20])
def test_service_refuses_impossible_job_counts_before_the_database(staff, commitment, jobs):
    with pytest.raises(ValidationError) as caught:
        services.progress_entry_create(
            actor=staff, commitment=commitment, period_end=datetime.date(2026, 4, 1), jobs_created=jobs
        )
    (message,) = caught.value.messages
    # Named in Persian, and never Django's «... مساوی 0 است» with Latin digits.
    assert "شغل ایجاد شده" in message, message
    assert not any("0" <= ch <= "9" for ch in message), message
    assert ProgressEntry.objects.count() == 0


# ---------------------------------------------------------------- hostile digits, everywhere

# `isdigit()` is true for «²», «①» and «𝟙» that int() refuses or should not read; int() refuses
# more than 4,300 digits. Each was a 500 somewhere before core.persian parsed them all.
HOSTILE = ["²", "①", "٣٤٥" + "0" * 5000, "1e9", "١٢/٣٤/٥٦", "\u200c۱۴۰۵/۰۱/۰۱", "-0", " ", "NaN", "𝟙𝟚", "۹" * 4400]
# What of it is fine after all: an invisible ZWNJ before a date, «-0» where zero is allowed,
# and blank where a field is optional. Every other value must be refused in Persian.
ACCEPTED = {("\u200c۱۴۰۵/۰۱/۰۱", datetime.date(2026, 3, 21)), ("-0", 0), (" ", None), (" ", 0)}
PERSIAN = re.compile(r"[\u0600-\u06FF]")


def hostile_forms(commitment):
    from commitments.forms import ProgressEntryForm
    from registry.forms import BusinessForm, CheckForm

    yield ProgressEntryForm, {}, ["period_end", "jobs_created", "credit_paid"]
    yield BusinessForm, {"commitments": Commitment.objects.all()}, ["started_on", "jobs", "loan_amount"]
    yield CheckForm, {}, ["checked_on"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_digits_are_persian_form_errors_in_every_number_and_date_field(commitment, value):
    for form_class, kwargs, fields in hostile_forms(commitment):
        form = form_class(dict.fromkeys(fields, value), **kwargs)
        form.is_valid()
        for name in fields:
            if name in form.errors:
                assert all(PERSIAN.search(m) for m in form.errors[name]), (name, form.errors[name])
            else:
                assert (value, form.cleaned_data[name]) in ACCEPTED, (form_class, name)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_digits_in_the_filters_and_the_report_status_are_never_a_500(client, official, commitment, value):
    client.force_login(official)
    for url, params, name in (
        ("/", {"due_from": value, "due_to": value}, "filterset"),
        ("/businesses/", {"started_from": value, "started_to": value}, "filter"),
    ):
        response = client.get(url, params)
        assert response.status_code == 200
        errors = response.context[name].form.errors
        if value in {" ", "\u200c۱۴۰۵/۰۱/۰۱"}:
            assert not errors, url
        else:
            assert sorted(errors) == sorted(params), url
            for message in (m for field in errors.values() for m in field):
                assert PERSIAN.search(message) and message in response.content.decode(), url

    response = client.get("/reports/status/", {"ids": f"1,{value}"})
    if value == " ":
        assert response.status_code == 200 and response.json() == {"reports": []}
    else:
        assert response.status_code == 400
        assert response.json() == {"error": "هر شناسهٔ گزارش باید عددی مثبت باشد، مثل ?ids=3,4."}


@pytest.mark.django_db
def test_hostile_digits_in_every_import_column_are_errors_by_row(staff, commitment):
    import io

    from registry import imports

    f.CountyFactory(name="کرمان")
    f.SectorFactory(name="صنایع دستی")
    header = "کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع,تعداد شغل,مبلغ تسهیلات (ریال)"
    good = {"commitment": str(commitment.pk), "started_on": "1404/01/10", "jobs": "1", "loan_amount": "0"}
    lines, expected_rows = [header], []
    for column in ("commitment", "started_on", "jobs", "loan_amount"):
        for value in HOSTILE:
            cells = {**good, column: value}
            lines.append(
                f"H-{len(lines)},{cells['commitment']},کرمان,صنایع دستی,{cells['started_on']},{cells['jobs']},{cells['loan_amount']}"
            )
            fine = (
                (value == "\u200c۱۴۰۵/۰۱/۰۱" and column == "started_on")
                or (value in {"-0", " "} and column == "loan_amount")
                or (value == " " and column == "jobs")
            )
            if not fine:
                expected_rows.append(len(lines))

    result = imports.import_businesses(actor=staff, upload=io.BytesIO("\n".join(lines).encode()))

    assert sorted({e.row for e in result.errors}) == expected_rows
    assert all(PERSIAN.search(e.message) for e in result.errors)
    assert HomeBusiness.objects.count() == 0
