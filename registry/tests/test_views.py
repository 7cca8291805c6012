"""Registry pages: who sees and changes what. Bob (staff) reports on `commitment`;
other_staff reports on nothing; the official sees everything and enters nothing."""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import persian
from core.persian import make_jalali_date as J
from registry.models import ContinuityCheck, HomeBusiness
from registry.survival import SURVIVAL_RULE
from tests import factories as f
from tests.pages import FIGURE_LINK, export_file, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(db):
    return f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")


@pytest.fixture
def mine(commitment, places):
    return f.HomeBusinessFactory(commitment=commitment, reference_code="MINE-1", county=places[0], sector=places[1])


@pytest.fixture
def theirs(other_commitment, places):
    return f.HomeBusinessFactory(
        commitment=other_commitment, reference_code="THEIRS-1", county=places[0], sector=places[1]
    )


def login(client, user):
    client.force_login(user)
    return client


# ---------------------------------------------------------------- list and detail


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("registry:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "codes"),
    [("official", ["MINE-1", "THEIRS-1"]), ("staff", ["MINE-1"]), ("other_staff", [])],
)
def test_list_shows_what_the_user_may_see(client, request, who, codes, mine, theirs):
    login(client, request.getfixturevalue(who))

    response = client.get(reverse("registry:list"))

    assert response.status_code == 200
    assert sorted(b.reference_code for b in response.context["page"].object_list) == codes


def test_list_filters_by_status_and_jalali_start(client, official, mine, theirs):
    theirs.started_on = J(1404, 5, 1)
    theirs.status = "inactive"
    theirs.save()

    login(client, official)

    by_status = client.get(reverse("registry:list"), {"status": "inactive"})
    by_date = client.get(reverse("registry:list"), {"started_from": "۱۴۰۴/۰۴/۰۱", "started_to": "1404/06/31"})

    assert [b.reference_code for b in by_status.context["page"].object_list] == ["THEIRS-1"]
    assert [b.reference_code for b in by_date.context["page"].object_list] == ["THEIRS-1"]


@pytest.fixture
def checked_and_not(commitment, places):
    """Three of mine: never checked, checked active, checked inactive (status as the service keeps it)."""
    county, sector = places
    never = f.HomeBusinessFactory(commitment=commitment, reference_code="NEVER", county=county, sector=sector)
    for code, status, reason in (("OK-1", "active", ""), ("SHUT-1", "inactive", "financing")):
        b = f.HomeBusinessFactory(
            commitment=commitment, reference_code=code, county=county, sector=sector, status=status
        )
        f.ContinuityCheckFactory(business=b, checked_on=J(1404, 4, 15), status=status, reason=reason)
    return never


@pytest.mark.parametrize("who", ["official", "staff"])
def test_the_unchecked_filter_lists_exactly_the_never_checked(client, request, who, checked_and_not):
    login(client, request.getfixturevalue(who))

    everything = client.get(reverse("registry:list"))
    unchecked = client.get(reverse("registry:list"), {"status": "unchecked"})
    active = client.get(reverse("registry:list"), {"status": "active"})

    assert ("unchecked", "پایش‌نشده") in list(everything.context["filter"].form.fields["status"].choices)
    assert everything.context["by_status"] == [("unchecked", 1), ("active", 1), ("inactive", 1)]
    assert "۳ کسب‌وکار: پایش‌نشده ۱، فعال ۱، غیرفعال ۱" in text_of(everything.content.decode())
    # each status in the summary is the glossary's word, linked to its definition
    assert FIGURE_LINK.findall(everything.content.decode()) == [
        ("unchecked", "پایش‌نشده"),
        ("active", "فعال"),
        ("inactive", "غیرفعال"),
    ]
    assert [b.reference_code for b in unchecked.context["page"].object_list] == ["NEVER"]
    assert unchecked.context["by_status"] == [("unchecked", 1)]
    assert [b.reference_code for b in active.context["page"].object_list] == ["OK-1"]


def test_a_never_checked_business_reads_unchecked_on_its_page_and_in_the_worklist(client, staff, commitment):
    long_ago = persian.local_today().replace(year=persian.local_today().year - 3)
    never = f.HomeBusinessFactory(commitment=commitment, reference_code="NEVER", started_on=long_ago)
    login(client, staff)

    page = client.get(reverse("registry:detail", args=[never.pk])).content.decode()
    worklist = client.get(reverse("registry:worklist")).content.decode()

    badge = '<span class="hb-status hb-status-unchecked">پایش‌نشده</span>'
    assert badge in page and badge in worklist
    assert "فعال</span>" not in page


def test_the_commitment_filter_offers_only_visible_commitments(
    client, staff, commitment, other_commitment, mine, theirs
):
    login(client, staff)

    response = client.get(reverse("registry:list"), {"commitment": other_commitment.pk})

    assert list(response.context["filter"].form.fields["commitment"].queryset) == [commitment]
    assert "commitment" in response.context["filter"].form.errors
    assert [b.reference_code for b in response.context["page"].object_list] == ["MINE-1"]


def test_list_paginates_with_persian_digits(client, staff, commitment, places):
    for i in range(51):
        f.HomeBusinessFactory(commitment=commitment, reference_code=f"P-{i}", county=places[0], sector=places[1])
    login(client, staff)

    page_two = client.get(reverse("registry:list"), {"page": 2})

    assert len(page_two.context["page"].object_list) == 1
    assert "صفحهٔ ۲ از ۲" in page_two.content.decode()


def test_someone_elses_business_is_not_found(client, staff, theirs):
    login(client, staff)
    assert client.get(reverse("registry:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("registry:detail", args=[999_999])).status_code == 404


def test_business_page_shows_checks_and_the_form_only_to_its_reporter(client, staff, official, mine):
    f.ContinuityCheckFactory(business=mine, checked_on=J(1404, 6, 1), status="semi_closed", reason="marketing")

    as_staff = login(client, staff).get(reverse("registry:detail", args=[mine.pk]))
    as_official = login(client, official).get(reverse("registry:detail", args=[mine.pk]))

    assert "۱۴۰۴/۰۶/۰۱" in as_staff.content.decode() and "بازاریابی و فروش" in as_staff.content.decode()
    assert as_staff.context["form"] is not None
    assert as_official.status_code == 200 and as_official.context["form"] is None


# ---------------------------------------------------------------- writes


def test_staff_records_a_check_and_the_business_takes_its_status(client, staff, mine):
    login(client, staff)

    response = client.post(
        reverse("registry:check_create", args=[mine.pk]),
        {"checked_on": "۱۴۰۴/۰۳/۰۱", "status": "inactive", "reason": "financing", "note": "وام با نرخ عادي"},
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    check = mine.checks.get()
    assert (mine.status, check.reason, check.note, check.checked_by) == (
        "inactive",
        "financing",
        "وام با نرخ عادی",
        staff,
    )


def test_a_non_active_check_without_reason_is_refused_with_a_persian_message(client, staff, mine):
    login(client, staff)

    response = client.post(
        reverse("registry:check_create", args=[mine.pk]), {"checked_on": "1404/03/01", "status": "inactive"}
    )

    assert response.status_code == 400
    assert "دلیل را انتخاب کنید" in response.content.decode()
    assert ContinuityCheck.objects.count() == 0


@pytest.mark.parametrize(("who", "status"), [("official", 403), ("other_staff", 404)])
def test_forbidden_check_changes_nothing(client, request, who, status, mine):
    login(client, request.getfixturevalue(who))

    response = client.post(
        reverse("registry:check_create", args=[mine.pk]),
        {"checked_on": "1404/03/01", "status": "inactive", "reason": "financing"},
    )

    assert response.status_code == status
    mine.refresh_from_db()
    assert mine.status == "unchecked" and ContinuityCheck.objects.count() == 0


def test_checks_are_post_only(client, staff, mine):
    login(client, staff)
    assert client.get(reverse("registry:check_create", args=[mine.pk])).status_code == 405


def test_staff_creates_a_business(client, staff, commitment, places):
    login(client, staff)

    response = client.post(
        reverse("registry:create"),
        {
            "commitment": commitment.pk,
            "reference_code": "RS-۱۲",
            "county": places[0].pk,
            "sector": places[1].pk,
            "started_on": "۱۴۰۴/۰۱/۱۰",
            "jobs": "۲",
            "loan_amount": "۱۲٬۵۰۰٬۰۰۰",
        },
    )

    business = HomeBusiness.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:detail", args=[business.pk])
    assert business.status == "unchecked"
    assert (business.reference_code, business.jobs, business.loan_amount, business.started_on) == (
        "RS-12",
        2,
        12_500_000,
        J(1404, 1, 10),
    )


def test_staff_cannot_create_under_someone_elses_commitment(client, staff, other_commitment, places):
    login(client, staff)

    response = client.post(
        reverse("registry:create"),
        {
            "commitment": other_commitment.pk,
            "reference_code": "X-1",
            "county": places[0].pk,
            "sector": places[1].pk,
            "started_on": "1404/01/10",
            "jobs": "1",
        },
    )

    assert response.status_code == 200 and "commitment" in response.context["form"].errors
    assert HomeBusiness.objects.count() == 0


@pytest.mark.parametrize("who", ["official", "other_staff"])
def test_users_who_report_on_nothing_cannot_create_or_import(client, request, who, commitment, places):
    login(client, request.getfixturevalue(who))
    upload = SimpleUploadedFile(
        "bank.csv",
        f"کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع\nA-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10".encode(),
    )

    created = client.post(reverse("registry:create"), {"commitment": commitment.pk, "reference_code": "A-1"})
    imported = client.post(reverse("registry:import"), {"file": upload})

    assert (created.status_code, imported.status_code) == (403, 403)
    assert HomeBusiness.objects.count() == 0


# ---------------------------------------------------------------- import page


def test_import_page_lists_each_bad_row_in_persian_and_saves_nothing(client, staff, commitment, places):
    login(client, staff)
    content = "\n".join(
        [
            "کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع",
            f"A-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10",
            f"A-2,{commitment.pk},کرمان,صنایع دستی,1405/12/30",
        ]
    )

    response = client.post(reverse("registry:import"), {"file": SimpleUploadedFile("bank.csv", content.encode())})

    assert response.status_code == 400
    html = response.content.decode()
    assert "هیچ ردیفی ذخیره نشد" in html
    assert '<span class="hb-phone-only">ردیف </span>۳</td><td data-label="ستون">تاریخ شروع</td>' in html
    assert "اسفند آن ۳۰ روز ندارد" in html
    assert HomeBusiness.objects.count() == 0


def test_import_page_saves_a_valid_file_and_says_how_many(client, staff, commitment, places):
    login(client, staff)
    content = "کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع\n" + "\n".join(
        f"A-{i},{commitment.pk},کرمان,صنایع دستی,1404/01/10" for i in range(1200)
    )

    response = client.post(
        reverse("registry:import"), {"file": SimpleUploadedFile("bank.csv", content.encode())}, follow=True
    )

    assert response.redirect_chain == [(reverse("registry:list"), 302)]
    assert "۱٬۲۰۰ کسب‌وکار از فایل «bank.csv» ثبت شد." in response.content.decode()
    assert HomeBusiness.objects.count() == 1200


def test_import_page_refuses_a_file_over_the_one_upload_limit_in_persian(client, staff):
    # given a file one byte over the site's upload limit (12 MB, as nginx lets through)
    login(client, staff)
    upload = SimpleUploadedFile("bank.csv", b"a" * (12 * 1024 * 1024 + 1))
    # when it is imported
    response = client.post(reverse("registry:import"), {"file": upload})
    # then the app refuses it, with the same number nginx and Django are told
    assert response.status_code == 200
    assert "حجم فایل بیش از ۱۲ مگابایت است" in response.content.decode()
    assert HomeBusiness.objects.count() == 0


def test_nginx_django_and_the_import_state_one_upload_limit(settings):
    from registry import import_files

    deploy = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
    nginx_mb = int(re.search(r"client_max_body_size (\d+)m;", deploy).group(1))
    assert import_files.MAX_FILE_BYTES == settings.UPLOAD_MAX_BYTES == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.UPLOAD_MAX_BYTES == 12 * 1024 * 1024
    # nginx allows the file plus 1 MB of form around it, so the app is the one that answers
    assert nginx_mb == settings.UPLOAD_MAX_MB + 1


# ---------------------------------------------------------------- export


def test_export_csv_applies_the_filters_and_visibility(client, staff, mine, theirs):
    f.HomeBusinessFactory(commitment=mine.commitment, reference_code="MINE-2", county=f.CountyFactory(name="بم"))
    login(client, staff)

    response = export_file(client, {"format": "csv", "county": mine.county_id})

    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][0] == "کد پیگیری"
    assert [r[0] for r in rows[1:]] == ["MINE-1"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_writes_the_status_in_persian_unchecked_included(client, staff, checked_and_not, fmt):
    login(client, staff)

    response = export_file(client, {"format": fmt})

    content = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8").lstrip("\ufeff"))))
    else:
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0][-1] == "وضعیت"
    assert sorted((r[0], r[-1]) for r in rows[1:]) == [
        ("NEVER", "پایش‌نشده"),
        ("OK-1", "فعال"),
        ("SHUT-1", "غیرفعال"),
    ]


def test_an_imported_file_that_claims_a_status_is_told_it_was_not_read(client, staff, commitment, places):
    login(client, staff)
    content = f"کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع,وضعیت\nA-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10,فعال"

    response = client.post(
        reverse("registry:import"), {"file": SimpleUploadedFile("bank.csv", content.encode())}, follow=True
    )

    html = response.content.decode()
    assert "۱ کسب‌وکار از فایل «bank.csv» ثبت شد." in html
    assert "ستون «وضعیت» فایل خوانده نشد" in html
    assert HomeBusiness.objects.get().status == "unchecked"


def test_export_xlsx_holds_only_what_the_user_sees(client, staff, mine, theirs):
    login(client, staff)

    response = export_file(client)

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["MINE-1"]
    assert response["Content-Disposition"].startswith("attachment;")


# ---------------------------------------------------------------- cohorts and worklist


def test_cohort_page_shows_the_survival_table_chart_and_rule(client, official, commitment, places):
    # given a business checked a month late for its 3-month day (1403/07/10), one never checked
    business = f.HomeBusinessFactory(commitment=commitment, started_on=J(1403, 4, 10), county=places[0])
    f.ContinuityCheckFactory(business=business, checked_on=J(1403, 8, 5), status="active")
    f.HomeBusinessFactory(commitment=commitment, started_on=J(1403, 4, 12), county=places[0])
    login(client, official)

    response = client.get(reverse("registry:cohorts"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "تیر ۱۴۰۳" in html and 'class="kj-chart kj-chart-survival"' in html
    tir = next(r for r in response.context["rows"] if r["label"] == "تیر ۱۴۰۳")
    assert tir["survival"][3] == {"eligible": 1, "active": 1, "share": 1.0, "unknown": 1}
    assert "۱ از ۱<small" in html and "(۱ پایش‌نشده)" in html and "بی‌پایش" not in html
    assert SURVIVAL_RULE in html  # the rule's one wording, under the table
    # the cards' names link the survival definition, their «پایش‌نشده» and the reasons' columns theirs
    assert FIGURE_LINK.findall(html) == [
        ("survival", "سهم فعال پس از ۳ ماه"),
        ("unchecked", "پایش‌نشده"),
        ("survival", "سهم فعال پس از ۶ ماه"),
        ("unchecked", "پایش‌نشده"),
        ("survival", "سهم فعال پس از ۱۲ ماه"),
        ("unchecked", "پایش‌نشده"),
        ("semi_closed", "نیمه‌تعطیل"),
        ("inactive", "غیرفعال"),
    ]
    assert "status" not in response.context["filter"].form.fields


def test_worklist_lists_my_businesses_without_a_recent_check_oldest_first(client, staff, commitment, other_commitment):
    today = persian.local_today()
    long_ago = today.replace(year=today.year - 3)
    never = f.HomeBusinessFactory(commitment=commitment, reference_code="NEVER", started_on=long_ago)
    stale = f.HomeBusinessFactory(commitment=commitment, reference_code="STALE", started_on=long_ago)
    f.ContinuityCheckFactory(business=stale, checked_on=today.replace(year=today.year - 1))
    fresh = f.HomeBusinessFactory(commitment=commitment, reference_code="FRESH", started_on=long_ago)
    f.ContinuityCheckFactory(business=fresh, checked_on=today)
    f.HomeBusinessFactory(commitment=commitment, reference_code="NEW", started_on=today)  # not due yet
    f.HomeBusinessFactory(commitment=other_commitment, reference_code="THEIRS", started_on=long_ago)
    login(client, staff)

    response = client.get(reverse("registry:worklist"))

    assert [b.reference_code for b in response.context["page"].object_list] == ["NEVER", "STALE"]
    assert never.pk and "هرگز" in response.content.decode()


@pytest.mark.parametrize("name", ["registry:list", "registry:cohorts", "registry:worklist"])
def test_only_reporters_are_offered_registering_and_importing(client, official, staff, mine, name):
    # Officials verify and read; registering a business is the reporter's, and its pages
    # answer officials 403, so the menu and the list do not offer them.
    create, upload = reverse("registry:create"), reverse("registry:import")
    client.force_login(official)
    html = client.get(reverse(name)).content.decode()
    assert f'href="{create}"' not in html and f'href="{upload}"' not in html
    assert client.get(create).status_code == 403
    client.force_login(staff)
    html = client.get(reverse(name)).content.decode()
    assert f'href="{create}"' in html and f'href="{upload}"' in html


# The same code to a person: case, a ZWNJ, a left-to-right mark, Persian digits.
LOOK_ALIKES = ["ab-12", "AB\u200c-12", "\u200eAB-12", "AB-۱۲", "\ufeffAb\u2060-12\u200b"]


@pytest.mark.parametrize("code", LOOK_ALIKES)
def test_a_look_alike_of_a_registered_code_is_refused_in_persian(client, staff, commitment, places, code):
    # given «AB-12» registered
    f.HomeBusinessFactory(commitment=commitment, reference_code="AB-12")
    login(client, staff)

    # when staff registers it again, spelled so that it looks the same
    response = client.post(
        reverse("registry:create"),
        {
            "commitment": commitment.pk,
            "reference_code": code,
            "county": places[0].pk,
            "sector": places[1].pk,
            "started_on": "1404/01/10",
            "jobs": "2",
        },
    )

    # then the form says so and nothing is written: its jobs are not counted twice
    assert response.status_code == 200
    assert response.context["form"].errors["reference_code"] == ["کسب‌وکار خانگی با این کد پیگیری از قبل موجود است."]
    assert list(HomeBusiness.objects.values_list("reference_code", flat=True)) == ["AB-12"]


@pytest.mark.parametrize("who", ["official", "staff"])
def test_the_filter_lists_are_the_querysets_read_in_one_query(request, who, commitment, other_commitment, places):
    from django import forms as django_forms
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registry.filters import BusinessFilter

    f.CountyFactory(name="بم")
    f.SectorFactory(name="فرش")
    user = request.getfixturevalue(who)
    form = BusinessFilter({}, queryset=HomeBusiness.objects.all(), user=user).form
    with CaptureQueriesContext(connection) as queries:
        offered = {
            n: [(str(v), label) for v, label in form.fields[n].choices] for n in ("county", "sector", "commitment")
        }
        html = str(form)
    assert len(queries) == 1

    for name in ("county", "sector", "commitment"):
        field = form.fields[name]
        plain = django_forms.ModelChoiceField(queryset=field.queryset, empty_label=field.empty_label, required=False)
        assert offered[name] == [(str(v), label) for v, label in plain.choices]
    assert offered["commitment"][1:] == (
        [(str(c.pk), c.title) for c in (commitment, other_commitment)]
        if who == "official"
        else [(str(commitment.pk), commitment.title)]
    )
    assert len(offered["county"]) == 3 and '<option value="" selected>همه</option>' in html
    # drawn as Django's own Select draws them, a filter chosen or not
    chosen = BusinessFilter({"commitment": str(commitment.pk)}, queryset=HomeBusiness.objects.all(), user=user).form
    for form_ in (form, chosen):
        for name in ("county", "sector", "commitment"):
            field = form_.fields[name]
            plain = django_forms.Select(attrs=field.widget.attrs, choices=list(field.choices))
            plain.is_required = field.widget.is_required
            assert str(form_[name]) == form_[name].as_widget(widget=plain)
    assert f'<option value="{commitment.pk}" selected>' in str(chosen["commitment"])
