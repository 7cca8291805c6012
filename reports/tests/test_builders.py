"""Building a report: request → on_commit → task; claim once; retries; failure in Persian; no half files."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from reports import services
from reports.models import Report
from reports.tasks import FAILED_TRANSIENT, build_report_task
from tests import factories as f

pytestmark = pytest.mark.django_db


def report_files(media: Path) -> list[str]:
    root = media / "reports"
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_request_enqueues_on_commit_and_builds_both_files(official, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.report_request(actor=official, kind="credits")
    # Nothing is built inside the request's transaction: only after it commits.
    assert Report.objects.get(pk=report.pk).status == "pending"
    assert len(callbacks) == 1

    callbacks[0]()

    report.refresh_from_db()
    assert report.status == "ready"
    assert report.attempts == 1
    assert report.error == ""
    assert report.is_restricted is False
    assert report.pdf.name.endswith(f"-final-{report.pk}.pdf") and report.xlsx.name.endswith(f"-{report.pk}.xlsx")
    assert Path(report.pdf.path).read_bytes()[:5] == b"%PDF-"
    assert Path(report.xlsx.path).read_bytes()[:2] == b"PK"
    assert report.finished_at >= report.started_at
    # The staging folder is gone once the files are in place.
    assert not any((Path(settings.MEDIA_ROOT) / ".building").glob("*"))


def test_staff_reports_are_restricted_to_their_commitments(staff, commitment):
    report = services.report_request(actor=staff, kind="commitment_timetable")
    assert report.is_restricted is True and report.requested_by == staff


def test_user_without_role_cannot_request(db):
    outsider = f.UserFactory(username="outsider")
    with pytest.raises(PermissionDenied):
        services.report_request(actor=outsider, kind="credits")
    assert Report.objects.count() == 0


def test_task_running_twice_builds_once(official, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_request(actor=official, kind="credits")
    report.refresh_from_db()
    first = (report.status, report.attempts, report.pdf.name, report.finished_at)

    assert build_report_task.apply(args=[report.pk]).get() == "skipped"

    report.refresh_from_db()
    assert (
        (report.status, report.attempts, report.pdf.name, report.finished_at)
        == first
        == (
            "ready",
            1,
            first[2],
            first[3],
        )
    )


def test_running_report_is_not_claimed_again_until_stale(official, settings):
    settings.REPORT_STALE_SECONDS = 600
    report = services.report_create(actor=official, kind="credits")
    started = timezone.now() - datetime.timedelta(seconds=60)
    Report.objects.filter(pk=report.pk).update(status="running", started_at=started, attempts=1)

    assert services.report_build(report.pk) is None
    report.refresh_from_db()
    assert (report.status, report.attempts, report.started_at) == ("running", 1, started)

    # Its worker died ten minutes ago: the redelivered task takes it over.
    Report.objects.filter(pk=report.pk).update(started_at=timezone.now() - datetime.timedelta(seconds=601))
    built = services.report_build(report.pk)
    assert built is not None and built.status == "ready" and built.attempts == 2


def test_transient_error_retries_then_records_persian_failure(official, settings, tmp_path):
    # MEDIA_ROOT is a plain file: every attempt to write fails with an OSError.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker
    report = services.report_create(actor=official, kind="credits")

    build_report_task.apply(args=[report.pk])

    report.refresh_from_db()
    assert report.status == "failed"
    assert report.attempts == 4  # the first try and three retries
    assert report.error == FAILED_TRANSIENT
    assert "Traceback" not in report.error and "OSError" not in report.error
    assert report.pdf.name == "" and report.xlsx.name == ""


def test_unexpected_error_fails_at_once_with_the_report_number(official, settings):
    settings.REPORT_BUILD_PAUSE_SECONDS = "not a number"  # time.sleep raises TypeError: not transient
    report = services.report_create(actor=official, kind="credits")

    build_report_task.apply(args=[report.pk])

    report.refresh_from_db()
    assert report.status == "failed" and report.attempts == 1
    assert "به مدیر سامانه خبر دهید" in report.error
    # No half file: the PDF had been written to staging only, and staging is cleaned up.
    assert report_files(Path(settings.MEDIA_ROOT)) == []
    assert not any((Path(settings.MEDIA_ROOT) / ".building").glob("*"))


def test_failed_report_can_be_retried_by_its_requester(official, settings, django_capture_on_commit_callbacks):
    settings.REPORT_BUILD_PAUSE_SECONDS = "not a number"
    report = services.report_create(actor=official, kind="credits")
    build_report_task.apply(args=[report.pk])
    settings.REPORT_BUILD_PAUSE_SECONDS = 0

    with django_capture_on_commit_callbacks(execute=True):
        services.report_retry(actor=official, report=Report.objects.get(pk=report.pk))

    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == ("ready", 2, "")


def test_stale_staging_from_a_killed_build_is_removed(official, settings):
    report = services.report_create(actor=official, kind="credits")
    leftover = Path(settings.MEDIA_ROOT) / ".building" / f"{report.pk}-deadbeef"
    leftover.mkdir(parents=True)
    (leftover / "report.pdf").write_bytes(b"%PDF-half")

    services.report_build(report.pk)

    assert not leftover.exists()


def test_build_report_command_prints_both_paths(db, settings, capsys):
    call_command("build_report", "pathology", "--due", "۱۴۰۵/۰۴/۰۵")

    out = capsys.readouterr().out.splitlines()
    report = Report.objects.get()
    assert report.status == "ready" and report.kind == "pathology" and report.requested_by is None
    assert report.due_on == datetime.date(2026, 6, 26)
    assert out[-2:] == [report.pdf.path, report.xlsx.path]
    assert Path(out[-2]).exists() and Path(out[-1]).exists()


def test_task_for_a_report_another_build_holds_comes_back_later(official, settings):
    settings.REPORT_STALE_SECONDS = 600
    report = services.report_create(actor=official, kind="credits")
    started = timezone.now() - datetime.timedelta(seconds=60)
    Report.objects.filter(pk=report.pk).update(status="running", started_at=started, attempts=1)

    # On a worker this retries once the other claim would count as dead; in-process it just says so.
    assert build_report_task.apply(args=[report.pk]).get() == "busy"
    assert 530 < services.report_seconds_until_stale(report.pk) <= 541
    assert tuple(Report.objects.filter(pk=report.pk).values_list("status", "attempts", "started_at").get()) == (
        "running",
        1,
        started,
    )
    Report.objects.filter(pk=report.pk).update(status="ready")
    assert services.report_seconds_until_stale(report.pk) is None
