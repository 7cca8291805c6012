"""Idempotent submission (issue 13, finding 6): the entry form and the business form carry
a one-time token; the same POST twice saves once and the second answer points to the first."""

import datetime
import re
import threading
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse

from commitments import services as commitment_services
from commitments.models import ProgressEntry
from core.persian import format_jalali
from core.writes import AlreadySubmitted
from registry.models import HomeBusiness
from tests import factories as f

ENTRY_AGAIN = "این فرم پیش‌تر یک بار فرستاده شده بود و گزارش همان بار ثبت شد؛ گزارش دوباره ثبت نشد."
BUSINESS_AGAIN = "این فرم پیش‌تر یک بار فرستاده شده بود و کسب‌وکار همان بار ثبت شد؛ دوباره ثبت نشد."


@pytest.fixture
def places(db):
    return f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")


def token_in(html: str) -> str:
    return re.search(r'<input type="hidden" name="submission_token" value="([0-9a-f-]{36})"', html).group(1)


def test_the_entry_form_sent_twice_saves_one_entry_and_points_to_it(client, staff, commitment):
    client.force_login(staff)
    url = reverse("commitments:entry_create", args=[commitment.pk])
    form = client.get(url).content.decode()
    token = token_in(form)
    assert token != token_in(client.get(url).content.decode())  # a fresh one each time
    data = {
        "period_end": format_jalali(datetime.date(2025, 4, 1)),
        "jobs_created": "۱۲۵",
        "submission_token": token,
    }

    first = client.post(url, data)
    second = client.post(url, data)

    entry = ProgressEntry.objects.get()
    assert (entry.jobs_created, entry.submission_token) == (125, uuid.UUID(token))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("commitments:detail", args=[commitment.pk])
    assert second["Location"] == reverse("commitments:entry", args=[entry.pk])
    # the first answer's notice is still waiting (no page was read in between), then ours
    assert [str(m) for m in get_messages(second.wsgi_request)][-1:] == [ENTRY_AGAIN]
    assert ENTRY_AGAIN in client.get(second["Location"]).content.decode()


def test_the_business_form_sent_twice_saves_one_business_and_points_to_it(client, staff, commitment, places):
    client.force_login(staff)
    token = token_in(client.get(reverse("registry:create")).content.decode())
    data = {
        "commitment": commitment.pk,
        "reference_code": "RS-۱۲",
        "county": places[0].pk,
        "sector": places[1].pk,
        "started_on": "۱۴۰۴/۰۱/۱۰",
        "jobs": "۲",
        "submission_token": token,
    }

    first = client.post(reverse("registry:create"), data)
    second = client.post(reverse("registry:create"), data)

    business = HomeBusiness.objects.get()
    assert business.reference_code == "RS-12"
    assert first["Location"] == second["Location"] == reverse("registry:detail", args=[business.pk])
    assert [str(m) for m in get_messages(second.wsgi_request)][-1:] == [BUSINESS_AGAIN]


def test_a_form_with_errors_keeps_its_token_and_saves_once_corrected(client, staff, commitment):
    client.force_login(staff)
    url = reverse("commitments:entry_create", args=[commitment.pk])
    token = str(uuid.uuid4())
    bad = client.post(url, {"period_end": "۱۴۰۴/۰۱/۱۲", "jobs_created": "۰", "submission_token": token})
    assert bad.status_code == 400 and token_in(bad.content.decode()) == token
    good = client.post(url, {"period_end": "۱۴۰۴/۰۱/۱۲", "jobs_created": "۳", "submission_token": token})
    assert good.status_code == 302 and ProgressEntry.objects.count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time; run with DATABASE_URL=postgres://…"
)
@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_save_one_entry(staff, commitment):
    """Both threads pass the look-up before either has saved; the unique index lets one
    insert through and the other, after waiting for it, answers with the first entry."""
    token = uuid.uuid4()
    start = threading.Barrier(2)
    outcomes = []

    def submit():
        start.wait()
        try:
            entry = commitment_services.progress_entry_create(
                actor=staff,
                commitment=commitment,
                period_end=datetime.date(2025, 4, 1),
                jobs_created=40,
                submission_token=token,
            )
            outcomes.append(("saved", entry.pk))
        except AlreadySubmitted as exc:
            outcomes.append(("already", exc.first.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    entry = ProgressEntry.objects.get()
    assert sorted(outcomes) == [("already", entry.pk), ("saved", entry.pk)]
    assert entry.history.count() == 1
