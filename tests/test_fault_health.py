# ruff: noqa: F811  (own_redis is a fixture imported from its module)
"""The health probe when Redis fails for real: stopped (a throwaway redis-server, killed and
started again) and hung (a socket that accepts and never answers, behind gunicorn). Either
way /healthz answers 503 naming the cache and the broker, and never hangs the worker.
PostgreSQL stopped: tests/test_fault_postgres.py."""

import json
import shutil
import socket
import threading

import pytest

from tests.served import gunicorn, served_database_url

from .test_fault_redis import own_redis, start_redis, stop_redis  # noqa: F401
from .test_fault_redis_reports import celery_broker

pytestmark = pytest.mark.django_db

ALL_OK = {"database": "ok", "cache": "ok", "broker": "ok"}
REDIS_DOWN = {"database": "ok", "cache": "down", "broker": "down"}


@pytest.mark.redis_fault
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
def test_healthz_names_cache_and_broker_while_redis_is_stopped(client, own_redis, caplog):
    # given a throwaway Redis as both the cache and Celery's broker
    with celery_broker(f"redis://127.0.0.1:{own_redis['port']}/0"):
        response = client.get("/healthz")
        assert (response.status_code, response.json()) == (200, ALL_OK)

        # when that Redis is killed
        stop_redis(own_redis["proc"])
        response = client.get("/healthz")
        # then the probe says which parts are down, and nothing else (no host, port or error)
        assert response.status_code == 503
        assert response.json() == REDIS_DOWN
        assert str(own_redis["port"]) not in response.content.decode()
        # and the 503 is not logged as a server error (that would mail ADMINS at every probe);
        # the log says what failed instead
        assert [r.name for r in caplog.records if r.name == "django.request"] == []
        assert {r.getMessage() for r in caplog.records if r.name == "kerman_jobs.health"} == {
            "health: the cache lost a value written a moment ago",
            "health: the Celery broker does not answer",
        }

        # when Redis comes back, then so does the health, without a restart
        own_redis["proc"] = start_redis(own_redis["port"])
        response = client.get("/healthz")
        assert (response.status_code, response.json()) == (200, ALL_OK)


@pytest.fixture
def hung_redis():
    """A "Redis" on 127.0.0.1 that accepts every connection and never answers a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_hold():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept_and_hold, daemon=True)
    thread.start()
    yield {"port": server.getsockname()[1], "held": held}
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    server.close()


def test_a_hung_redis_gives_503_instead_of_a_hung_worker(tmp_path, hung_redis):
    # given the site served as deployed with REDIS_URL pointing at a Redis that never answers
    redis_url = f"redis://127.0.0.1:{hung_redis['port']}/0"
    with gunicorn(tmp_path, DATABASE_URL=served_database_url(tmp_path), REDIS_URL=redis_url) as served:
        # when the probe asks (the request gives up after 20 s, gunicorn's worker after 30 s)
        status, _, body = served.get("/healthz")
    # then it answers 503 naming the cache and the broker, which it did try to reach
    assert status == 503
    assert json.loads(body) == REDIS_DOWN
    assert len(hung_redis["held"]) >= 2
