# ruff: noqa: F811  (own_redis and real_stack are fixtures imported from their modules)
"""A report asked for while Redis is stopped: said plainly, kept, and built once Redis is back.

Uses the throwaway redis-server of test_fault_redis (killed and restarted for real) as
both cache and Celery broker. The first test runs on any database: the request, the
Persian answer, nothing half-written, and the sweep putting the build on the queue once
Redis returns. The second adds a real Celery worker (PostgreSQL, as in
reports/tests/test_tasks.py) that builds the report to the end.
"""

import contextlib
import json
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.urls import reverse

from kerman_jobs.celery import app as celery_app
from reports import services
from reports.models import Report
from reports.tasks import build_report_task, resend_unqueued_reports
from reports.tests.test_tasks import complete_files, real_stack, wait_for  # noqa: F401
from reports.views import BROKER_DOWN

from .test_fault_redis import own_redis, start_redis, stop_redis  # noqa: F401

pytestmark = [pytest.mark.redis_fault, pytest.mark.django_db(transaction=True)]


@contextlib.contextmanager
def celery_broker(url: str):
    """Publish to `url`; the app's pooled connections to the usual broker are dropped."""
    old = celery_app.conf.broker_url
    eager = celery_app.conf.task_always_eager

    def drop_pools():
        celery_app._pool = None
        celery_app.__dict__.get("amqp") and setattr(celery_app.amqp, "_producer_pool", None)

    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = False
    drop_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_url = old
        celery_app.conf.task_always_eager = eager
        drop_pools()


def queued_builds(port: int, queue: str) -> list[str]:
    """The report build messages waiting in the throwaway Redis, as their argument reprs."""
    raw = redis.Redis(port=port)
    found = []
    for message in raw.lrange(queue, 0, -1):
        headers = json.loads(message)["headers"]
        assert headers["task"] == "reports.tasks.build_report_task"
        found.append(headers["argsrepr"])
    return found


def request_while_down(client, official, own_redis) -> Report:
    stop_redis(own_redis["proc"])
    client.force_login(official)
    started = time.monotonic()
    response = client.post(reverse("reports:request"), {"kind": "credits"})
    # The broker refusing connections costs a few retries, not a hanging page.
    assert time.monotonic() - started < 15
    assert response.status_code == 302
    report = Report.objects.get()
    assert response["Location"] == f"/reports/#report-{report.pk}"
    page = client.get(response["Location"]).content.decode()
    assert BROKER_DOWN.format(kind="اعتبارات") in page
    assert "در صف ساخت قرار گرفت" not in page
    return report


def nothing_written(report: Report) -> None:
    report.refresh_from_db()
    assert (report.status, report.attempts, report.enqueued_at, report.started_at) == ("pending", 0, None, None)
    assert (report.pdf.name, report.xlsx.name, report.error) == ("", "", "")
    media = Path(django_settings.MEDIA_ROOT)
    assert not (media / "reports").exists() and not (media / ".building").exists()


def test_report_asked_for_with_redis_down_is_kept_and_queued_when_redis_returns(client, official, own_redis, settings):
    url = f"redis://127.0.0.1:{own_redis['port']}/0"
    settings.REPORT_QUEUE = queue = f"reports-fault-{uuid.uuid4().hex[:10]}"
    with celery_broker(url):
        # given Redis is stopped, when an official asks for a report, then a clear Persian answer
        report = request_while_down(client, official, own_redis)
        # and the request is kept, with nothing half-done
        nothing_written(report)
        # and a sweep while Redis is still down sends nothing and loses nothing
        assert services.report_resend_unqueued(min_age_seconds=0) == []
        nothing_written(report)

        # when Redis comes back (empty: it kept nothing) and the sweep runs
        own_redis["proc"] = start_redis(own_redis["port"])
        assert queued_builds(own_redis["port"], queue) == []
        assert services.report_resend_unqueued(min_age_seconds=0) == [report.pk]

        # then exactly one build message waits, and the report is marked as sent
        assert queued_builds(own_redis["port"], queue) == [f"[{report.pk}]"]
        report.refresh_from_db()
        assert (report.status, report.enqueued_at is not None) == ("pending", True)
        # and a second sweep does not send it again
        assert services.report_resend_unqueued(min_age_seconds=0) == []
        assert queued_builds(own_redis["port"], queue) == [f"[{report.pk}]"]

    # and the build that message asks for completes it (the worker's part, run here)
    assert build_report_task.apply(args=[report.pk]).get() == "ready"
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == ("ready", 1, "")
    complete_files(report)


def test_report_asked_for_with_redis_down_is_built_by_a_real_worker_once_redis_returns(
    client, official, own_redis, settings, real_stack
):
    url = f"redis://127.0.0.1:{own_redis['port']}/0"
    settings.REDIS_URL = url  # real_stack hands it to the worker as its broker
    queue = settings.REPORT_QUEUE  # real_stack's own queue
    media = Path(django_settings.MEDIA_ROOT)
    with celery_broker(url):
        report = request_while_down(client, official, own_redis)
        nothing_written(report)

        # when Redis and a worker come back
        own_redis["proc"] = start_redis(own_redis["port"])
        real_stack("a", REPORT_QUEUE=queue, REPORT_RESEND_AFTER_SECONDS="0")
        # then nothing builds it by itself: the request never reached the queue
        time.sleep(2)
        nothing_written(report)

        # when beat's one-minute sweep fires (sent here by hand, through the broker)
        resend_unqueued_reports.apply_async(queue=queue)

        # then the worker sends and builds it, once
        wait_for(lambda: Report.objects.get(pk=report.pk).status == "ready", "the report to be built")
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error) == ("ready", 1, "")
    complete_files(report)
    assert sorted(p.name for p in (media / "reports").rglob("*.*")) == sorted(
        [Path(report.pdf.name).name, Path(report.xlsx.name).name]
    )


@pytest.mark.django_db
def test_beat_runs_the_sweep_every_minute():
    # The row the migration writes may have been flushed by earlier transactional tests,
    # so its RunPython is run here again (idempotent) and checked to be in the migration.
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = importlib.import_module("reports.migrations.0004_report_enqueued_at")
    assert any(getattr(op, "code", None) is migration.create_schedule for op in migration.Migration.operations)
    migration.create_schedule(apps, None)
    migration.create_schedule(apps, None)
    (task,) = PeriodicTask.objects.filter(task="reports.tasks.resend_unqueued_reports")
    assert (task.enabled, task.interval.every, task.interval.period) == (True, 1, "minutes")
