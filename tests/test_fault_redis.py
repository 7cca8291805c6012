"""Redis stopped for real: pages and data entry keep working, the cache comes back by itself.

The test runs its own throwaway redis-server on a free port and kills that one; the
shared Redis on 6379 (broker for other tests and helpers) is never touched.
"""

import datetime
import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from commitments import services
from commitments.models import ProgressEntry
from core import cache as tolerant_cache

pytestmark = [
    pytest.mark.redis_fault,
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("throwaway redis-server did not start")


def stop_redis(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait(timeout=10)


@pytest.fixture
def own_redis(monkeypatch):
    port = free_port()
    proc = start_redis(port)
    # No back-off between tries, so the test sees recovery at once.
    monkeypatch.setattr(tolerant_cache, "RETRY_AFTER_SECONDS", 0.0)
    caches = {
        "default": {
            "BACKEND": "core.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "kerman_jobs_fault_test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    state = {"port": port, "proc": proc}
    with override_settings(CACHES=caches):
        yield state
    if state["proc"].poll() is None:
        stop_redis(state["proc"])


def test_redis_stopped_pages_and_data_entry_keep_working(client, official, staff, commitment, admin_user, own_redis):
    # given the cache works against a live Redis
    cache.set("probe", "up", 60)
    assert cache.get("probe") == "up"
    client.force_login(official)
    assert client.get("/").status_code == 200
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/commitments/progressentry/").status_code == 200

    # when that Redis is killed
    stop_redis(own_redis["proc"])

    # then the cache answers "nothing cached" instead of failing
    assert cache.get("probe") is None
    assert cache.get("probe", "fallback") == "fallback"
    cache.set("probe", "ignored", 60)
    assert cache.get_many(["probe", "other"]) == {}
    assert cache.add("fresh", 1) is False
    with pytest.raises(ValueError):
        cache.incr("counter")
    cache.delete("probe")

    # and pages still load, for the admin and for an official
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/commitments/progressentry/").status_code == 200
    client.force_login(official)
    assert client.get("/").status_code == 200

    # and data entry writes, with its history
    entry = services.progress_entry_create(
        actor=staff, commitment=commitment, period_end=datetime.date(2026, 5, 1), jobs_created=12, note="بدون ردیس"
    )
    stored = ProgressEntry.objects.get(pk=entry.pk)
    assert (stored.jobs_created, stored.note, stored.entered_by) == (12, "بدون ردیس", staff)
    assert stored.history.count() == 1

    # when Redis comes back on the same port, then the cache is used again without a restart
    own_redis["proc"] = start_redis(own_redis["port"])
    cache.set("probe", "back", 60)
    assert cache.get("probe") == "back"


def test_an_unreachable_redis_costs_one_failed_call_not_one_per_lookup(monkeypatch, own_redis):
    # given Redis is down and the back-off is on
    stop_redis(own_redis["proc"])
    monkeypatch.setattr(tolerant_cache, "RETRY_AFTER_SECONDS", 60.0)
    calls = []
    client_cls = tolerant_cache.TolerantRedisCacheClient
    original = client_cls.get_client

    def counting_get_client(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(client_cls, "get_client", counting_get_client)
    # when a page makes many cache lookups
    for n in range(20):
        assert cache.get(f"k{n}") is None
    # then Redis was tried once and skipped afterwards
    assert len(calls) == 1


def test_clearing_the_cache_leaves_the_celery_queue_in_the_same_database(own_redis):
    import redis

    # given a queued Celery message and cached values in the same Redis database
    raw = redis.Redis(port=own_redis["port"])
    raw.lpush("celery", "a queued report request")
    cache.set_many({"figure": 1, "other": 2}, 60)
    # when the cache is cleared
    assert cache.clear() is True
    # then the cached values are gone and the queue is untouched
    assert cache.get_many(["figure", "other"]) == {}
    assert raw.lrange("celery", 0, -1) == [b"a queued report request"]
