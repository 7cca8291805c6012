"""PostgreSQL restarted under load, for real: clean Persian 5xx during the outage, no hung
request, and the running app recovers by itself.

The test builds its own throwaway cluster (initdb on a free port) and its own gunicorn
with two workers, so the shared PostgreSQL on 5432 is never touched. Roughly 20–30 s.
"""

import glob
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
PASSWORD = "demo-pass-for-fault-test-1405"
REQUEST_TIMEOUT = 10

pytestmark = [
    pytest.mark.pg_fault,
    pytest.mark.skipif(not BIN, reason="PostgreSQL server binaries are not installed"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A throwaway PostgreSQL cluster; as root it runs as the postgres user (initdb refuses root)."""

    def __init__(self, base: Path):
        self.bin = Path(BIN[-1])
        self.data = base / "pgdata"
        self.log = base / "pg.log"
        self.port = free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(base, "postgres")

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{args[0]} failed: {done.stdout}{done.stderr}"

    def init(self) -> None:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}"
        self._run(
            str(self.bin / "pg_ctl"), action, "-D", str(self.data), "-w", "-l", str(self.log), "-o", options, *extra
        )

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"


@pytest.fixture
def cluster():
    # Not under pytest's tmp_path: the postgres user cannot enter root's private folders.
    base = Path(tempfile.mkdtemp(prefix="kj-pg-fault-"))
    c = Cluster(base)
    try:
        c.init()
        c.pg_ctl("start")
        yield c
    finally:
        subprocess.run(
            [*c.as_user, str(c.bin / "pg_ctl"), "stop", "-D", str(c.data), "-m", "immediate"], capture_output=True
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def app(cluster, tmp_path):
    """Migrated and seeded app served by gunicorn (2 workers) on the throwaway cluster."""
    import psycopg2

    conn = psycopg2.connect(cluster.url("postgres"))
    conn.autocommit = True
    conn.cursor().execute("CREATE DATABASE kerman_fault")
    conn.close()
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}}
    env.update(
        DATABASE_URL=cluster.url("kerman_fault"),
        DEBUG="0",
        SECRET_KEY="fault-test-" + "k" * 60,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        MEDIA_ROOT=str(tmp_path / "media"),
        DEMO_PASSWORD=PASSWORD,
    )
    for args in (["migrate", "--noinput", "-v", "0"], ["seed_kerman", "--demo-users"]):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "kerman_jobs.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield {"port": port, "log": tmp_path / "gunicorn.log", "proc": proc}
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


def request(port: int, method: str, path: str, *, body: str = "", cookies: dict | None = None):
    """One request with a hard timeout; returns (status, headers, text). Cookies by hand:
    production marks them Secure, which a cookie jar would not send over plain HTTP."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}/accounts/login/"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def set_cookies(headers) -> dict:
    found = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            found[key] = rest.split(";", 1)[0]
    return found


def log_in(port: int) -> dict:
    status, headers, text = request(port, "GET", "/accounts/login/")
    assert status == 200
    cookies = set_cookies(headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    status, headers, _ = request(
        port,
        "POST",
        "/accounts/login/",
        body=f"csrfmiddlewaretoken={token}&username=official&password={PASSWORD}",
        cookies=cookies,
    )
    assert status == 302, "login failed"
    cookies.update(set_cookies(headers))
    assert "sessionid" in cookies
    return cookies


def test_postgres_restart_under_load_fails_cleanly_and_recovers_without_restarting_the_app(cluster, app):
    port = app["port"]
    cookies = log_in(port)
    # given the dashboard works for a logged-in official
    status, _, text = request(port, "GET", "/", cookies=cookies)
    assert status == 200 and "۱۴٬۰۰۰" in text

    # when requests keep coming while PostgreSQL is restarted (fast shutdown drops every connection)
    results: list[tuple[int, str]] = []
    errors: list[str] = []
    stop = threading.Event()

    def load():
        while not stop.is_set() and len(results) < 2000:
            try:
                status, _, text = request(port, "GET", "/", cookies=cookies)
                results.append((status, text))
            except Exception as exc:  # a timeout or a dropped connection is a failure of this test
                errors.append(repr(exc))

    workers = [threading.Thread(target=load) for _ in range(3)]
    for w in workers:
        w.start()
    time.sleep(1)
    cluster.pg_ctl("restart", "-m", "fast")
    time.sleep(1)
    stop.set()
    for w in workers:
        w.join(timeout=60)

    # then no request hung or was cut off, and each got a page or a clean error page
    assert errors == []
    assert results
    statuses = [status for status, _ in results]
    assert set(statuses) == {200, 500}, "the restart should fall inside the load"
    assert all("سامانه موقتاً در دسترس نیست" in text for status, text in results if status == 500)

    # when PostgreSQL is down for a while
    cluster.pg_ctl("stop", "-m", "fast")
    outage = [request(port, "GET", "/", cookies=cookies) for _ in range(6)]
    # then pages that need the database answer at once with the Persian error page
    for status, headers, text in outage:
        assert status == 500
        assert "سامانه موقتاً در دسترس نیست" in text
        assert "Traceback" not in text and "OperationalError" not in text
        assert dict((k.lower(), v) for k, v in headers)["content-type"].startswith("text/html")
    # and the login page, which needs no database, still loads
    assert request(port, "GET", "/accounts/login/")[0] == 200
    # and the health probe names the database, at once (a refused connection, not a timeout)
    status, headers, text = request(port, "GET", "/healthz")
    assert (status, json.loads(text)) == (503, {"database": "down", "cache": "ok", "broker": "ok"})

    # when PostgreSQL comes back, then the same gunicorn serves every request again
    cluster.pg_ctl("start")
    after = [request(port, "GET", "/", cookies=cookies) for _ in range(10)]
    assert [status for status, _, _ in after] == [200] * 10
    assert all("۱۴٬۰۰۰" in text for _, _, text in after)
    assert app["proc"].poll() is None
    status, _, text = request(port, "GET", "/healthz")
    assert (status, json.loads(text)) == (200, {"database": "ok", "cache": "ok", "broker": "ok"})
    # and a new login works too (a write: session row and login record)
    assert "sessionid" in log_in(port)
