# ruff: noqa: F811  (own_redis and real_stack are fixtures imported from their modules)
"""Notices while Redis or the mail server is down: nothing is lost, each e-mail goes once.

The first test stops a throwaway Redis (the Celery broker) while entries are submitted:
the notices are in the site at once, their e-mails wait as pending rows, and the sweep
sends them once Redis is back. The second runs a real Celery worker on Redis and
PostgreSQL (skipped, with the reason, where REDIS_URL or PostgreSQL is missing) against a
real SMTP server: the worker sends the mail, then the mail server stops, and the sweep
task sends what waited, once, when it returns.
"""

import datetime
import time

import pytest
from django.core import mail

from commitments import services as commitment_services
from kerman_jobs.celery import app as celery_app
from notifications import services
from notifications.models import Delivery, Notification
from notifications.tests.conftest import cast  # noqa: F401
from notifications.tests.smtp import Inbox, free_port, smtp_server, use_smtp
from reports.tests.test_tasks import real_stack, wait_for  # noqa: F401

from .test_fault_redis import own_redis, start_redis, stop_redis  # noqa: F401
from .test_fault_redis_reports import celery_broker

pytestmark = pytest.mark.django_db(transaction=True)


def submit(user, commitment, jobs=40):
    return commitment_services.progress_entry_create(
        actor=user, commitment=commitment, period_end=datetime.date(2026, 10, 21), jobs_created=jobs
    )


@pytest.mark.redis_fault
def test_notices_made_while_redis_is_down_are_mailed_once_it_returns(cast, commitment, own_redis, settings):
    port = free_port()
    use_smtp(settings, port)
    with celery_broker(f"redis://127.0.0.1:{own_redis['port']}/0"), smtp_server(port, Inbox()) as inbox:
        # given Redis is stopped, when Sara submits an entry
        stop_redis(own_redis["proc"])
        entry = submit(cast["sara"], commitment)
        # then the write stands and the officials' notices are in the site; the e-mails wait
        assert entry.pk and Notification.objects.filter(kind="entry_submitted").count() == 2
        assert sorted(Delivery.objects.values_list("to_address", "status")) == [
            ("alice@example.com", "pending"),
            ("omid@example.com", "pending"),
        ]
        assert inbox.messages == []
        # when Redis is back, the sweep (beat's every-minute task) sends each, once
        own_redis["proc"] = start_redis(own_redis["port"])
        assert services.deliver_pending(min_age_seconds=0) == 2
        assert services.deliver_pending(min_age_seconds=0) == 0
    assert inbox.to() == ["alice@example.com", "omid@example.com"]


def test_a_real_worker_sends_the_mail_and_the_sweep_sends_what_waited(cast, commitment, real_stack, settings):
    smtp_port = free_port()
    settings.NOTIFICATION_QUEUE = settings.REPORT_QUEUE  # the queue real_stack's worker reads
    worker_env = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "5",
        "NOTIFICATION_RESEND_AFTER_SECONDS": "0",
    }
    with smtp_server(smtp_port, Inbox()) as inbox:
        real_stack("mail", **worker_env)
        # when Sara submits an entry, the worker e-mails both officials after the commit
        entry = submit(cast["sara"], commitment)
        wait_for(lambda: len(inbox.messages) == 2, "the worker to send the officials' e-mails")
        assert inbox.to() == ["alice@example.com", "omid@example.com"]
        assert mail.outbox == []  # nothing was sent in this process
    # when the mail server is down and Alice returns the entry, Sara's e-mail waits
    commitment_services.progress_entry_reject(actor=cast["alice"], entry=entry, reason="شهرستان را ننوشته‌اید")
    delivery = Delivery.objects.get(to_address="sara@example.com")
    wait_for(
        lambda: Delivery.objects.filter(pk=delivery.pk, status="pending", attempts__gte=1).exists(),
        "the worker to try and keep the e-mail pending",
    )
    # when it comes back, the sweep task on the worker sends it, once, even if asked twice
    with smtp_server(smtp_port, Inbox()) as inbox:
        for _ in range(2):
            celery_app.tasks["notifications.tasks.send_pending_deliveries"].apply_async(queue=settings.REPORT_QUEUE)
        wait_for(lambda: Delivery.objects.filter(pk=delivery.pk, status="sent").exists(), "the sweep to send it")
        wait_for(lambda: inbox.messages, "the e-mail to arrive")
        time.sleep(1.0)  # room for a second, wrong, send to show up
    assert inbox.to() == ["sara@example.com"]
    assert "شهرستان را ننوشته‌اید" in inbox.messages[0].get_body(("plain",)).get_content()
