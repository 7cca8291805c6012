"""Logs and error reports of the running site, for real: gunicorn on its unix socket with
LOG_FORMAT=json writes only JSON lines for a failing request; ADMINS get the error by mail;
SENTRY_DSN sends the error to a Sentry server (here a small HTTP server in a thread); a real
Celery worker writes JSON lines too.

The failing request: the site on a SQLite file with no tables, asked for the dashboard with a
session cookie, fails loading the session (OperationalError: no such table), as it would
with its database gone. Django reports two errors for it: the view's, and the session
middleware's when it reads the session again for the response.
"""

import email
import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from kerman_jobs.celery import app as celery_app
from reports import services
from reports.models import Report
from reports.tests.test_tasks import wait_for
from tests.served import gunicorn, served_database_url

SESSION_COOKIE = "sessionid=the-session-key-that-must-not-leave-1405"
# As nginx sends it: over TLS, so the page is not redirected to https.
AS_FROM_NGINX = {"X-Forwarded-Proto": "https", "Cookie": SESSION_COOKIE}
FAILURE = "no such table: django_session"


def failing_site(tmp_path: Path, **env: str):
    return gunicorn(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}", **env)


def json_lines(path: Path) -> list[dict]:
    """Every line of the file as JSON; a line that is not JSON fails the test, named."""
    records = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(f"{path.name} line {number} is not JSON: {line!r}")
    return records


def test_with_log_format_json_every_line_of_a_failing_request_is_json(tmp_path):
    mail = tmp_path / "mail"
    # given the site served with LOG_FORMAT=json and no ADMINS
    with failing_site(
        tmp_path,
        LOG_FORMAT="json",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail),
    ) as served:
        # when a page fails on the database
        status, _, body = served.get("/", AS_FROM_NGINX)
        assert status == 500
        assert "سامانه موقتاً در دسترس نیست" in body
    # then every line gunicorn and Django wrote, from start to stop, is one JSON object
    records = json_lines(served.stderr)
    assert served.stdout.read_text() == ""
    assert all(set(r) >= {"time", "level", "logger", "message"} for r in records)
    loggers = {r["logger"] for r in records}
    assert {"gunicorn.error", "gunicorn.access", "django.request"} <= loggers
    # and each error carries its traceback in "exception", inside its one line
    errors = [r for r in records if r["logger"] == "django.request"]
    assert [(r["level"], r["message"], r["status_code"]) for r in errors] == [
        ("ERROR", "Internal Server Error: /", 500)
    ] * 2
    for error in errors:
        assert error["exception"].startswith("Traceback (most recent call last):")
        assert error["exception"].endswith(f"OperationalError: {FAILURE}")
    [access] = [r for r in records if r["logger"] == "gunicorn.access"]
    assert '"GET / HTTP/1.1" 500' in access["message"]
    # and without ADMINS no one is mailed
    assert not mail.exists()


def test_server_errors_are_mailed_to_admins(tmp_path):
    mail = tmp_path / "mail"
    # given ADMINS and SERVER_EMAIL set, in plain-text logging
    with failing_site(
        tmp_path,
        ADMINS="مدیر فنی <ops@example.ir>, second@example.ir",
        SERVER_EMAIL="errors@example.ir",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(mail),
    ) as served:
        # when a page fails
        assert served.get("/", AS_FROM_NGINX)[0] == 500
        # and the probe answers, which is no error
        assert served.get("/healthz")[0] == 200
    # then each of the request's two errors was mailed to both admins, from SERVER_EMAIL
    sent = sorted(mail.iterdir())
    assert len(sent) == 2
    for path in sent:
        message = email.message_from_string(path.read_text().split("\n" + "-" * 79 + "\n")[0])
        assert message["To"] == "ops@example.ir, second@example.ir"
        assert message["From"] == "errors@example.ir"
        assert message["Subject"].endswith("ERROR (EXTERNAL IP): Internal Server Error: /")
        assert FAILURE in message.get_payload(decode=True).decode()
    # and the log lines are plain text, not JSON
    assert served.stderr.read_text().splitlines()[0].endswith("INFO gunicorn.error: Starting gunicorn 27.0.1")


@pytest.fixture
def sentry_server():
    """A stand-in for Sentry's ingest: an HTTP server on 127.0.0.1 that keeps every request."""
    received: list[tuple[str, str]] = []

    class Ingest(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli  # installed with WeasyPrint's fonttools; sentry-sdk prefers it

                body = brotli.decompress(body)
            received.append((self.path, body.decode()))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ingest)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"port": server.server_address[1], "received": received}
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def events(received: list[tuple[str, str]]) -> list[dict]:
    """The error events among the envelopes received (an envelope: a header line, then an
    item header line and its payload line per item)."""
    found = []
    for _, envelope in received:
        lines = envelope.splitlines()
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_with_sentry_dsn_a_server_error_reaches_sentry_without_personal_data(tmp_path, sentry_server):
    # given SENTRY_DSN pointing at the stand-in server
    dsn = f"http://publickey@127.0.0.1:{sentry_server['port']}/7"
    with failing_site(tmp_path, SENTRY_DSN=dsn) as served:
        # when a page fails
        assert served.get("/", AS_FROM_NGINX)[0] == 500
        # then an event arrives (sent from a background thread: wait for it)
        wait_for(lambda: len(events(sentry_server["received"])) == 2, "Sentry's events")
    assert {path for path, _ in sentry_server["received"]} == {"/api/7/envelope/"}
    # naming the exception and the page (both of the request's errors)
    reported = events(sentry_server["received"])
    assert [(e["exception"]["values"][-1]["type"], e["exception"]["values"][-1]["value"]) for e in reported] == [
        ("OperationalError", FAILURE)
    ] * 2
    assert {e["request"]["url"] for e in reported} == {"https://tracker.example.ir/"}
    # and nowhere the session key: not as the cookie (send_default_pii is off), nor as a
    # variable of a frame of the traceback (include_local_variables is off)
    assert "the-session-key-that-must-not-leave" not in "".join(body for _, body in sentry_server["received"])
    frames = [f for e in reported for f in e["exception"]["values"][-1]["stacktrace"]["frames"]]
    assert frames and not any("vars" in f for f in frames)


def test_without_sentry_dsn_sentry_is_not_even_loaded():
    read = "import sys, django; django.setup(); print('sentry_sdk' in sys.modules)"
    env = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"}
    out = subprocess.run([sys.executable, "-c", read], cwd=django_settings.BASE_DIR, env=env, capture_output=True)
    assert out.stdout.decode().split() == ["False"]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_logs_json_lines(tmp_path, official, settings):
    # The same conditions as reports/tests/test_tasks.py's real_stack: the worker is another
    # process and needs the broker and the tests' database.
    missing = []
    if not django_settings.REDIS_URL:
        missing.append("REDIS_URL is not set")
    if connection.vendor != "postgresql":
        missing.append("the worker needs a database it can share with the tests: set DATABASE_URL to PostgreSQL")
    if missing:
        reason = "real Celery worker tests: " + "; ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    settings.REPORT_QUEUE = queue = f"reports-log-test-{uuid.uuid4().hex[:10]}"
    celery_app.conf.task_always_eager = False  # the shared fixture puts it back after the test
    stdout, stderr = tmp_path / "worker.out", tmp_path / "worker.err"
    # given a worker started as the deploy unit starts it, with LOG_FORMAT=json
    with stdout.open("w") as out, stderr.open("w") as err:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "kerman_jobs", "--quiet", "worker", "--loglevel", "INFO"),
                *("--pool=solo", "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle"),
            ],
            cwd=django_settings.BASE_DIR,
            env={
                **os.environ,
                "LOG_FORMAT": "json",
                "DATABASE_URL": served_database_url(tmp_path),
                "REDIS_URL": django_settings.REDIS_URL,
                "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
                "CONN_MAX_AGE": "0",
            },
            stdout=out,
            stderr=err,
        )
    try:
        # when it builds a report
        report = services.report_request(actor=official, kind="credits")

        def built() -> bool:
            assert worker.poll() is None, f"the worker stopped: {stderr.read_text()[-2000:]}"
            return Report.objects.get(pk=report.pk).status == "ready"

        wait_for(built, "the worker to build the report")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue)
    # then everything it logged is JSON lines, its own start and the task's end included
    records = json_lines(stderr)
    messages = [(r["logger"], r["level"], r["message"]) for r in records]
    assert ("celery.apps.worker", "INFO", f"{queue}@{os.uname().nodename} ready.") in messages
    [done] = [r for r in records if r["logger"] == "celery.app.trace"]
    assert done["level"] == "INFO"
    assert done["message"].startswith("Task reports.tasks.build_report_task[") and done["message"].endswith(": 'ready'")
