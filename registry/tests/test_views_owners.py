"""Registry pages and one owner registered twice: the «تکراری» badge, the business page, the
officials' duplicates page, and the national code typed in the form. Bob (staff) reports on
`commitment`; the official sees everything."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import national_code
from core.persian import make_jalali_date as J
from registry.models import HomeBusiness
from tests import factories as f
from tests.pages import text_of

pytestmark = pytest.mark.django_db

CODE = "0012345679"


@pytest.fixture
def places(db):
    return f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")


@pytest.fixture
def twice(commitment, other_commitment, places):
    """One owner under both commitments (earliest under Bob's), and a business without a code."""
    county, sector = places
    mine = f.HomeBusinessFactory(
        commitment=commitment,
        reference_code="MINE-1",
        county=county,
        sector=sector,
        started_on=J(1403, 1, 10),
        owner_national_code=CODE,
        status="active",
    )
    theirs = f.HomeBusinessFactory(
        commitment=other_commitment,
        reference_code="THEIRS-1",
        county=county,
        sector=sector,
        started_on=J(1403, 3, 1),
        owner_national_code=CODE,
        status="active",
    )
    alone = f.HomeBusinessFactory(
        commitment=commitment, reference_code="ALONE-1", county=county, sector=sector, status="active"
    )
    return mine, theirs, alone


def badges(response) -> dict[str, bool]:
    return {b.reference_code: b.is_duplicate for b in response.context["page"].object_list}


# ---------------------------------------------------------------- list


def test_list_badges_both_businesses_of_the_owner_and_counts_once(client, official, twice):
    client.force_login(official)

    response = client.get(reverse("registry:list"))

    assert badges(response) == {"MINE-1": True, "THEIRS-1": True, "ALONE-1": False}
    html = response.content.decode()
    assert html.count('<span class="hb-duplicate"') == 2
    # three listed, one left out of the figures: the summary says so
    assert "۳ کسب‌وکار، ۱ مورد تکراری بیرون از آمار؛ در آمار: فعال ۲" in text_of(html)
    assert '<a class="figure-label" href="/glossary/#duplicate"' in html
    assert response.context["page"].paginator.count == 3


def test_list_badges_a_duplicate_for_staff_whose_twin_they_cannot_see(client, staff, twice):
    client.force_login(staff)

    response = client.get(reverse("registry:list"))

    assert badges(response) == {"MINE-1": True, "ALONE-1": False}
    html = response.content.decode()
    assert "تعهد دیگر" not in html and "THEIRS-1" not in html
    # Bob's business is the earliest: counted, so nothing of his is left out
    assert "۲ کسب‌وکار: فعال ۲" in text_of(html)


def test_list_queries_do_not_grow_with_the_rows(client, official, twice, commitment, django_assert_max_num_queries):
    client.force_login(official)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("registry:list"))
    for i in range(20):
        f.HomeBusinessFactory(commitment=commitment, owner_national_code=CODE, started_on=J(1403, 2, 1 + i))

    with django_assert_max_num_queries(len(before)):
        response = client.get(reverse("registry:list"))
    assert sum(badges(response).values()) == 22


# ---------------------------------------------------------------- business page


def test_business_page_names_the_other_commitment_to_the_official(client, official, twice):
    _, theirs, _ = twice
    client.force_login(official)

    html = client.get(reverse("registry:detail", args=[theirs.pk])).content.decode()

    assert "تکراری: صاحب این کسب‌وکار با همین کد ملی در تعهد «تفاهم‌نامه آزمایشی» هم ثبت شده است." in html
    assert "این کسب‌وکار در آمار شمرده نمی‌شود: کسب‌وکارِ زودتر همین صاحب شمرده شده است." in html
    assert f'href="{reverse("registry:duplicates")}"' in html


def test_business_page_does_not_name_a_commitment_staff_may_not_see(client, staff, twice):
    mine, _, alone = twice
    client.force_login(staff)

    html = client.get(reverse("registry:detail", args=[mine.pk])).content.decode()

    assert "تکراری با کسب‌وکاری در تعهدی دیگر." in html
    assert "در آمار، همین کسب‌وکار شمرده می‌شود و کسب‌وکار دیگرِ این صاحب نه." in html
    assert "تعهد دیگر" not in html and "THEIRS-1" not in html
    assert f'href="{reverse("registry:duplicates")}"' not in html
    alone_html = client.get(reverse("registry:detail", args=[alone.pk])).content.decode()
    assert "تکراری" not in alone_html


# ---------------------------------------------------------------- duplicates page


def test_duplicates_page_groups_owners_for_officials(client, official, twice, django_assert_max_num_queries):
    client.force_login(official)
    with CaptureQueriesContext(connection) as one_group:
        client.get(reverse("registry:duplicates"))
    mine, theirs, _ = twice
    for code in ("2987654324", "4555123409", "9876543210"):  # three more owners, each twice
        f.HomeBusinessFactory(commitment=mine.commitment, owner_national_code=code)
        f.HomeBusinessFactory(commitment=theirs.commitment, owner_national_code=code)

    with django_assert_max_num_queries(len(one_group)):
        assert len(client.get(reverse("registry:duplicates")).context["groups"]) == 4
    HomeBusiness.objects.exclude(owner_code_hash=mine.owner_code_hash).exclude(reference_code="ALONE-1").delete()
    response = client.get(reverse("registry:duplicates"))

    assert response.status_code == 200
    [group] = response.context["groups"]
    assert group["number"] == 1 and group["commitments"] == 2
    assert [(b.reference_code, b.is_counted) for b in group["businesses"]] == [("MINE-1", True), ("THEIRS-1", False)]
    html = response.content.decode()
    assert "صاحب ۱" in html and "۲ کسب‌وکار در ۲ تعهد" in html
    assert "۱ صاحب با کسب‌وکار تکراری" in html
    assert group["businesses"][0].commitment.organization.name in html
    assert "ALONE-1" not in html
    # the owner is a number on this page, never the code nor its last digits
    assert "۶۷۹" not in html and "679" not in html


@pytest.mark.parametrize("who", ["staff", "other_staff"])
def test_duplicates_page_is_forbidden_to_staff_and_reveals_nothing(client, request, who, twice):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("registry:duplicates"))

    assert response.status_code == 403
    html = response.content.decode()
    for revealing in ("MINE-1", "THEIRS-1", "تعهد دیگر", "تفاهم‌نامه آزمایشی", "صاحب ۱"):
        assert revealing not in html
    assert "این فهرست فقط برای مقام‌های استانی است." in html


def test_duplicates_are_offered_in_the_menu_to_officials_only(client, official, staff, twice):
    link = f'href="{reverse("registry:duplicates")}"'
    client.force_login(official)
    assert link in client.get(reverse("registry:list")).content.decode()
    client.force_login(staff)
    assert link not in client.get(reverse("registry:list")).content.decode()


def test_duplicates_page_when_there_are_none(client, official, commitment):
    f.HomeBusinessFactory(commitment=commitment, owner_national_code=CODE)
    client.force_login(official)

    response = client.get(reverse("registry:duplicates"))

    assert response.context["groups"] == []
    assert "صاحبی با بیش از یک کسب‌وکار ثبت نشده است." in response.content.decode()


# ---------------------------------------------------------------- the form


def form_data(commitment, places, **extra):
    return {
        "commitment": commitment.pk,
        "reference_code": "RS-1",
        "county": places[0].pk,
        "sector": places[1].pk,
        "started_on": "1404/01/10",
        "jobs": "1",
        **extra,
    }


def test_staff_registers_an_owner_code_typed_in_persian_and_only_its_hash_is_kept(client, staff, commitment, places):
    client.force_login(staff)

    response = client.post(
        reverse("registry:create"), form_data(commitment, places, owner_national_code="۰۰۱-۲۳۴۵۶۷-۹")
    )

    business = HomeBusiness.objects.get()
    assert response.status_code == 302
    assert business.owner_code_hash == national_code.owner_hash(CODE)
    assert business.owner_code_last3 == "679"
    assert CODE not in repr(HomeBusiness.objects.values().get())


def test_a_wrong_code_is_refused_in_persian_and_not_written_back(client, staff, commitment, places):
    client.force_login(staff)

    response = client.post(reverse("registry:create"), form_data(commitment, places, owner_national_code="0012345678"))

    assert response.status_code == 200
    assert response.context["form"].errors["owner_national_code"] == [national_code.BAD_CHECK_DIGIT]
    assert "0012345678" not in response.content.decode()
    assert HomeBusiness.objects.count() == 0


def test_a_valid_code_is_not_written_back_when_another_field_is_wrong(client, staff, commitment, places):
    client.force_login(staff)

    response = client.post(
        reverse("registry:create"), form_data(commitment, places, started_on="1404/13/01", owner_national_code=CODE)
    )

    assert response.status_code == 200 and "started_on" in response.context["form"].errors
    assert CODE not in response.content.decode()
    assert HomeBusiness.objects.count() == 0


def test_a_huge_code_is_a_form_error_not_a_500(client, staff, commitment, places):
    client.force_login(staff)

    response = client.post(reverse("registry:create"), form_data(commitment, places, owner_national_code="۱" * 10_000))

    assert response.status_code == 200
    assert response.context["form"].errors["owner_national_code"] == [national_code.TOO_LONG]
    assert HomeBusiness.objects.count() == 0


def test_registering_a_known_owner_warns_that_it_is_counted_once(client, staff, commitment, other_commitment, places):
    f.HomeBusinessFactory(commitment=other_commitment, owner_national_code=CODE, started_on=J(1403, 1, 1))
    client.force_login(staff)

    response = client.post(
        reverse("registry:create"), form_data(commitment, places, owner_national_code=CODE), follow=True
    )

    html = response.content.decode()
    assert "صاحب این کسب‌وکار با همین کد ملی پیش‌تر هم ثبت شده است؛ تکراری علامت خورد و یک بار شمرده می‌شود." in html
    assert "تکراری با کسب‌وکاری در تعهدی دیگر." in html


# ---------------------------------------------------------------- import page


def test_import_page_lists_the_flagged_rows_after_writing_them(client, staff, commitment, places):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    content = "\n".join(
        [
            "کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع,کد ملی",
            f"A-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10,{CODE}",
            f"A-2,{commitment.pk},کرمان,صنایع دستی,1404/01/10,",
            f"A-3,{commitment.pk},کرمان,صنایع دستی,1404/01/10,۰۰۱ ۲۳۴۵۶۷ ۹",
        ]
    )

    response = client.post(reverse("registry:import"), {"file": SimpleUploadedFile("bank.csv", content.encode())})

    assert response.status_code == 200
    html = response.content.decode()
    assert "۳ کسب‌وکار ثبت شد؛ ۱ ردیف تکراری علامت خورد" in html
    assert (
        "<li>ردیف ۴: صاحب این کسب‌وکار با همین کد ملی در تعهد «تفاهم‌نامه آزمایشی» هم ثبت شده است؛ "
        "تکراری علامت خورد و یک بار شمرده می‌شود.</li>"
    ) in html
    assert CODE not in html and "۰۰۱۲۳۴۵۶۷۹" not in html
    assert HomeBusiness.objects.count() == 3
