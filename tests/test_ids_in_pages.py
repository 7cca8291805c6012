"""Ids written into pages for scripts and forms stay plain numbers however large: with the
site's thousands separator on, `{{ report.pk }}` wrote «1٬031» once ids passed a thousand,
and the reports list's polling, the review forms and the public rows lost their ids."""

import pytest
from django.urls import reverse

from reports.models import Report
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_report_past_the_thousandth_keeps_a_plain_id_for_the_polling(client, official):
    Report.objects.create(pk=4321, kind="credits", requested_by=official)
    client.force_login(official)
    html = client.get(reverse("reports:list")).content.decode()
    assert 'data-report-id="4321"' in html and "4٬321" not in html


def test_a_public_commitment_past_the_thousandth_keeps_a_plain_id(client, program):
    f.CommitmentFactory(pk=2345, program=program, title="تعهد با شناسهٔ بزرگ", jobs_target=1_000)
    html = client.get("/public/").content.decode()
    assert 'data-testid="realised-2345"' in html and "2٬345" not in html
