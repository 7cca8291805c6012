"""`make run` serves with DEBUG off on plain http: cookies must not be Secure-only there (the
browser would never send them back and login would fail), while a deployment stays strict."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps([settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
    "settings.SECURE_SSL_REDIRECT]))"
)


def settings_with(**env):
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECURE_COOKIES", "SECURE_SSL_REDIRECT"}}
    base.update(DJANGO_SETTINGS_MODULE="kerman_jobs.settings", SECRET_KEY="x" * 50, **env)
    out = subprocess.run([sys.executable, "-c", READ], cwd=ROOT, env=base, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_make_run_settings_serve_plain_http_with_debug_off():
    assert settings_with(DEBUG="0", SECURE_COOKIES="0", SECURE_SSL_REDIRECT="0") == [False, False, False, False]


def test_debug_off_is_strict_unless_told_otherwise():
    assert settings_with(DEBUG="0") == [False, True, True, True]


def test_the_makefile_runs_the_demo_that_way():
    run = (ROOT / "Makefile").read_text().split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "DEBUG=$${DEBUG:-0}" in run and "SECURE_COOKIES=$${SECURE_COOKIES:-0}" in run
    assert "SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0}" in run and ".secret-key" in run


def read_settings(expression: str, **env) -> subprocess.CompletedProcess:
    """The settings a process started with `env` gets: `expression` printed as JSON."""
    base = {
        k: v for k, v in os.environ.items() if k not in {"ADMINS", "SERVER_EMAIL", "DEFAULT_FROM_EMAIL", "LOG_FORMAT"}
    }
    base.update(DJANGO_SETTINGS_MODULE="kerman_jobs.settings", **env)
    code = f"import json, django; from django.conf import settings; django.setup(); print(json.dumps({expression}))"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True)


ERROR_MAIL = "[settings.ADMINS, settings.SERVER_EMAIL, settings.LOGGING['loggers']['django.request']['handlers']]"


def test_admins_from_the_environment_get_the_errors_from_server_email():
    done = read_settings(
        ERROR_MAIL,
        ADMINS='مدیر فنی <ops@example.ir>, "Last, First" <lf@example.ir>, b@example.ir',
        SERVER_EMAIL="errors@example.ir",
    )
    assert json.loads(done.stdout) == [
        [["مدیر فنی", "ops@example.ir"], ["Last, First", "lf@example.ir"], ["b@example.ir", "b@example.ir"]],
        "errors@example.ir",
        ["mail_admins"],
    ]


def test_without_admins_no_error_mail_and_server_email_is_the_from_address():
    done = read_settings(ERROR_MAIL, DEFAULT_FROM_EMAIL="tracker@example.ir")
    assert json.loads(done.stdout) == [[], "tracker@example.ir", []]


def test_an_admins_entry_that_is_not_an_address_stops_the_start():
    done = read_settings(ERROR_MAIL, ADMINS="ops@example.ir, عملیات")
    assert done.returncode == 1
    assert "RuntimeError: ADMINS: 'عملیات' is not an e-mail address" in done.stderr


def test_an_unknown_log_format_stops_the_start():
    done = read_settings("settings.LOG_FORMAT", LOG_FORMAT="yaml")
    assert done.returncode == 1
    assert "RuntimeError: LOG_FORMAT must be one of plain, json, not 'yaml'" in done.stderr
