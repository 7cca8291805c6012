"""Through a real SMTP server on localhost: the e-mail as it arrives, and a mail server
that is down and comes back gets every pending mail exactly once."""

import datetime

import pytest

from commitments import services as commitment_services
from notifications import services
from notifications.models import Delivery

from .smtp import Inbox, free_port, smtp_server, use_smtp

pytestmark = pytest.mark.django_db


def submit(cast, commitment, capture, jobs=40):
    with capture(execute=True):
        return commitment_services.progress_entry_create(
            actor=cast["sara"], commitment=commitment, period_end=datetime.date(2026, 10, 21), jobs_created=jobs
        )


def test_the_email_arrives_persian_rtl_with_both_parts(cast, commitment, settings, django_capture_on_commit_callbacks):
    port = free_port()
    use_smtp(settings, port)
    with smtp_server(port, Inbox()) as inbox:
        entry = submit(cast, commitment, django_capture_on_commit_callbacks, jobs=1250)
    assert inbox.to() == ["alice@example.com", "omid@example.com"]
    message = inbox.messages[0]
    assert message["Subject"].strip() == f"گزارش پیشرفت تازه برای بررسی: «{commitment.title}»"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "۱٬۲۵۰ شغل تا ۲۹ مهر ۱۴۰۵" in text and "۱٬۲۵۰ شغل تا ۲۹ مهر ۱۴۰۵" in html
    assert f"http://127.0.0.1:8000/progress/{entry.pk}/" in text
    assert f'href="http://127.0.0.1:8000/progress/{entry.pk}/"' in html
    assert '<html lang="fa" dir="rtl">' in html


def test_a_mail_server_down_then_back_gets_every_pending_mail_once(
    cast, commitment, settings, django_capture_on_commit_callbacks
):
    port = free_port()
    use_smtp(settings, port)
    # given the mail server is down when two entries are submitted and one is returned
    first = submit(cast, commitment, django_capture_on_commit_callbacks, jobs=10)
    submit(cast, commitment, django_capture_on_commit_callbacks, jobs=20)
    with django_capture_on_commit_callbacks(execute=True):
        commitment_services.progress_entry_reject(actor=cast["alice"], entry=first, reason="مستند ندارد")
    # then nothing is lost: five e-mails wait, and the notices are in the site already
    assert Delivery.objects.filter(status="pending").count() == 5
    assert services.deliver_pending(min_age_seconds=0) == 0  # still down: a sweep sends nothing
    assert Delivery.objects.filter(status="pending").count() == 5
    # when it comes back, the sweep sends each one, once
    with smtp_server(port, Inbox()) as inbox:
        assert services.deliver_pending(min_age_seconds=0) == 5
        assert services.deliver_pending(min_age_seconds=0) == 0
    assert inbox.to() == [
        "alice@example.com",
        "alice@example.com",
        "omid@example.com",
        "omid@example.com",
        "sara@example.com",
    ]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    returned = [m for m in inbox.messages if m["X-Envelope-To"] == "sara@example.com"]
    assert "مستند ندارد" in returned[0].get_body(("plain",)).get_content()


def test_an_address_refused_for_good_does_not_hold_up_the_others(
    cast, commitment, settings, django_capture_on_commit_callbacks
):
    port = free_port()
    use_smtp(settings, port)
    # given the server says Alice's mailbox does not exist
    with smtp_server(port, Inbox(refuse={"alice@example.com"})) as inbox:
        submit(cast, commitment, django_capture_on_commit_callbacks)
        # then Omid's e-mail goes, and Alice's is marked refused with the server's words
        assert inbox.to() == ["omid@example.com"]
        alice = Delivery.objects.get(to_address="alice@example.com")
        assert (alice.status, alice.attempts) == ("failed", 1) and "no such mailbox" in alice.last_error
        # and the sweep does not try it again
        assert services.deliver_pending(min_age_seconds=0) == 0
    assert inbox.to() == ["omid@example.com"]
