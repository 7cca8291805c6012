"""Redis hung (SIGSTOP: it keeps accepting connections and never answers) behind the site as
deployed: gunicorn on its unix socket, with that Redis as cache and Celery broker. A report
asked for then is kept «در صف» with the Persian word that the queue is unreachable, and the
dashboard renders: each Redis call gives up after about a second instead of holding the
worker until gunicorn kills it. Redis refusing connections: test_fault_redis*.py."""

import os
import shutil
import signal
import sqlite3

import pytest

from core.roles import OFFICIALS_GROUP
from reports.views import BROKER_DOWN
from tests.served import Browser, gunicorn, migrated_sqlite

from .test_fault_redis import free_port, start_redis, stop_redis

pytestmark = [
    pytest.mark.redis_fault,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]

PASSWORD = "pass-for-tests-1405"


@pytest.fixture
def stoppable_redis():
    port = free_port()
    proc = start_redis(port)
    yield {"port": port, "proc": proc}
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGCONT)
        stop_redis(proc)


def test_a_report_asked_for_while_redis_hangs_stays_queued_and_the_dashboard_renders(tmp_path, stoppable_redis):
    # given the site served as deployed, on a Redis that works, and an official logged in
    database_url = migrated_sqlite(
        tmp_path,
        "from django.contrib.auth.models import Group, User",
        f"user = User.objects.create_user('official', password='{PASSWORD}')",
        f"user.groups.add(Group.objects.get_or_create(name='{OFFICIALS_GROUP}')[0])",
    )
    redis_url = f"redis://127.0.0.1:{stoppable_redis['port']}/0"
    with gunicorn(tmp_path, DATABASE_URL=database_url, REDIS_URL=redis_url) as served:
        browser = Browser(served, "203.0.113.7")
        assert browser.login("official", PASSWORD)[0] == 302
        assert browser.get("/")[0] == 200

        # when Redis hangs (each request below gives up after 20 s; gunicorn's worker after 30 s)
        os.kill(stoppable_redis["proc"].pid, signal.SIGSTOP)
        status, headers, _ = browser.post("/reports/request/", {"kind": "credits"})

        # then the request is answered: back to the list, which says in Persian that it waits
        assert status == 302
        assert headers["location"].startswith("/reports/#report-")
        status, _, page = browser.get("/reports/")
        assert status == 200
        assert BROKER_DOWN.format(kind="اعتبارات") in page
        # and the dashboard still renders
        status, _, page = browser.get("/")
        assert status == 200
        assert "<h1" in page
        # and no worker was killed for it
        assert "WORKER TIMEOUT" not in served.stderr.read_text()

    # and the report is kept, pending and never handed to the broker (the sweep sends it later)
    with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
        assert db.execute("SELECT kind, status, enqueued_at FROM reports_report").fetchall() == [
            ("credits", "pending", None)
        ]
