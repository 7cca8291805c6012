"""Each event reaches the right people and no one else, in the site and by e-mail.

Alice and Omid are officials; Sara reports on the commitment; Reza reports on another
commitment, Nima on none: neither ever hears of Sara's commitment.
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from commitments import services as commitment_services
from notifications.models import Delivery, Notification
from reports import services as report_services
from tests import factories as f

pytestmark = pytest.mark.django_db


def recipients(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def mailed_to() -> list[str]:
    return sorted(address for m in mail.outbox for address in m.to)


def submit(cast, commitment, capture):
    with capture(execute=True):
        return commitment_services.progress_entry_create(
            actor=cast["sara"], commitment=commitment, period_end=datetime.date(2026, 10, 21), jobs_created=40
        )


def test_a_submitted_entry_reaches_the_officials_only(cast, commitment, django_capture_on_commit_callbacks):
    # when Sara submits an entry
    entry = submit(cast, commitment, django_capture_on_commit_callbacks)
    # then both officials have a notice and an e-mail, and no staff member has either
    assert recipients("entry_submitted") == ["alice", "omid"]
    assert mailed_to() == ["alice@example.com", "omid@example.com"]
    notice = Notification.objects.get(recipient=cast["alice"])
    assert notice.url == f"/progress/{entry.pk}/"
    assert "۴۰ شغل" in notice.body and commitment.title in notice.title
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_returned_entry_reaches_its_author_with_the_reason_and_a_link(
    cast, commitment, django_capture_on_commit_callbacks
):
    entry = submit(cast, commitment, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    # when Alice returns it
    with django_capture_on_commit_callbacks(execute=True):
        commitment_services.progress_entry_reject(actor=cast["alice"], entry=entry, reason="شهرستان را ننوشته‌اید")
    # then only Sara hears of it, with the reason and where to correct it
    assert recipients("entry_returned") == ["sara"]
    notice = Notification.objects.get(kind="entry_returned")
    assert "دلیل برگشت: شهرستان را ننوشته‌اید" in notice.body
    assert notice.url == f"/progress/{entry.pk}/"
    [message] = mail.outbox
    assert message.to == ["sara@example.com"]
    assert message.subject == notice.title
    assert "شهرستان را ننوشته‌اید" in message.body
    assert f"http://127.0.0.1:8000/progress/{entry.pk}/" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html" and 'dir="rtl"' in html and f"/progress/{entry.pk}/" in html


def test_verified_and_reopened_reach_the_author(cast, commitment, django_capture_on_commit_callbacks):
    entry = submit(cast, commitment, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        entry = commitment_services.progress_entry_verify(actor=cast["alice"], entry=entry)
    with django_capture_on_commit_callbacks(execute=True):
        commitment_services.progress_entry_reopen(
            actor=cast["omid"], entry=entry, reason="رقم با سامانهٔ بانک نمی‌خواند", version=entry.version
        )
    assert recipients("entry_verified") == ["sara"]
    assert recipients("entry_reopened") == ["sara"]
    assert "رقم با سامانهٔ بانک نمی‌خواند" in Notification.objects.get(kind="entry_reopened").body
    # and the reopened entry, back to «ارسال شده», is for the officials again, as a new event
    assert Notification.objects.filter(kind="entry_submitted").count() == 2


def test_an_author_no_longer_reporting_on_the_commitment_hears_nothing(
    cast, commitment, django_capture_on_commit_callbacks
):
    entry = submit(cast, commitment, django_capture_on_commit_callbacks)
    commitment.reporters.remove(cast["sara"])
    with django_capture_on_commit_callbacks(execute=True):
        commitment_services.progress_entry_reject(actor=cast["alice"], entry=entry, reason="دوباره بفرستید")
    assert recipients("entry_returned") == []


def test_a_failed_write_records_no_notice(cast, commitment, django_capture_on_commit_callbacks):
    # Reza does not report on this commitment: refused, and no one hears of anything
    with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):
        commitment_services.progress_entry_create(
            actor=cast["reza"], commitment=commitment, period_end=datetime.date(2026, 10, 21), jobs_created=5
        )
    assert Notification.objects.count() == 0 and mail.outbox == []


def test_a_ready_report_reaches_whoever_asked_for_it(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_request(actor=cast["sara"], kind="credits")
    report.refresh_from_db()
    assert report.status == "ready"
    assert recipients("report_ready") == ["sara"]
    assert Notification.objects.get(kind="report_ready").url == f"/reports/#report-{report.pk}"


def test_preferences_choose_the_email_not_the_notice(cast, commitment, django_capture_on_commit_callbacks):
    from notifications import services

    services.preferences_set(user=cast["alice"], channels={"entry_submitted": "none"})
    services.preferences_set(user=cast["omid"], channels={"entry_submitted": "digest"})
    submit(cast, commitment, django_capture_on_commit_callbacks)
    # both keep the notice in the site; Alice gets no e-mail, Omid none until the digest
    assert recipients("entry_submitted") == ["alice", "omid"]
    assert mail.outbox == []
    assert list(Delivery.objects.values_list("to_address", "mode", "status")) == [
        ("omid@example.com", "digest", "pending")
    ]
    assert services.send_digests() == 1
    [digest] = mail.outbox
    assert digest.to == ["omid@example.com"] and digest.subject.startswith("خلاصهٔ اعلان‌های")
    assert services.send_digests() == 0


def test_a_user_without_an_address_gets_the_notice_only(cast, commitment, django_capture_on_commit_callbacks):
    f.make_official("no_mail")
    submit(cast, commitment, django_capture_on_commit_callbacks)
    assert recipients("entry_submitted") == ["alice", "no_mail", "omid"]
    assert mailed_to() == ["alice@example.com", "omid@example.com"]
