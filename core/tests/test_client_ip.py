"""The login lockout counts by the client's real address (core/client_ip.py), as deployed:
gunicorn on a unix socket behind nginx, which writes X-Forwarded-For."""

import shutil
from pathlib import Path

import pytest
from django.test import RequestFactory

from core.client_ip import client_ip
from tests.served import Browser, gunicorn, migrated_sqlite, nginx

PASSWORD = "pass-for-tests-1405"


def meta(remote: str, forwarded: str | None = None):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_behind_the_unix_socket_the_client_is_the_address_nginx_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # a forged entry written by the client stays to the left of nginx's own
    assert client_ip(meta("", "6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(meta("", "203.0.113.7")) == "203.0.113.7"
    # no header or garbage: unknown, never the empty string
    assert client_ip(meta("")) is None
    assert client_ip(meta("", "not-an-address")) is None


def test_the_header_is_believed_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(meta("127.0.0.1", "203.0.113.7")) == "203.0.113.7"
    # a client reaching gunicorn directly cannot choose its own address
    assert client_ip(meta("198.51.100.9", "203.0.113.7")) == "198.51.100.9"
    # no proxy in front: the peer is the client, whatever the header says
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(meta("198.51.100.9", "203.0.113.7")) == "198.51.100.9"


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("lockout")
    url = migrated_sqlite(
        tmp_path,
        "from django.contrib.auth import get_user_model",
        f"get_user_model().objects.create_user('staff', password='{PASSWORD}')",
        f"get_user_model().objects.create_user('admin2', password='{PASSWORD}')",
    )
    with gunicorn(tmp_path, DATABASE_URL=url) as served:
        yield served


def test_five_wrong_passwords_lock_that_client_and_only_that_client(served_site):
    attacker = Browser(served_site, "203.0.113.7")
    # given five wrong passwords from one client
    assert [attacker.login("staff", "wrong")[0] for _ in range(5)] == [200, 200, 200, 200, 429]
    # when three more wrong ones and then the right one come from that client
    assert [attacker.login("staff", "wrong")[0] for _ in range(3)] == [429, 429, 429]
    status, body = attacker.login("staff", PASSWORD)
    # then it is refused, in Persian
    assert status == 429
    assert "ورود موقتاً بسته شد" in body and "۱۵ دقیقه" in body
    # and the real user, from another address, still logs in
    assert Browser(served_site, "198.51.100.20").login("staff", PASSWORD)[0] == 302
    # while the attacker's address stays locked
    assert attacker.login("staff", PASSWORD)[0] == 429


def test_without_an_address_failures_are_throttled_per_user_name(served_site):
    # given nginx sent no X-Forwarded-For (every peer of the socket looks alike)
    unknown = Browser(served_site, None)
    # when five wrong passwords come and then the right one
    assert [unknown.login("staff", "wrong")[0] for _ in range(5)] == [200, 200, 200, 200, 429]
    status, body = unknown.login("staff", PASSWORD)
    # then the right one waits a minute (a throttle), not the quarter of an hour of a lock
    assert status == 429
    assert "ورود موقتاً بسته شد" in body and "۱ دقیقه" in body
    # and a client whose address is known is not shut out by it
    assert Browser(served_site, "198.51.100.21").login("staff", PASSWORD)[0] == 302


@pytest.fixture(scope="module")
def behind_nginx(served_site, tmp_path_factory):
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx is not installed (make sysdeps-test installs Debian's nginx)")
    with nginx(tmp_path_factory.mktemp("nginx"), served_site) as front:
        yield front


def test_behind_nginx_five_wrong_passwords_lock_that_machine_and_only_that_machine(behind_nginx):
    # given the nginx site of docs/deploy.md in front of the socket, and a client machine
    # that also writes its own X-Forwarded-For, hoping to be counted as someone else
    attacker = Browser(behind_nginx.client("127.0.0.2"), "6.6.6.6")
    # when it sends five wrong passwords
    assert [attacker.login("admin2", "wrong")[0] for _ in range(5)] == [200, 200, 200, 200, 429]
    # then the right password from that machine is refused too, in Persian, whatever
    # address it now writes in its own header
    attacker.headers["X-Forwarded-For"] = "7.7.7.7"
    status, body = attacker.login("admin2", PASSWORD)
    assert status == 429 and "ورود موقتاً بسته شد" in body
    # and the real user, on another machine, logs in at once
    assert Browser(behind_nginx.client("127.0.0.3"), None).login("admin2", PASSWORD)[0] == 302
