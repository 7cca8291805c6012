"""End to end in a real Chromium: staff enter progress typed in Persian digits, an official
verifies it, and the dashboard's «شغل تازه» grows by exactly that amount.

Screenshots (dashboard, entry form, review queue; desktop and a 390-px phone) go to
test-artifacts/, which git ignores.
"""

import datetime
import os
from pathlib import Path

import pytest

from core import persian
from tests.fixtures import DEMO_PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (the seed, the checks) would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def log_in(browser, live_server, username, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="fa-IR")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return context, page


def close_date_picker(page) -> None:
    """Tap outside the Jalali date picker, as a person on a phone would, until it is gone."""
    for _ in range(5):
        overlay = page.locator("jdp-overlay").first
        if not overlay.is_visible() and not page.locator("jdp-container").first.is_visible():
            return
        if overlay.is_visible():
            overlay.click(position={"x": 5, "y": 5})
        else:
            page.keyboard.press("Escape")
        page.wait_for_timeout(100)
    raise AssertionError("the date picker did not close")


def realised(page) -> int:
    return persian.parse_int(page.inner_text('[data-testid="new-jobs"]'))


def no_sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_staff_entry_verified_by_official_grows_the_dashboard(browser, live_server, seeded):
    ARTIFACTS.mkdir(exist_ok=True)

    # given the official's dashboard opens on the seeded 14,000 jobs, shown apart as
    # «شغل پایه», and no «شغل تازه» yet
    context, page = log_in(browser, live_server, "official")
    assert persian.parse_int(page.inner_text('[data-testid="baseline-jobs"]')) == 14_000
    before = realised(page)
    assert before == 0
    page.screenshot(path=ARTIFACTS / "dashboard-official-desktop.png", full_page=True)
    context.close()

    # when staff enter 125 jobs, typing Persian digits, on the phone
    context, page = log_in(browser, live_server, "staff", viewport=PHONE)
    assert no_sideways_scroll(page) <= 390
    page.get_by_role("link", name="ثبت پیشرفت").first.click()
    page.wait_for_selector("#id_period_end")
    period = persian.format_jalali(persian.local_today() - datetime.timedelta(days=5))  # «۱۴۰۵/۰۸/۳۰»
    page.click("#id_period_end")
    page.keyboard.type(period)
    close_date_picker(page)
    page.fill("#id_jobs_created", "۱۲۵")
    page.fill("#id_credit_paid", "۱۲٬۵۰۰٬۰۰۰")
    page.select_option("#id_county", label="رفسنجان")
    page.fill("#id_note", "گزارش آزمون سرتاسری")
    close_date_picker(page)
    assert page.input_value("#id_period_end") == period
    assert no_sideways_scroll(page) <= 390
    page.screenshot(path=ARTIFACTS / "entry-form-staff-phone.png", full_page=True)
    page.get_by_role("button", name="ثبت گزارش").click()
    page.wait_for_selector(".msg-success")
    assert "۱۲۵ شغل ثبت شد" in page.inner_text(".msg-success")
    context.close()

    # and the official verifies it from the review queue
    context, page = log_in(browser, live_server, "official")
    assert page.inner_text('[data-testid="review-count"]') == "۱"
    page.get_by_role("link", name="صف بررسی").click()
    page.wait_for_selector(".review-item")
    assert "۱۲۵ شغل" in page.inner_text(".review-item h2")
    page.screenshot(path=ARTIFACTS / "review-queue-official-desktop.png", full_page=True)
    page.get_by_role("button", name="تأیید", exact=True).click()
    # it asks first, in a dialog (static/js/site.js)
    page.get_by_role("dialog").get_by_role("button", name="بله، تأیید شود").click()
    page.wait_for_selector(".msg-success")

    # then the dashboard's «شغل تازه» grew by exactly 125
    page.goto(f"{live_server.url}/")
    assert realised(page) == before + 125
    page.screenshot(path=ARTIFACTS / "dashboard-official-desktop-after.png", full_page=True)
    context.close()

    from commitments.models import ProgressEntry

    entry = ProgressEntry.objects.get(note="گزارش آزمون سرتاسری")
    assert (entry.jobs_created, entry.credit_paid, entry.status) == (125, 12_500_000, "verified")
    assert entry.period_end == persian.local_today() - datetime.timedelta(days=5)


def test_pages_fit_a_390_pixel_phone(browser, live_server, seeded):
    ARTIFACTS.mkdir(exist_ok=True)
    from commitments.models import Commitment

    resalat = Commitment.objects.get(jobs_target=30_000)
    context, page = log_in(browser, live_server, "official", viewport=PHONE)
    for name, path in [
        ("dashboard-official-phone", "/"),
        ("commitment-official-phone", f"/commitments/{resalat.pk}/"),
        ("review-queue-official-phone", "/review/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        assert no_sideways_scroll(page) <= 390, name
        page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    context.close()
    context, page = log_in(browser, live_server, "staff", viewport=DESKTOP)
    page.goto(f"{live_server.url}/commitments/{resalat.pk}/progress/new/")
    page.screenshot(path=ARTIFACTS / "entry-form-staff-desktop.png", full_page=True)
    page.goto(f"{live_server.url}/commitments/{resalat.pk}/")
    page.screenshot(path=ARTIFACTS / "commitment-staff-desktop.png", full_page=True)
    context.close()
