"""Measurements for `make bench`: page times and queries, SQL alone, report builds, export, import, load, API."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

BASE_DIR = Path(settings.BASE_DIR)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


@contextmanager
def sql_timer():
    """Times every statement the page runs, as the database driver sees it."""
    spent = {"seconds": 0.0}

    def wrapper(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["seconds"] += time.perf_counter() - start

    with connection.execute_wrapper(wrapper):
        yield spent


DECLARE = re.compile(r'^DECLARE "[^"]+" NO SCROLL CURSOR WITH(?:OUT)? HOLD FOR (.*)$', re.S)


def replay_sql(captured: list[dict]) -> float:
    """Runs the page's captured statements again, alone, and returns their time.

    CaptureQueriesContext keeps the SQL with parameters already interpolated (psycopg2's
    own mogrified text), which PostgreSQL accepts as-is; executed without parameters,
    psycopg2 does no %-interpolation of its own.
    """
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for q in captured:
            sql = q["sql"]
            if sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
                continue
            # A server-side cursor (QuerySet.iterator) is captured as DECLARE … FOR SELECT;
            # replay the SELECT itself, which is the work the database did.
            declared = DECLARE.match(sql)
            if declared:
                sql = declared.group(1)
            cursor.execute(sql)
            if cursor.description:
                cursor.fetchall()
    return time.perf_counter() - start


def measure_page(client: Client, name: str, url: str, requests: int) -> dict:
    # One request first: it fills caches the way a user's first visit of the day does,
    # and its time is reported as "first".
    first_start = time.perf_counter()
    response = client.get(url)
    first = time.perf_counter() - first_start
    if response.status_code != 200:
        raise SystemExit(f"{name}: {url} answered {response.status_code}")
    times, sql_times = [], []
    captured = None
    for _ in range(requests):
        with CaptureQueriesContext(connection) as ctx, sql_timer() as spent:
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
        sql_times.append(spent["seconds"])
        captured = ctx.captured_queries
        assert response.status_code == 200
    # The same page's SQL alone, without the cache: the statements of an uncached run.
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        cold_start = time.perf_counter()
        client.get(url)
        cold_time = time.perf_counter() - cold_start
    replays = [replay_sql(cold.captured_queries) for _ in range(5)]
    sql_alone = statistics.median(replays)
    median = statistics.median(times)
    return {
        "name": f"page.{name}",
        "url": url,
        "requests": requests,
        "median_ms": round(median * 1000, 1),
        "p95_ms": round(percentile(times, 95) * 1000, 1),
        "first_ms": round(first * 1000, 1),
        "uncached_ms": round(cold_time * 1000, 1),
        "queries": len(captured or []),
        "uncached_queries": len(cold.captured_queries),
        "sql_in_page_median_ms": round(statistics.median(sql_times) * 1000, 1),
        "sql_alone_ms": round(sql_alone * 1000, 1),
        "page_to_sql_ratio": round(median / sql_alone, 2) if sql_alone else None,
        "uncached_page_to_sql_ratio": round(cold_time / sql_alone, 2) if sql_alone else None,
    }


def run_measured(args: list[str], env: dict | None = None, timeout: int = 1800) -> dict:
    """Runs a manage.py command in its own process; returns wall time and peak RSS."""
    cmd = ["/usr/bin/time", "-f", "__peak_kb=%M", sys.executable, str(BASE_DIR / "manage.py"), *args]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env or os.environ.copy(), timeout=timeout)
    elapsed = time.perf_counter() - start
    match = re.search(r"__peak_kb=(\d+)", proc.stderr)
    return {
        "seconds": round(elapsed, 2),
        "peak_mb": round(int(match.group(1)) / 1024, 1) if match else None,
        "exit_code": proc.returncode,
        "output_tail": (proc.stdout + proc.stderr).strip().splitlines()[-3:],
        # A command that prints `__result=<json>` hands its own figures back.
        "result": next(
            (json.loads(line[len("__result=") :]) for line in proc.stdout.splitlines() if line.startswith("__result=")),
            None,
        ),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn_server(extra_env: dict | None = None):
    """gunicorn with 2 workers on a free port, as deployed; yields the port, stops it after."""
    port = free_port()
    env = os.environ.copy()
    env.setdefault("DEBUG", "1")
    env.update(extra_env or {})
    log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "kerman_jobs.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(BASE_DIR),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def load_run(session_cookie: str, seconds: int = 30, connections: int = 8) -> dict:
    """gunicorn with 2 workers, wrk against the dashboard as a logged-in official."""
    if not shutil.which("wrk"):
        return {"name": "load.dashboard", "error": "wrk is not installed (apt-get install wrk)"}
    with gunicorn_server() as port:
        url = f"http://127.0.0.1:{port}/"
        header = f"Cookie: {settings.SESSION_COOKIE_NAME}={session_cookie}"
        # Warm both workers before measuring.
        subprocess.run(["wrk", "-t2", "-c2", "-d3s", "-H", header, url], capture_output=True, timeout=60)
        proc = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", header, url],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
        out = proc.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return {
        "name": "load.dashboard",
        "seconds": seconds,
        "connections": connections,
        "gunicorn_workers": 2,
        "requests": int(total.group(1)) if total else None,
        "requests_per_second": float(rps.group(1)) if rps else None,
        "p99_ms": round(float(p99.group(1)) * scale[p99.group(2)], 1) if p99 else None,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "none",
        "raw": out,
    }


def api_post_run(port: int, token: str, bodies: list[dict], *, path: str, connections: int = 4) -> dict:
    """POST each body as JSON to the API on `connections` keep-alive connections at once,
    each with an Idempotency-Key as a bank's client sends it; latency per request and the
    whole run's requests per second."""
    import http.client
    import threading
    import uuid

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    queue = list(enumerate(bodies))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not queue:
                    break
                _, body = queue.pop()
            payload = json.dumps(body).encode()
            start = time.perf_counter()
            conn.request("POST", path, body=payload, headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
            answer = conn.getresponse()
            answer.read()
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(elapsed)
                statuses[answer.status] = statuses.get(answer.status, 0) + 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "connections": connections,
        "gunicorn_workers": 2,
        "seconds": round(wall, 1),
        "requests_per_second": round(len(latencies) / wall, 1) if wall else None,
        "median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
        "p99_ms": round(percentile(latencies, 99), 1) if latencies else None,
        "non_2xx": sum(n for status, n in statuses.items() if not 200 <= status < 300),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }


LOGIN_CODE = """
import json
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
keys = {}
for name in NAMES:
    client = Client()
    client.force_login(get_user_model().objects.get(username=name))
    keys[name] = client.cookies[settings.SESSION_COOKIE_NAME].value
print(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME, "keys": keys}))
"""

WRK_SCRIPT = """
-- Generated by kerman_jobs/benchmark/measure.py: officials' and staff's pages in turn,
-- and a staff member's progress entry (a write) every WRITE_EVERY requests.
local plan = PLAN
local i = 0
bad = 0
login = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) i = math.random(#plan) end
function request()
  i = i + 1
  local r = plan[(i % #plan) + 1]
  return wrk.format(r[1], r[2], r[3], r[4])
end
function response(status, headers, body)
  if status >= 400 then bad = bad + 1 end
  local to = headers["Location"] or ""
  if status == 302 and string.find(to, "/accounts/login", 1, true) then login = login + 1 end
end
function done(summary, latency, requests)
  local b, l = 0, 0
  for _, t in ipairs(threads) do b = b + t:get("bad"); l = l + t:get("login") end
  io.write(string.format("bad_status: %d\\nlogin_redirects: %d\\n", b, l))
end
"""


def _lua(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{json.dumps(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(_lua(v) for v in value) + "}"
    return json.dumps(value)


def load_run_mixed(pages, *, entry_commitment, seconds: int = 30, connections: int = 8, write_every: int = 10) -> dict:
    """gunicorn (2 workers, DEBUG off, as deployed) and wrk: each connection walks the
    officials' and the staff member's pages in turn, and one request in `write_every` is
    a staff member's progress entry (a write, which also empties the figure cache)."""
    from django.middleware.csrf import _get_new_csrf_string
    from django.urls import reverse

    name = "load.mixed"
    if not shutil.which("wrk"):
        return {"name": name, "error": "wrk is not installed (apt-get install wrk)"}
    import secrets

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR",
    }
    users = sorted({user.username for _, _, user in pages})
    login = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "shell", "-c", f"NAMES = {users!r}\n{LOGIN_CODE}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    sessions = json.loads(login.stdout.strip().splitlines()[-1])
    csrf = _get_new_csrf_string()

    def headers(user, post=False):
        h = {"Cookie": f"{sessions['cookie']}={sessions['keys'][user.username]}; {sessions['csrf']}={csrf}"}
        if post:
            h |= {"X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded"}
        return h

    reads = [("GET", url, headers(user)) for _, url, user in pages]
    names = [page for page, _, _ in pages]
    staff = next(user for page, _, user in pages if page.startswith("staff_"))
    write = (
        "POST",
        reverse("commitments:entry_create", args=[entry_commitment.pk]),
        headers(staff, post=True),
        "period_end=1405/06/31&jobs_created=1&note=bench-load",
    )
    plan, r = [], 0
    while len(plan) < max(len(reads), write_every) * 2:
        plan.append(write if len(plan) % write_every == write_every - 1 else reads[r % len(reads)])
        if plan[-1] is not write:
            r += 1
    script = tempfile.NamedTemporaryFile("w", prefix="wrk-", suffix=".lua", delete=False)
    script.write(WRK_SCRIPT.replace("PLAN", _lua(plan)))
    script.close()
    overrides = {k: v for k, v in env.items() if os.environ.get(k) != v}
    try:
        with gunicorn_server(overrides) as port:
            base = f"http://127.0.0.1:{port}"
            checked = _check_plan(base, [*zip(names, reads, strict=True), ("write_entry", write)])
            subprocess.run(["wrk", "-t2", "-c2", "-d3s", "-s", script.name, base], capture_output=True, timeout=120)
            proc = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "--latency",
                    "-s",
                    script.name,
                    base,
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 120,
            )
            out = proc.stdout
    finally:
        os.unlink(script.name)
    figures = _wrk_figures(out)
    bad = re.search(r"bad_status: (\d+)", out)
    logins = re.search(r"login_redirects: (\d+)", out)
    socket_errors = sum(int(n) for n in re.findall(r"\w+ (\d+)", figures["socket_errors"]))
    failed = (int(bad.group(1)) if bad else 0) + (int(logins.group(1)) if logins else 0) + socket_errors
    return {
        "name": name,
        "seconds": seconds,
        "connections": connections,
        "gunicorn_workers": 2,
        "debug": False,
        "pages": [p for p, _, _ in pages],
        "writes_share": round(1 / write_every, 2),
        "first_answers": checked,
        **figures,
        # wrk counts 4xx/5xx as non-2xx-or-3xx; a redirect to the login page would hide a
        # lost session, so it is counted apart.
        "status_4xx_5xx": int(bad.group(1)) if bad else None,
        "login_redirects": int(logins.group(1)) if logins else None,
        # The names for the same figures: rps, and errors = 4xx/5xx + login
        # redirects + socket errors (connect, read, write, timeout).
        "rps": figures["requests_per_second"],
        "errors": failed,
        "raw": out,
    }


def _check_plan(base: str, named) -> dict:
    """One request of each kind before the load: each page answers 200, the write a redirect
    that is not to the login page; otherwise the load would measure error pages."""
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    answers = {}
    for name, (method, url, headers, *body) in named:
        request = urllib.request.Request(
            base + url, method=method, headers=headers, data=body[0].encode() if body else None
        )
        try:
            with opener.open(request, timeout=120) as response:
                answers[name] = response.status
        except urllib.error.HTTPError as exc:
            answers[name] = f"{exc.code} {exc.headers.get('Location', '')}".strip()
    return answers


def _wrk_figures(out: str) -> dict:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return {
        "requests": int(total.group(1)) if total else None,
        "requests_per_second": float(rps.group(1)) if rps else None,
        "p99_ms": round(float(p99.group(1)) * scale[p99.group(2)], 1) if p99 else None,
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "none",
    }


def write_results(results: list[dict], path: Path) -> None:
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2))
