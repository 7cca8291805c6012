"""GET /healthz: 200 and three "ok"s when the database, the cache and the broker answer; no
login, no redirect, no session, no lockout. Served by gunicorn on a unix socket as deployed.
The probe under faults (Redis stopped or hung, PostgreSQL stopped) is in tests/test_fault_*.py."""

import json

import pytest
from django.contrib.sessions.models import Session

from tests.served import gunicorn, served_database_url, served_redis_env

ALL_OK = {"database": "ok", "cache": "ok", "broker": "ok"}

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_for_the_database_cache_and_broker_in_use(client):
    # given this run's parts (SQLite, locmem and in-process tasks; or PostgreSQL and Redis)
    # when anyone asks, without logging in
    response = client.get("/healthz")
    # then all three answer, as JSON that no cache keeps
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == ALL_OK
    assert "no-store" in response["Cache-Control"]


def test_healthz_is_not_redirected_to_https_and_writes_no_session(client, settings):
    # given a deployment's settings: plain http is redirected to https
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    # when a probe asks over plain http (systemd or a monitor on gunicorn's socket)
    response = client.get("/healthz")
    # then it is answered, and no session or cookie comes of it
    assert (response.status_code, response.json()) == (200, ALL_OK)
    assert response.cookies == {}
    assert Session.objects.count() == 0


def test_healthz_answers_while_logins_from_the_same_address_are_locked_out(client, staff):
    # given five wrong passwords from this address have locked the login
    for _ in range(5):
        client.post("/accounts/login/", {"username": "staff", "password": "wrong"})
    assert client.post("/accounts/login/", {"username": "staff", "password": "wrong"}).status_code == 429
    # when the probe asks from the same address, again and again
    answers = [client.get("/healthz") for _ in range(10)]
    # then every answer is the health, not the lockout page
    assert [(r.status_code, r.json()) for r in answers] == [(200, ALL_OK)] * 10


def test_healthz_only_reads(client):
    response = client.post("/healthz")
    assert response.status_code == 405


def test_healthz_through_gunicorn_on_its_unix_socket(tmp_path):
    # given the site served as deployed: gunicorn on a unix socket, DEBUG off, HTTPS redirect
    # on, on this run's database (and Redis, when the run has one)
    with gunicorn(tmp_path, DATABASE_URL=served_database_url(tmp_path), **served_redis_env()) as served:
        # when a probe on the machine asks over the socket, plain http, without X-Forwarded-Proto
        status, headers, body = served.get("/healthz")
        # then it gets the health as JSON, not a redirect
        assert status == 200
        assert headers["content-type"] == "application/json"
        assert json.loads(body) == ALL_OK
        assert "set-cookie" not in headers
        # and a page is still redirected, so the exemption is the probe's alone
        assert served.get("/accounts/login/")[0] == 301
