"""The site served as docs/deploy.md deploys it, for tests that need the real thing: gunicorn
started from the project folder (so it reads gunicorn.conf.py), bound to a unix socket,
DEBUG off with the HTTPS redirect on, and raw HTTP requests over that socket as nginx sends
them. gunicorn's stdout and stderr are kept apart, in files the test can read."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
HOST = "tracker.example.ir"
REQUEST_TIMEOUT = 20  # seconds; gunicorn's own worker timeout below is 30
# What the served process must not inherit from the test run: each test sets what it needs.
NOT_INHERITED = {
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "REDIS_URL",
    "LOG_FORMAT",
    "LOG_LEVEL",
    "ADMINS",
    "SERVER_EMAIL",
    "SENTRY_DSN",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
}


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over AF_UNIX, as `curl --unix-socket` or nginx's upstream do."""

    def __init__(self, path: Path, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self.socket_path = str(path)

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


@dataclass
class Served:
    socket: Path
    stdout: Path
    stderr: Path
    proc: subprocess.Popen

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
        """One GET with a hard timeout: a hung worker fails the test instead of hanging it."""
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict, headers: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(form)
        form_headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return self.request("POST", path, body=body, headers=form_headers)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        conn = UnixHTTPConnection(self.socket, REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = conn.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            if "set-cookie" in headers:  # one line each, kept apart (an expiry date holds a comma)
                headers["set-cookie"] = "\n".join(response.headers.get_all("Set-Cookie"))
            return response.status, headers, response.read().decode()
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop gunicorn and wait, so that everything it wrote is in the files."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Browser:
    """One client behind nginx (X-Forwarded-Proto https, its address in X-Forwarded-For when
    given), with its own cookies and CSRF token, as a browser keeps them."""

    def __init__(self, served: Served, address: str | None = None):
        self.served = served
        self.headers = {"X-Forwarded-Proto": "https", "Origin": f"https://{HOST}"}
        if address:
            self.headers["X-Forwarded-For"] = address
        self.cookies: dict[str, str] = {}
        status, _, body = self.get("/accounts/login/")
        assert status == 200, body[:500]
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

    def _keep(self, headers: dict) -> None:
        for cookie in headers.get("set-cookie", "").splitlines():
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";")[0]
        if "csrftoken" in self.cookies:
            self.token = self.cookies["csrftoken"]

    def _headers(self) -> dict:
        return {**self.headers, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    def get(self, path: str) -> tuple[int, dict, str]:
        status, headers, body = self.served.get(path, self._headers())
        self._keep(headers)
        return status, headers, body

    def post(self, path: str, form: dict) -> tuple[int, dict, str]:
        status, headers, body = self.served.post(path, {**form, "csrfmiddlewaretoken": self.token}, self._headers())
        self._keep(headers)
        return status, headers, body

    def login(self, username: str, password: str) -> tuple[int, str]:
        status, _, body = self.post("/accounts/login/", {"username": username, "password": password})
        return status, body


def served_database_url(tmp_path: Path) -> str:
    """The database the served site should use: the test run's own PostgreSQL database
    (the tests' rows are visible to it), or a SQLite file when the tests run on SQLite,
    whose in-memory database no other process can open."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'served.sqlite3'}"


def served_redis_env() -> dict:
    """REDIS_URL for the served site when the test run has one (cache and broker on Redis)."""
    return {"REDIS_URL": settings.REDIS_URL} if settings.REDIS_URL else {}


def served_env(**env: str) -> dict:
    """The environment of a served process: this one's, less what each test must set itself."""
    full_env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    full_env.update(env)
    return full_env


def migrated_sqlite(tmp_path: Path, *shell_lines: str) -> str:
    """A SQLite file of its own with every migration applied, and then `shell_lines` run in it
    (e.g. creating a user): for a served site that needs rows when the test run is on SQLite."""
    url = f"sqlite:///{tmp_path / 'served-migrated.sqlite3'}"
    manage = [sys.executable, "manage.py"]
    env = served_env(DATABASE_URL=url)
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300)
    if shell_lines:
        subprocess.run([*manage, "shell", "-c", "\n".join(shell_lines)], cwd=ROOT, env=env, check=True, timeout=60)
    return url


@contextlib.contextmanager
def gunicorn(tmp_path: Path, **env: str):
    """gunicorn with the deploy unit's options (one worker), on a unix socket in tmp_path."""
    sock = tmp_path / "gunicorn.sock"
    full_env = served_env(
        DEBUG="0",
        SECRET_KEY="served-test-" + "k" * 60,
        ALLOWED_HOSTS=HOST,
        MEDIA_ROOT=str(tmp_path / "media"),
        **env,
    )
    stdout, stderr = tmp_path / "gunicorn.out", tmp_path / "gunicorn.err"
    with stdout.open("w") as out, stderr.open("w") as err:
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "kerman_jobs.wsgi:application",
                "--bind",
                f"unix:{sock}",
                "--workers",
                "1",
                "--timeout",
                "30",
                "--access-logfile",
                "-",
                "--forwarded-allow-ips",
                "127.0.0.1",
                # gunicorn 27's control socket lives in the home folder: tests run side by side.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=err,
        )
    served = Served(socket=sock, stdout=stdout, stderr=stderr, proc=proc)
    try:
        wait_until_listening(served)
        yield served
    finally:
        served.stop()


def wait_until_listening(served: Served) -> None:
    for _ in range(300):
        if served.proc.poll() is not None:
            raise AssertionError(f"gunicorn exited at start: {served.stderr.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.connect(str(served.socket))
            return
        time.sleep(0.05)
    raise AssertionError("gunicorn did not listen on its socket within 15 s")


# ---------------------------------------------------------------- nginx in front, as deployed

DEPLOY_DOC = ROOT / "docs" / "deploy.md"


def deploy_doc_location() -> str:
    """The `location / { … }` block of docs/deploy.md's nginx site, as written there: the
    test runs the proxy lines people copy, not a copy of them that could drift."""
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    site = text[text.index("```nginx") : text.index("```", text.index("```nginx") + 8)]
    start = site.index("    location / {")
    return site[start : site.index("\n    }", start) + len("\n    }")]


@dataclass
class Front:
    """nginx on a loopback port, in front of a served gunicorn's unix socket. `client(address)`
    gives a transport whose connections leave from that loopback address (127.0.0.2, …), so
    nginx sees real, different client addresses, as it would from different machines."""

    port: int
    proc: subprocess.Popen
    error_log: Path

    def client(self, source: str) -> FrontClient:
        return FrontClient(self.port, source)


@dataclass
class FrontClient:
    port: int
    source: str

    def get(self, path: str, headers: dict | None = None):
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict, headers: dict | None = None):
        body = urllib.parse.urlencode(form)
        return self.request(
            "POST", path, body=body, headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        )

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=REQUEST_TIMEOUT, source_address=(self.source, 0)
        )
        try:
            conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = conn.getresponse()
            found = {k.lower(): v for k, v in response.getheaders()}
            if "set-cookie" in found:
                found["set-cookie"] = "\n".join(response.headers.get_all("Set-Cookie"))
            return response.status, found, response.read().decode()
        finally:
            conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def nginx(tmp_path: Path, served: Served):
    """Debian's nginx with docs/deploy.md's `location /` in front of `served`. Plain HTTP on
    loopback: TLS ends here in production, so the block's `$scheme` is read as https."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    location = (
        deploy_doc_location().replace("http://kerman_app", f"http://unix:{served.socket}:").replace("$scheme", "https")
    )
    home = tmp_path / "nginx"
    home.mkdir(exist_ok=True)
    conf = home / "nginx.conf"
    # Run as root (the test runner may be root): the workers must reach the socket in tmp_path.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(
        f"""{user}
worker_processes 1;
daemon off;
pid {home}/nginx.pid;
error_log {home}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {home}/access.log;
    client_body_temp_path {home}/body;
    proxy_temp_path {home}/proxy;
    fastcgi_temp_path {home}/fastcgi;
    uwsgi_temp_path {home}/uwsgi;
    scgi_temp_path {home}/scgi;
    client_max_body_size 13m;
    server {{
        listen 127.0.0.1:{port};
        server_name {HOST};
{location}
    }}
}}
""",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(home)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    front = Front(port=port, proc=proc, error_log=home / "error.log")
    try:
        for _ in range(200):
            if proc.poll() is not None:
                raise AssertionError(f"nginx exited at start: {proc.stderr.read().decode()[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.05)
        else:
            raise AssertionError("nginx did not listen within 10 s")
        yield front
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=10)
        if proc.poll() is None:
            proc.kill()
