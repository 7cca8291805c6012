"""In a real browser the reports page follows a report from «در صف» to «در حال ساخت» to «آماده»
without a reload, and needs no inline script (the site's CSP would block it)."""

import re

import pytest
from django.db import connections

from reports import services
from reports.models import Report
from tests.fixtures import CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_page_shows_a_report_going_from_pending_to_ready(live_server, client, official, settings, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls below are ordinary sync code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    report = services.report_create(actor=official, kind="credits")  # pending, not yet sent to a worker
    client.force_login(official)
    session = client.cookies["sessionid"].value
    problems: list[str] = []

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fa-IR")
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
        page.goto(live_server.url + "/reports/")
        badge = page.locator(f"#report-{report.pk} [data-role=badge]")
        expect(badge).to_have_text("در صف")
        expect(badge.locator(".spinner")).to_have_count(1)

        # a worker claims it …
        assert services.report_claim(report.pk) is not None
        expect(badge).to_have_text("در حال ساخت", timeout=10_000)

        # … and finishes (the first claim is treated as a dead worker's so the build may proceed)
        settings.REPORT_STALE_SECONDS = 0
        assert services.report_build(report.pk).status == "ready"
        expect(badge).to_have_text("آماده", timeout=10_000)
        expect(badge.locator(".spinner")).to_have_count(0)
        links = page.locator(f"#report-{report.pk} [data-role=downloads] a")
        expect(links).to_have_count(2)
        assert links.nth(0).get_attribute("href") == f"/reports/{report.pk}/pdf/"
        assert links.nth(1).get_attribute("href") == f"/reports/{report.pk}/xlsx/"
        browser.close()
        # The ORM calls above ran inside Playwright's event loop, on connections of their
        # own; close them here, or the test database cannot be dropped at the end.
        connections.close_all()

    assert Report.objects.get(pk=report.pk).status == "ready"
    assert not [p for p in problems if re.search("Content Security Policy|Refused", p)], problems


def test_page_stops_polling_and_says_so_when_the_session_ends(live_server, client, official, monkeypatch):
    from django.contrib.sessions.models import Session
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    report = services.report_create(actor=official, kind="credits")
    client.force_login(official)
    session = client.cookies["sessionid"].value
    polls: list[tuple[int, str | None]] = []

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fa-IR")
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.on(
            "response",
            lambda r: (
                polls.append((r.status, r.request.headers.get("x-background-poll")))
                if "/reports/status/" in r.url
                else None
            ),
        )
        page.goto(live_server.url + "/reports/")
        expect(page.locator(f"#report-{report.pk} [data-role=badge]")).to_have_text("در صف")
        page.wait_for_timeout(2500)
        # given the page has polled, marked as a background poll
        assert polls and polls[0] == (200, "1")
        # when the session ends (idle deadline passed)
        Session.objects.all().delete()
        # then the next poll gets 401, the page says so in Persian, and the polling stops
        expect(
            page.get_by_text("نشست شما به پایان رسیده است؛ برای دیدن وضعیت گزارش‌ها دوباره وارد شوید.")
        ).to_be_visible(timeout=10_000)
        page.wait_for_timeout(4500)
        assert [status for status, _ in polls].count(401) == 1
        assert polls[-1][0] == 401
        browser.close()
        connections.close_all()
