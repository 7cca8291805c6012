"""0002: businesses nobody has checked become «پایش‌نشده»; the checked keep their status."""

import importlib

import pytest
from django.apps import apps

from tests import factories as f

pytestmark = pytest.mark.django_db

migration = importlib.import_module("registry.migrations.0002_unchecked_status")


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
