"""The idle deadline (SESSION_IDLE_MINUTES) is pushed by what a person does, not by the
reports page polling in the background (X-Background-Poll: 1, core.sessions)."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = pytest.mark.django_db

POLL = {"HTTP_X_BACKGROUND_POLL": "1"}


def test_a_background_poll_leaves_the_idle_deadline_alone(client, official):
    # given a session with a minute left
    client.force_login(official)
    key = client.session.session_key
    deadline = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(pk=key).update(expire_date=deadline)
    # when the reports page polls
    response = client.get("/reports/status/?ids=1", **POLL)
    # then it is answered, and the deadline is exactly where it was
    assert response.status_code == 200
    assert Session.objects.get(pk=key).expire_date == deadline
    # while a page the person opens still pushes it
    assert client.get("/reports/").status_code == 200
    assert Session.objects.get(pk=key).expire_date > deadline + datetime.timedelta(minutes=28)


def test_polling_does_not_keep_an_idle_session_alive(client, official):
    # given a session whose idle period has run out while the page kept polling
    client.force_login(official)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    client.get("/reports/status/?ids=1", **POLL)
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    # when the next poll comes
    response = client.get("/reports/status/?ids=1", **POLL)
    # then the session is over: 401, not a renewed session
    assert response.status_code == 401
