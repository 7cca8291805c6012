"""Production settings, Content-Security-Policy, cookies, private media, login throttling, idle sessions."""

import datetime
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.fixtures import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "kerman_jobs" / "settings.py"

EXPECTED_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "font-src": ["'self'"],
    "img-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}

PASSWORD = "pass-for-tests-1405"


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="tracker.example.ir",
        DJANGO_SETTINGS_MODULE="kerman_jobs.settings",
    )
    env.update(extra)
    return env


def production_settings(monkeypatch) -> dict:
    """The settings module's values as production would read them."""
    for key, value in production_env().items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(SETTINGS_FILE))


def parse_csp(header: str) -> dict:
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


# ---------------------------------------------------------------- production settings


def test_check_deploy_reports_nothing_under_production_environment():
    # when Django's deployment checklist runs with production's environment
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    # then it passes with not a single warning
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "System check identified no issues" in output


@pytest.mark.parametrize("key", ["", "dev-only-insecure-key-kerman-jobs-do-not-use-in-production"])
def test_production_refuses_to_start_without_its_own_secret_key(key):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(SECRET_KEY=key),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be" in result.stderr


def test_production_settings_turn_on_https_only_cookies_and_hsts(monkeypatch):
    prod = production_settings(monkeypatch)
    assert prod["DEBUG"] is False
    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_HSTS_SECONDS"] == 31_536_000
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.django_db
def test_login_cookies_are_secure_and_httponly_under_production_settings(client, settings, monkeypatch, official):
    # given the running app switched to production's cookie and HTTPS settings
    prod = production_settings(monkeypatch)
    for name in (
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
    ):
        setattr(settings, name, prod[name])
    official.set_password(PASSWORD)
    official.save()

    # when plain HTTP is tried, then it is sent to HTTPS
    plain = client.get("/accounts/login/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"

    # when the user logs in over HTTPS
    form = client.get("/accounts/login/", secure=True)
    response = client.post("/accounts/login/", {"username": "official", "password": PASSWORD}, secure=True)

    # then both cookies only travel over HTTPS, the session cookie is out of JavaScript's reach
    assert response.status_code == 302
    csrf = form.cookies[django_settings.CSRF_COOKIE_NAME]
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert csrf["secure"] is True
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


# ---------------------------------------------------------------- Content-Security-Policy


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/admin/", "/admin/commitments/commitment/"])
def test_every_page_carries_the_strict_content_security_policy(client, admin_user, path):
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 200
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.browser
def test_pages_and_admin_run_without_a_single_csp_violation(live_server, admin_user, commitment):
    """The policy allows no inline script or style; a real browser proves nothing needed them."""
    from playwright.sync_api import sync_playwright

    admin_user.set_password(PASSWORD)
    admin_user.save()
    pages = [
        "/accounts/login/",
        "/",
        # the other pages with server-drawn charts (classes only, styled by charts.css)
        "/businesses/cohorts/",
        f"/commitments/{commitment.pk}/",
        "/admin/",
        "/admin/commitments/commitment/",
        f"/admin/commitments/commitment/{commitment.pk}/change/",
        "/admin/commitments/progressentry/add/",
    ]
    violations: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=CHROMIUM_ARGS,
        )
        page = browser.new_page()
        page.on(
            "console",
            lambda msg: violations.append(f"{page.url}: {msg.text}") if "Content Security Policy" in msg.text else None,
        )
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(live_server.url + "/admin/")
        for path in pages:
            response = page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            assert response.status == 200, path
        # the Jalali date picker opens (its script runs under the policy)
        page.goto(live_server.url + "/admin/commitments/progressentry/add/")
        page.click("input[data-jdp]")
        page.wait_for_timeout(200)
        browser.close()
    assert violations == []


# ---------------------------------------------------------------- private files


@pytest.mark.django_db
def test_uploaded_files_are_never_served_from_a_media_url(client, admin_user, settings):
    # given an evidence file on disk
    target = Path(settings.MEDIA_ROOT) / "evidence" / "2026" / "06" / "proof.pdf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"%PDF-1.4 secret")
    client.force_login(admin_user)
    # when anyone, even the admin, asks for it by a media-style URL
    for url in (
        "/media/evidence/2026/06/proof.pdf",
        settings.MEDIA_URL + "evidence/2026/06/proof.pdf",
        "/static/../media/evidence/2026/06/proof.pdf",
    ):
        response = client.get(url)
        # then there is no such URL
        assert response.status_code == 404, url
        assert b"secret" not in response.content


# ---------------------------------------------------------------- passwords and throttling


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["12345678", "password", "short", "official1"])
def test_weak_passwords_are_refused_in_persian(official, password):
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user=official)
    assert caught.value.messages and all(("رمز" in m or "گذرواژه" in m) for m in caught.value.messages), (
        caught.value.messages
    )


@pytest.mark.django_db
# The site login page has its own lockout test (test_views_auth.py); this one is the admin door.
@pytest.mark.parametrize("login_url", ["/admin/login/"])
def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(client, admin_user, login_url):
    from axes.models import AccessAttempt

    # given five wrong passwords for one account
    for _ in range(5):
        client.post(login_url, {"username": "admin", "password": "wrong-password"})
    # when the right password comes next
    response = client.post(login_url, {"username": "admin", "password": "pass-for-tests-1405"})
    # then the door stays shut, with a Persian explanation, and nobody is logged in
    assert response.status_code == 429
    text = response.content.decode()
    assert "ورود موقتاً بسته شد" in text
    assert "۵ بار" in text and "۱۵ دقیقه" in text
    assert "_auth_user_id" not in client.session
    # the refused sixth try counts too
    assert AccessAttempt.objects.get(username="admin").failures_since_start == 6


@pytest.mark.django_db
def test_four_wrong_passwords_still_let_the_right_one_in(client, admin_user):
    for _ in range(4):
        client.post("/accounts/login/", {"username": "admin", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"username": "admin", "password": "pass-for-tests-1405"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


# ---------------------------------------------------------------- idle sessions


def test_sessions_end_after_thirty_idle_minutes_by_default():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.django_db
def test_each_request_pushes_the_idle_deadline_forward(client, official):
    client.force_login(official)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    # when the user opens a page
    assert client.get("/").status_code == 200
    # then the session now lasts a full idle period from this request
    left = Session.objects.get(pk=key).expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < left <= datetime.timedelta(minutes=30)


@pytest.mark.django_db
def test_an_idle_session_is_over(client, official):
    # given a session whose idle period has run out
    client.force_login(official)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    # when the user comes back
    response = client.get("/")
    # then they must log in again
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
