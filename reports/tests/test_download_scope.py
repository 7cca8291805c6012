"""Downloads re-check scope (issue 13, finding 5): a staff member's restricted report is
theirs only while they still report on every commitment it was built over."""

from pathlib import Path

import pytest
from django.urls import reverse

from reports import services
from reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_report(staff, commitment, other_commitment, django_capture_on_commit_callbacks):
    """Built while the staff member reports on both commitments."""
    other_commitment.reporters.add(staff)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=staff, kind="commitment_timetable")
    return Report.objects.get(pk=report.pk)


def test_the_report_records_the_commitments_it_covered(staff_report, commitment, other_commitment):
    assert staff_report.status == "ready"
    assert staff_report.covered_commitment_ids == sorted([commitment.pk, other_commitment.pk])


def test_a_province_wide_report_records_none(official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=official, kind="credits")
    assert Report.objects.get(pk=report.pk).covered_commitment_ids is None


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_removed_from_a_commitment_the_download_is_404_and_the_file_stays(
    client, staff, official, staff_report, other_commitment, fmt
):
    url = reverse("reports:download", args=[staff_report.pk, fmt])
    path = Path((staff_report.pdf if fmt == "pdf" else staff_report.xlsx).path)
    before = path.read_bytes()
    client.force_login(staff)
    assert client.get(url).status_code == 200

    other_commitment.reporters.remove(staff)

    assert client.get(url).status_code == 404
    assert path.read_bytes() == before
    assert Report.objects.filter(pk=staff_report.pk, status="ready").exists()
    # an official still reads it
    client.force_login(official)
    assert client.get(url).status_code == 200


def test_assigned_again_the_download_is_back(client, staff, staff_report, other_commitment):
    url = reverse("reports:download", args=[staff_report.pk, "pdf"])
    other_commitment.reporters.remove(staff)
    client.force_login(staff)
    assert client.get(url).status_code == 404
    other_commitment.reporters.add(staff)
    assert client.get(url).status_code == 200


def test_the_list_and_its_polling_offer_no_link_the_download_would_refuse(
    client, staff, staff_report, other_commitment
):
    url = reverse("reports:download", args=[staff_report.pk, "pdf"])
    client.force_login(staff)
    assert url in client.get(reverse("reports:list")).content.decode()

    other_commitment.reporters.remove(staff)

    page = client.get(reverse("reports:list")).content.decode()
    assert url not in page
    assert "دیگر در دسترس شما نیست" in page
    status = client.get(reverse("reports:status"), {"ids": str(staff_report.pk)}, HTTP_X_BACKGROUND_POLL="1").json()
    assert status["reports"][0]["pdf_url"] == "" and status["reports"][0]["xlsx_url"] == ""
