"""The cast (an official, staff assigned to a commitment, staff without one, anonymous)
and the isolation every test gets; each tests/conftest.py of the project takes these in."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections

from kerman_jobs.celery import app as celery_app
from tests import factories as f


@pytest.fixture(autouse=True)
def isolated(settings, tmp_path):
    # Files written by a test stay in its own folder; cached figures never leak.
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    # Tasks run in-process unless a test asks for the real worker explicitly.
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def official(db):
    return f.make_official("official")


@pytest.fixture
def staff(db, commitment):
    user = f.make_staff("staff")
    commitment.reporters.add(user)
    return user


@pytest.fixture
def other_staff(db):
    return f.make_staff("staff_unassigned")


@pytest.fixture
def admin_user(db, django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "pass-for-tests-1405")


# `admin_client` is pytest-django's own: a fresh Client logged in as the admin_user above.


@pytest.fixture
def program(db):
    return f.ProgramFactory()


@pytest.fixture
def commitment(db, program):
    return f.CommitmentFactory(program=program, title="تفاهم‌نامه آزمایشی", jobs_target=30_000)


@pytest.fixture
def other_commitment(db, program):
    return f.CommitmentFactory(program=program, title="تعهد دیگر", jobs_target=15_000)


# ---------------------------------------------------------------- a real browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "demo-pass-for-browser-tests-1405"


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (Debian's) for a module's tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def seeded(transactional_db, monkeypatch):
    """The Kerman seed and its demo users (password DEMO_PASSWORD), committed, for a
    live_server and a browser to read."""
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
    call_command("seed_kerman", "--demo-users", stdout=io.StringIO())
    yield
    # ORM calls made while Playwright's event loop runs get connections of their own;
    # close them, or PostgreSQL cannot drop the test database at the end.
    connections.close_all()
