"""A real Celery worker on Redis: a report goes to ready; a worker killed mid-build leaves no
half file, and the redelivered task completes the report exactly once.

Needs REDIS_URL and PostgreSQL (the worker is another process and must share the test
database). Without them these tests are skipped, with the reason, on a developer's
machine; in CI (CI=true) they fail instead, so they can never pass by not running.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.db import connection

from kerman_jobs.celery import app as celery_app
from reports import services
from reports.models import Report
from reports.tasks import build_report_task

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 40


@pytest.fixture
def real_stack(settings, transactional_db):
    missing = []
    if not django_settings.REDIS_URL:
        missing.append("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        missing.append("the worker needs a database it can share with the tests: set DATABASE_URL to PostgreSQL")
    if missing:
        reason = "real Celery worker tests: " + "; ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    queue = f"reports-test-{uuid.uuid4().hex[:10]}"
    settings.REPORT_QUEUE = queue
    celery_app.conf.task_always_eager = False  # conftest puts it back after the test
    workers: list[subprocess.Popen] = []
    logs = []

    def start(name: str, **env) -> subprocess.Popen:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        log = open(Path(django_settings.MEDIA_ROOT).parent / f"worker-{name}.log", "w")
        logs.append(log)
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kerman_jobs",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                queue,
                "-n",
                f"{queue}-{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            cwd=django_settings.BASE_DIR,
            env={
                **os.environ,
                "DATABASE_URL": url,
                "REDIS_URL": django_settings.REDIS_URL,
                "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
                "CONN_MAX_AGE": "0",
                **env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        workers.append(proc)
        return proc

    yield start
    for proc in workers:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    for log in logs:
        log.close()
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.delete(queue)


def wait_for(predicate, what: str):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def status(report_id: int) -> tuple[str, int]:
    return tuple(Report.objects.filter(pk=report_id).values_list("status", "attempts").get())


def complete_files(report: Report) -> None:
    pdf = Path(report.pdf.path).read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    book = openpyxl.load_workbook(report.xlsx.path)
    assert book.sheetnames[0] == "خلاصه"


def test_worker_builds_a_requested_report(real_stack, official):
    real_stack("a")

    report = services.report_request(actor=official, kind="credits")  # enqueued on commit (autocommit here)

    wait_for(lambda: status(report.pk)[0] == "ready", "the worker to build the report")
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == ("ready", 1, "")
    complete_files(report)


def test_worker_killed_mid_build_leaves_no_half_file_and_redelivery_completes_once(real_stack, official):
    media = Path(django_settings.MEDIA_ROOT)
    # Worker A pauses between the PDF and the Excel file: the window to kill it in.
    worker_a = real_stack("a", REPORT_BUILD_PAUSE_SECONDS="60")

    report = services.report_request(actor=official, kind="pathology")
    wait_for(lambda: list((media / ".building").glob(f"{report.pk}-*/report.pdf")), "the PDF to be staged")
    worker_a.send_signal(signal.SIGKILL)
    worker_a.wait(timeout=10)

    assert status(report.pk) == ("running", 1)
    assert not (media / "reports").exists() or not any((media / "reports").rglob("*.*")), "a file reached reports/"
    report.refresh_from_db()
    assert report.pdf.name == "" and report.xlsx.name == ""

    # Redis hands the unacknowledged task to the next worker once its visibility timeout
    # has passed; that worker treats the claim of the dead one as stale.
    started = report.started_at.timestamp()
    time.sleep(max(0.0, started + 2.5 - time.time()))
    real_stack("b", CELERY_VISIBILITY_TIMEOUT="1", REPORT_STALE_SECONDS="1")

    wait_for(lambda: status(report.pk)[0] == "ready", "the redelivered task to finish the report")
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == ("ready", 2, "")
    complete_files(report)
    assert sorted(p.name for p in (media / "reports").rglob("*.*")) == sorted(
        [Path(report.pdf.name).name, Path(report.xlsx.name).name]
    )
    assert not any((media / ".building").glob("*")), "the dead worker's staging folder was not removed"

    # Exactly once, not just "ready in the end": B's visibility timeout is 1 s, so its own
    # unacknowledged message may come back while it builds. Wait past that and check that
    # no second build claimed the report (attempts), rewrote the files (mtimes), or
    # finished as 'ready' a second time (the workers' logs).
    files = [Path(report.pdf.path), Path(report.xlsx.path)]
    written = [p.stat().st_mtime_ns for p in files]
    time.sleep(3)
    assert status(report.pk) == ("ready", 2)
    assert [p.stat().st_mtime_ns for p in files] == written
    logs = "".join(p.read_text() for p in media.parent.glob("worker-*.log"))
    assert len(re.findall(r"build_report_task\[[^\]]+\] succeeded in [^:]+: 'ready'", logs)) == 1, logs[-3000:]

    # Once ready, running the task again changes nothing.
    assert build_report_task.apply(args=[report.pk]).get() == "skipped"
    assert status(report.pk) == ("ready", 2)
