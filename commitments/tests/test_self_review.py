"""Separation of duties (issue 13, finding 3): whoever entered an entry neither verifies
nor returns it — an official who is also a reporter, or the admin unless ALLOW_SELF_REVIEW."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from commitments import services
from commitments.models import ProgressEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

NOTE = "این گزارش را خود شما ثبت کرده‌اید؛ تأیید یا برگشت آن با مقام استانی دیگری است."


@pytest.fixture
def official_reporter(commitment):
    """An official who is also chamber staff and a reporter on the commitment."""
    user = f.make_official("official_reporter")
    user.groups.add(*f.make_staff("someone_else").groups.all())
    commitment.reporters.add(user)
    return user


def own_entry(actor, commitment):
    return services.progress_entry_create(
        actor=actor, commitment=commitment, period_end=datetime.date(2025, 4, 1), jobs_created=40
    )


def state(entry):
    row = ProgressEntry.objects.filter(pk=entry.pk).values_list("status", "verified_by", "version", "review_note").get()
    return row, entry.history.count()


@pytest.mark.parametrize(("action", "data"), [("entry_verify", {}), ("entry_return", {"reason": "مستند ندارد"})])
@pytest.mark.parametrize("who", ["official_reporter", "admin_user"])
def test_the_author_cannot_verify_or_return_their_own_entry(client, request, commitment, who, action, data):
    author = request.getfixturevalue(who)
    entry = own_entry(author, commitment)
    before = state(entry)
    client.force_login(author)
    for confirm in ("", "1"):  # neither the question nor the answer
        response = client.post(
            reverse(f"commitments:{action}", args=[entry.pk]), {"version": entry.version, "confirm": confirm, **data}
        )
        assert response.status_code == 403
    assert state(entry) == before


def test_the_service_refuses_in_persian_and_writes_nothing(official_reporter, commitment):
    entry = own_entry(official_reporter, commitment)
    before = state(entry)
    with pytest.raises(PermissionDenied, match="خود شما ثبت کرده‌اید"):
        services.progress_entry_verify(actor=official_reporter, entry=entry, version=1)
    with pytest.raises(PermissionDenied, match="خود شما ثبت کرده‌اید"):
        services.progress_entry_reject(actor=official_reporter, entry=entry, reason="نه", version=1)
    assert state(entry) == before


def test_another_official_verifies_it(official, official_reporter, commitment):
    entry = own_entry(official_reporter, commitment)
    services.progress_entry_verify(actor=official, entry=entry, version=1)
    assert state(entry)[0][:3] == ("verified", official.pk, 2)
    assert entry.history.order_by("-history_id").first().history_change_reason == "تأیید گزارش"


def test_the_setting_lets_the_admin_and_the_history_names_the_self_review(settings, admin_user, commitment):
    settings.ALLOW_SELF_REVIEW = True
    verified = own_entry(admin_user, commitment)
    returned = own_entry(admin_user, commitment)
    services.progress_entry_verify(actor=admin_user, entry=verified, version=1)
    services.progress_entry_reject(actor=admin_user, entry=returned, reason="مستند ندارد", version=1)
    reasons = [e.history.order_by("-history_id").first().history_change_reason for e in (verified, returned)]
    assert reasons == ["تأیید گزارش (بازبینی توسط ثبت‌کننده)", "برگشت (بازبینی توسط ثبت‌کننده): مستند ندارد"]


def test_the_setting_does_not_free_an_official_who_is_a_reporter(settings, official_reporter, commitment):
    settings.ALLOW_SELF_REVIEW = True
    entry = own_entry(official_reporter, commitment)
    with pytest.raises(PermissionDenied):
        services.progress_entry_verify(actor=official_reporter, entry=entry, version=1)


def test_queue_and_entry_page_hide_the_buttons_with_a_note(client, official_reporter, official, staff, commitment):
    mine = own_entry(official_reporter, commitment)
    theirs = own_entry(staff, commitment)
    client.force_login(official_reporter)
    queue = client.get(reverse("commitments:review_queue")).content.decode()
    assert queue.count(NOTE) == 1
    assert reverse("commitments:entry_verify", args=[mine.pk]) not in queue
    assert reverse("commitments:entry_verify", args=[theirs.pk]) in queue
    page = client.get(reverse("commitments:entry", args=[mine.pk])).content.decode()
    assert NOTE in page and "/verify/" not in page and "/return/" not in page
    client.force_login(official)
    page = client.get(reverse("commitments:entry", args=[mine.pk])).content.decode()
    assert NOTE not in page and reverse("commitments:entry_verify", args=[mine.pk]) in page
