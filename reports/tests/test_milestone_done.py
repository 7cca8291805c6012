"""A deliverable marked done by an official with the ready report that answered it; the
dashboard shows it done with that report, and its reminders stop."""

import datetime

import pytest
from django.urls import reverse

from commitments.models import Milestone
from reports.models import Report
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathology_due(commitment):
    return f.MilestoneFactory(
        commitment=None,
        program=commitment.program,
        title="گزارش آسیب‌شناسی توسعهٔ مشاغل خانگی",
        due_on=datetime.date(2026, 6, 26),
        report_kind="pathology",
    )


def ready(kind: str, **fields) -> Report:
    return Report.objects.create(
        kind=kind, status="ready", pdf="reports/x.pdf", xlsx="reports/x.xlsx", finished_at="2026-06-20T10:00Z", **fields
    )


def test_an_official_marks_a_deliverable_done_with_its_report(client, official, pathology_due):
    report = ready("pathology")
    ready("credits")  # another kind is not offered
    client.force_login(official)
    page = client.get(reverse("reports:milestone_done", args=[pathology_due.pk])).content.decode()
    assert page.count('name="report"') == 1
    response = client.post(reverse("reports:milestone_done", args=[pathology_due.pk]), {"report": report.pk})
    assert response.status_code == 302
    pathology_due.refresh_from_db()
    report.refresh_from_db()
    assert pathology_due.done_on is not None and report.answers_milestone == pathology_due
    # the dashboard shows it done, linked to the report that answered it
    dashboard = client.get("/").content.decode()
    assert 'data-testid="done-milestones"' in dashboard
    assert reverse("reports:download", args=[report.pk, "pdf"]) in dashboard


def test_a_report_of_another_kind_or_not_ready_is_refused_and_nothing_changes(client, official, pathology_due):
    wrong = ready("credits")
    pending = Report.objects.create(kind="pathology", status="pending")
    client.force_login(official)
    for report in (wrong, pending):
        response = client.post(reverse("reports:milestone_done", args=[pathology_due.pk]), {"report": report.pk})
        assert response.status_code == 400
        assert "یکی از گزارش‌های آمادهٔ فهرست را انتخاب کنید." in response.content.decode()
    pathology_due.refresh_from_db()
    assert pathology_due.done_on is None
    assert not Report.objects.filter(answers_milestone__isnull=False).exists()


def test_staff_may_not_mark_a_deliverable_done(client, staff, pathology_due):
    report = ready("pathology")
    client.force_login(staff)
    response = client.post(reverse("reports:milestone_done", args=[pathology_due.pk]), {"report": report.pk})
    assert response.status_code == 403
    assert Milestone.objects.get(pk=pathology_due.pk).done_on is None


def test_a_done_milestone_gets_no_more_reminders(official, pathology_due, django_capture_on_commit_callbacks):
    from notifications import reminders
    from notifications.models import Notification
    from reports import services

    services.milestone_done_with_report(actor=official, milestone=pathology_due, report=ready("pathology"))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.run(pathology_due.due_on + datetime.timedelta(days=14))
    assert not Notification.objects.filter(event_key__startswith=f"milestone:{pathology_due.pk}:").exists()
