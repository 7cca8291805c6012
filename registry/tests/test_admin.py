"""The registry in Django admin: «پایش‌نشده» is a status like the others there."""

import pytest
from django.urls import reverse

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
