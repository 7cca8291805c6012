"""The reports page: who sees which report, «ساخت همین حالا», downloads through access checks, status JSON."""

import pytest
from django.urls import reverse

from reports import services
from reports.models import Report
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(official, django_capture_on_commit_callbacks):
    """A province-wide report the official asked for, ready."""
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=official, kind="credits")
    report.refresh_from_db()
    return report


@pytest.fixture
def staff_report(staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=staff, kind="commitment_timetable")
    report.refresh_from_db()
    return report


def test_official_sees_every_report(client, official, built, staff_report):
    client.force_login(official)
    response = client.get(reverse("reports:list"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["reports"]] == [staff_report.pk, built.pk]
    page = response.content.decode()
    assert 'dir="rtl"' in page and "آماده" in page
    assert reverse("reports:download", args=[built.pk, "pdf"]) in page
    assert "/media" not in page


def test_staff_see_only_their_own_restricted_reports(client, staff, built, staff_report):
    client.force_login(staff)
    response = client.get(reverse("reports:list"))
    assert [r.pk for r in response.context["reports"]] == [staff_report.pk]
    assert client.get(reverse("reports:download", args=[staff_report.pk, "xlsx"])).status_code == 200


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_someone_elses_report_is_404_like_a_missing_one(client, other_staff, staff, built, staff_report, fmt):
    client.force_login(other_staff)
    assert client.get(reverse("reports:download", args=[staff_report.pk, fmt])).status_code == 404
    assert client.get(reverse("reports:download", args=[built.pk, fmt])).status_code == 404
    assert client.get(reverse("reports:download", args=[999_999, fmt])).status_code == 404
    client.force_login(staff)
    assert client.get(reverse("reports:download", args=[built.pk, fmt])).status_code == 404


def test_download_serves_the_file_as_an_attachment(client, official, built):
    client.force_login(official)
    response = client.get(reverse("reports:download", args=[built.pk, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"


def test_a_report_not_ready_has_nothing_to_download(client, official):
    report = services.report_create(actor=official, kind="credits")
    client.force_login(official)
    assert client.get(reverse("reports:download", args=[report.pk, "pdf"])).status_code == 404


def test_build_now_queues_a_report_that_the_worker_builds(client, official, django_capture_on_commit_callbacks):
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:request"), {"kind": "pathology"})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/#report-{report.pk}"
    assert (report.kind, report.requested_by, report.status) == ("pathology", official, "ready")


def test_build_now_refuses_get_anonymous_and_the_roleless(client, db):
    assert client.get(reverse("reports:request")).status_code == 302  # login first
    assert client.post(reverse("reports:request"), {"kind": "pathology"}).status_code == 302
    outsider = f.UserFactory(username="outsider")
    client.force_login(outsider)
    assert client.get(reverse("reports:request")).status_code == 405
    assert client.post(reverse("reports:request"), {"kind": "pathology"}).status_code == 404
    assert Report.objects.count() == 0


def test_unknown_kind_is_refused_in_persian(client, official):
    client.force_login(official)
    response = client.post(reverse("reports:request"), {"kind": "salaries"}, follow=True)
    assert "نوع گزارش شناخته نیست" in response.content.decode()
    assert Report.objects.count() == 0


def test_retry_of_someone_elses_failed_report_is_404(client, other_staff, official, django_capture_on_commit_callbacks):
    report = services.report_create(actor=official, kind="credits")
    Report.objects.filter(pk=report.pk).update(status="failed", error="خطا")
    client.force_login(other_staff)
    assert client.post(reverse("reports:retry", args=[report.pk])).status_code == 404
    assert Report.objects.get(pk=report.pk).status == "failed"


def test_status_json_only_for_visible_reports(client, staff, built, staff_report):
    pending = services.report_create(actor=staff, kind="credits")
    client.force_login(staff)
    response = client.get(reverse("reports:status"), {"ids": f"{built.pk},{staff_report.pk},{pending.pk},"})
    rows = {r["id"]: r for r in response.json()["reports"]}
    assert sorted(rows) == sorted([staff_report.pk, pending.pk])
    assert rows[pending.pk] == {
        "id": pending.pk,
        "status": "pending",
        "label": "در صف",
        "pdf_url": "",
        "xlsx_url": "",
        "error": "",
        "finished": "",
    }
    assert rows[staff_report.pk]["pdf_url"] == reverse("reports:download", args=[staff_report.pk, "pdf"])


def test_page_has_no_inline_script_or_style(client, official, built):
    client.force_login(official)
    page = client.get(reverse("reports:list")).content.decode()
    assert "<script>" not in page and "style=" not in page
    assert "/static/js/reports.js" in page


def test_status_answers_an_anonymous_caller_with_401_json_in_persian(client, official):
    # given a report, and a caller whose session has ended
    report = Report.objects.create(kind="credits", requested_by=official)
    # when the page's script polls
    response = client.get(f"/reports/status/?ids={report.pk}", HTTP_ACCEPT="application/json")
    # then it gets 401 as JSON with a Persian word, not a redirect to the login page
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "نشست شما به پایان رسیده است؛ برای دیدن وضعیت گزارش‌ها دوباره وارد شوید.",
        "login_url": "/accounts/login/",
    }
    # and nothing about the report was told or changed
    report.refresh_from_db()
    assert report.status == Report.Status.PENDING
