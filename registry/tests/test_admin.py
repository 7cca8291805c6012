"""The registry in Django admin: «پایش‌نشده» is a status like the others there; the
owner's national code is seen by admins alone, masked, and they may type a new one."""

import pytest
from django.urls import reverse

from core import national_code
from core.persian import make_jalali_date as J
from registry.models import HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_admin_list_filters_the_never_checked(admin_client, commitment):
    # given one business never checked and one checked active
    f.HomeBusinessFactory(commitment=commitment, reference_code="NEVER")
    checked = f.HomeBusinessFactory(commitment=commitment, reference_code="OK-1", status="active")
    f.ContinuityCheckFactory(business=checked)
    url = reverse("admin:registry_homebusiness_changelist")

    # when the admin opens the list, then filters it by «پایش‌نشده»
    everything = admin_client.get(url)
    unchecked = admin_client.get(url, {"status__exact": "unchecked"})

    # then the filter offers the word and keeps exactly the never-checked
    assert "پایش‌نشده" in everything.content.decode()
    assert everything.context["cl"].result_count == 2
    assert [b.reference_code for b in unchecked.context["cl"].result_list] == ["NEVER"]


CODE = "0012345679"
MASKED = '<bdi dir="ltr">*******۶۷۹</bdi>'


@pytest.fixture
def owned(commitment):
    return f.HomeBusinessFactory(commitment=commitment, reference_code="ADM-1", owner_national_code=CODE)


def test_admins_see_the_code_masked_and_never_in_clear(admin_client, owned):
    changelist = admin_client.get(reverse("admin:registry_homebusiness_changelist")).content.decode()
    change = admin_client.get(reverse("admin:registry_homebusiness_change", args=[owned.pk])).content.decode()

    # the change page shows it masked (the list has no room for another column)
    assert MASKED in change
    for html in (changelist, change):
        for secret in (CODE, "۰۰۱۲۳۴۵۶۷۹", owned.owner_code_hash):
            assert secret not in html
    # the form offers a new code, empty: the stored one cannot be written back
    assert 'name="owner_national_code"' in change and 'name="owner_national_code" value' not in change


def test_a_business_without_a_code_shows_a_dash(admin_client, commitment):
    business = f.HomeBusinessFactory(commitment=commitment)
    html = admin_client.get(reverse("admin:registry_homebusiness_change", args=[business.pk])).content.decode()
    assert "*******" not in html


def change_post(business, **extra):
    return {
        "commitment": business.commitment_id,
        "reference_code": business.reference_code,
        "county": business.county_id,
        "sector": business.sector_id,
        "started_on": "1404/01/10",
        "jobs": "1",
        "loan_amount": "0",
        "status": "active",
        "checks-TOTAL_FORMS": "0",
        "checks-INITIAL_FORMS": "0",
        "checks-MIN_NUM_FORMS": "0",
        "checks-MAX_NUM_FORMS": "1000",
        **extra,
    }


def test_an_admin_types_a_new_code_and_only_its_hash_is_kept(admin_client, owned):
    response = admin_client.post(
        reverse("admin:registry_homebusiness_change", args=[owned.pk]),
        change_post(owned, owner_national_code="۲۹۸۷۶۵۴۳۲۴"),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    owned.refresh_from_db()
    assert (owned.owner_code_hash, owned.owner_code_last3) == (national_code.owner_hash("2987654324"), "324")
    assert owned.started_on == J(1404, 1, 10)


def test_saving_without_a_new_code_keeps_the_old_one(admin_client, owned):
    before = owned.owner_code_hash

    response = admin_client.post(reverse("admin:registry_homebusiness_change", args=[owned.pk]), change_post(owned))

    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.owner_code_hash == before


def test_a_wrong_code_in_admin_is_refused_in_persian_and_changes_nothing(admin_client, owned):
    before = owned.owner_code_hash

    response = admin_client.post(
        reverse("admin:registry_homebusiness_change", args=[owned.pk]),
        change_post(owned, owner_national_code="0012345678"),
    )

    assert response.status_code == 200
    assert national_code.BAD_CHECK_DIGIT in response.content.decode()
    owned.refresh_from_db()
    assert owned.owner_code_hash == before


def test_admin_search_by_national_code_finds_the_owners_businesses(admin_client, owned, commitment):
    f.HomeBusinessFactory(commitment=commitment, reference_code="ADM-2")

    response = admin_client.get(reverse("admin:registry_homebusiness_changelist"), {"q": "۰۰۱-۲۳۴۵۶۷-۹"})

    assert [b.reference_code for b in response.context["cl"].result_list] == ["ADM-1"]
    assert HomeBusiness.objects.count() == 2


def test_an_admin_cannot_add_a_look_alike_of_a_registered_code(admin_client, owned):
    # given «ADM-1»; when an admin adds «adm\u200c-1», which looks the same
    response = admin_client.post(
        reverse("admin:registry_homebusiness_add"), change_post(owned, reference_code="\u200fadm\u200c-1")
    )

    # then it is refused in Persian and nothing is added
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["reference_code"] == [
        "کسب‌وکار خانگی با این کد پیگیری از قبل موجود است."
    ]
    assert list(HomeBusiness.objects.values_list("reference_code", flat=True)) == ["ADM-1"]
