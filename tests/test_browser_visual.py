"""In a real browser, the two layout faults the visual pass found: on a phone the monthly
chart opened on its oldest (empty) months with the recent ones hidden off to the left, and an
admin change form with inline rows was 2,100 px wide on a desktop."""

import pytest

from core import persian
from tests.fixtures import CHROMIUM_ARGS

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_page(pw, live_server, session, width):
    browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    context = browser.new_context(locale="fa-IR", viewport={"width": width, "height": 844})
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return browser, context.new_page()


def test_phone_monthly_chart_opens_on_the_newest_month(live_server, client, official, commitment, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    f.ProgressEntryFactory(
        commitment=commitment,
        period_end=persian.local_today(),
        jobs_created=450,
        status="verified",
        verified_by=official,
    )
    client.force_login(official)
    with sync_playwright() as pw:
        browser, page = open_page(pw, live_server, client.cookies["sessionid"].value, 390)
        page.goto(live_server.url + "/")
        page.wait_for_load_state("networkidle")
        box = page.locator("[data-scroll-newest]")
        # The chart is wider than the phone, so it does scroll …
        assert box.evaluate("b => b.scrollWidth > b.clientWidth")
        # … and this month (the leftmost column, right to left) is in view, with its figure.
        newest = page.locator(".kj-chart-months tr:first-child td").last
        assert newest.inner_text().strip() == "۴۵۰"
        left, right = box.evaluate("b => { const r = b.getBoundingClientRect(); return [r.left, r.right]; }")
        cell = newest.bounding_box()
        assert left - 1 <= cell["x"] and cell["x"] + cell["width"] <= right + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        browser.close()


def test_admin_change_form_with_inline_rows_fits_a_desktop(live_server, client, admin_user, commitment, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    f.ProgressEntryFactory(commitment=commitment, note="یادداشت")
    client.force_login(admin_user)
    with sync_playwright() as pw:
        browser, page = open_page(pw, live_server, client.cookies["sessionid"].value, 1280)
        page.goto(f"{live_server.url}/admin/commitments/commitment/{commitment.pk}/change/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        # The reporter picker speaks Persian (Django's fa catalogue lacks these).
        assert "انتخاب همهٔ" in page.inner_text("#content")
        assert "Choose all" not in page.inner_text("#content")
        browser.close()


def test_admin_file_inputs_speak_persian(live_server, client, admin_user, commitment, monkeypatch):
    """The admin's file inputs get the site's Persian button and file name
    (static/js/file-pick.js, loaded by both), not the browser's «Choose File»."""
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    entry = f.ProgressEntryFactory(commitment=commitment)
    client.force_login(admin_user)
    with sync_playwright() as pw:
        browser, page = open_page(pw, live_server, client.cookies["sessionid"].value, 1280)
        page.goto(f"{live_server.url}/admin/commitments/progressentry/{entry.pk}/change/")
        picker = page.locator(".file-pick").first
        expect(picker.locator("label.button")).to_have_text("انتخاب فایل")
        expect(picker.locator(".file-name")).to_have_text("فایلی انتخاب نشده")
        browser.close()
