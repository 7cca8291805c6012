"""0002: businesses nobody has checked become «پایش‌نشده»; the checked keep their status."""

import importlib

import pytest
from django.apps import apps

from registry.models import HomeBusiness
from tests import factories as f

pytestmark = pytest.mark.django_db

migration = importlib.import_module("registry.migrations.0002_unchecked_status")
codes_migration = importlib.import_module("registry.migrations.0004_normalised_reference_codes")


def test_never_checked_businesses_become_unchecked_and_back(commitment):
    # given the old state: every business «فعال» unless a check said otherwise
    never = f.HomeBusinessFactory(commitment=commitment, status="active")
    checked = f.HomeBusinessFactory(commitment=commitment, status="active")
    f.ContinuityCheckFactory(business=checked)
    closed = f.HomeBusinessFactory(commitment=commitment, status="inactive")
    f.ContinuityCheckFactory(business=closed, status="inactive", reason="financing")

    # when the data step runs
    migration.never_checked_become_unchecked(apps, None)

    # then only the never-checked one changes
    for business in (never, checked, closed):
        business.refresh_from_db()
    assert (never.status, checked.status, closed.status) == ("unchecked", "active", "inactive")

    # and the reverse step gives the old schema its «فعال» back
    migration.unchecked_become_active_again(apps, None)
    never.refresh_from_db()
    assert never.status == "active"


def test_0004_stores_existing_codes_normalised(commitment):
    # given codes written before normalisation (the factory goes around the services)
    odd = f.HomeBusinessFactory(commitment=commitment, reference_code="\u200eab\u200c-۱۲")
    plain = f.HomeBusinessFactory(commitment=commitment, reference_code="CD-3")

    codes_migration.normalise_reference_codes(apps, None)

    assert sorted(HomeBusiness.objects.values_list("pk", "reference_code")) == sorted(
        [(odd.pk, "AB-12"), (plain.pk, "CD-3")]
    )


def test_0004_stops_in_persian_and_changes_nothing_when_two_codes_become_one(commitment):
    # given the same business registered twice under look-alike codes
    f.HomeBusinessFactory(commitment=commitment, reference_code="AB-12")
    f.HomeBusinessFactory(commitment=commitment, reference_code="ab-12")

    with pytest.raises(RuntimeError, match="یکی می‌شوند") as caught:
        codes_migration.normalise_reference_codes(apps, None)

    assert "«AB-12»: 'AB-12'، 'ab-12'" in str(caught.value)
    assert sorted(HomeBusiness.objects.values_list("reference_code", flat=True)) == ["AB-12", "ab-12"]
