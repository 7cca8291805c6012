"""The idle deadline (SESSION_IDLE_MINUTES) is pushed by what a person does, not by the
reports page polling in the background (X-Background-Poll: 1, core.sessions)."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.sessions import IdleSessionMiddleware, SessionStore

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


def test_a_request_within_a_minute_of_the_last_write_leaves_the_deadline(client, official):
    # given a session whose deadline was written 30 seconds ago
    client.force_login(official)
    key = client.session.session_key
    deadline = timezone.now() + datetime.timedelta(minutes=30) - datetime.timedelta(seconds=30)
    Session.objects.filter(pk=key).update(expire_date=deadline)
    # when the person opens a page
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/reports/").status_code == 200
    # then the deadline is not written again: no UPDATE of the session, no transaction for it
    assert Session.objects.get(pk=key).expire_date == deadline
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]


def test_a_request_a_minute_after_the_last_write_pushes_the_deadline(client, official):
    # given a session whose deadline was written 61 seconds ago
    client.force_login(official)
    key = client.session.session_key
    deadline = timezone.now() + datetime.timedelta(minutes=30) - datetime.timedelta(seconds=61)
    Session.objects.filter(pk=key).update(expire_date=deadline)
    # when the person opens a page, then the deadline is a whole idle period from now
    before = timezone.now()
    assert client.get("/reports/").status_code == 200
    assert Session.objects.get(pk=key).expire_date >= before + datetime.timedelta(minutes=30)


def test_an_idle_session_still_ends_on_time(client, official):
    # given requests every 50 seconds: only the first one writes the deadline
    client.force_login(official)
    key = client.session.session_key
    start = timezone.now()
    Session.objects.filter(pk=key).update(expire_date=start + datetime.timedelta(minutes=30))
    assert client.get("/reports/").status_code == 200
    written = Session.objects.get(pk=key).expire_date
    # the deadline is never later than the idle period after the last request
    assert written <= timezone.now() + datetime.timedelta(minutes=30)
    # and once it passes, the session is over
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get("/reports/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_changed_session_is_written_at_once(client, official, rf):
    # given a session whose deadline was written a moment ago
    client.force_login(official)
    key = client.session.session_key
    # when a request changes what the session holds
    request = rf.get("/reports/")
    request.session = SessionStore(key)
    request.session["seen"] = 1
    IdleSessionMiddleware(lambda r: HttpResponse()).process_response(request, HttpResponse())
    # then it is written at once, deadline and all
    assert SessionStore(key)["seen"] == 1
