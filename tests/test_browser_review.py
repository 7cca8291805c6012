"""In a real Chromium: staff enter 7,000 jobs on the 6,000-job Barakat tranche and are told
«بیش از هدف» while typing and after saving; the official sees the flag in the review queue,
verifies through the confirmation dialog, then reopens the entry with a reason.

Follows test_browser_e2e.py (the seeded demo users, logging in through the form).
Screenshots at 1280 and 390 px go to test-artifacts/ (git ignores it).
"""

import datetime

import pytest

from commitments.models import Commitment, ProgressEntry
from core import persian
from tests.fixtures import DEMO_PASSWORD

from .test_browser_e2e import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    close_date_picker,
    log_in,
    no_sideways_scroll,
)

pytestmark = [pytest.mark.browser]

BARAKAT = "اجرای ۶ هزار شغل با همکاری بنیاد برکت"
OVER = f"بیش از هدف: با این گزارش ۷٬۰۰۰ شغل از هدف ۶٬۰۰۰ شغل «{BARAKAT}» — ۱٬۰۰۰ شغل بیشتر"
REASON = "رقم با نامهٔ بنیاد برکت نمی‌خواند"


def shot(page, name: str) -> None:
    page.screenshot(path=ARTIFACTS / f"review-{name}.png", full_page=True)


def fits(page, width: int) -> None:
    assert no_sideways_scroll(page) <= width


def test_over_target_entry_flagged_verified_with_confirmation_then_reopened(browser, live_server, seeded):
    ARTIFACTS.mkdir(exist_ok=True)
    barakat = Commitment.objects.get(title=BARAKAT)
    form_url = f"{live_server.url}/commitments/{barakat.pk}/progress/new/"

    # given staff on a phone open the entry form: the tranche's and its parent's figures are there
    context, page = log_in(browser, live_server, "staff", viewport=PHONE)
    page.goto(form_url)
    figures = page.locator('[data-testid="review-context"] .target-figures').first
    assert figures.locator('[data-testid="figure-target"]').inner_text() == "۶٬۰۰۰"
    assert figures.locator('[data-testid="figure-remaining"]').inner_text() == "۶٬۰۰۰"
    assert page.locator('[data-testid="review-context"] .target-figures').count() == 2
    # when they type 7,000 in Persian digits, the warning appears before saving
    page.click("#id_period_end")
    page.keyboard.type(persian.format_jalali(persian.local_today() - datetime.timedelta(days=3)))
    close_date_picker(page)
    page.fill("#id_jobs_created", "۷۰۰۰")
    hint = page.locator('[data-testid="over-hint"]:visible')
    assert hint.count() == 1 and hint.inner_text() == OVER
    fits(page, 390)
    shot(page, "entry-form-staff-phone")
    context.close()

    # and on a desktop, after saving, the warning stays as a message
    context, page = log_in(browser, live_server, "staff", viewport=DESKTOP)
    page.goto(form_url)
    page.click("#id_period_end")
    page.keyboard.type(persian.format_jalali(persian.local_today() - datetime.timedelta(days=3)))
    close_date_picker(page)
    page.fill("#id_jobs_created", "۷۰۰۰")
    page.fill("#id_note", "گزارش آزمون بیش از هدف")
    shot(page, "entry-form-staff-desktop")
    page.get_by_role("button", name="ثبت گزارش").click()
    page.wait_for_selector(".msg-warning")
    assert page.inner_text(".msg-warning").startswith(OVER)
    shot(page, "after-save-staff-desktop")
    context.close()
    entry = ProgressEntry.objects.get(note="گزارش آزمون بیش از هدف")
    assert (entry.jobs_created, entry.status) == (7_000, "submitted")

    # then the official sees the flag on the queue's card, on a phone and a desktop
    context, page = log_in(browser, live_server, "official", viewport=PHONE)
    page.goto(f"{live_server.url}/review/")
    assert page.inner_text('.review-item [data-testid="over-target"]') == OVER
    fits(page, 390)
    shot(page, "queue-official-phone")
    page.get_by_role("button", name="تأیید", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    fits(page, 390)
    shot(page, "dialog-official-phone")
    context.close()

    context, page = log_in(browser, live_server, "official", viewport=DESKTOP)
    csp: list[str] = []
    page.on("console", lambda msg: csp.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.goto(f"{live_server.url}/review/")
    card = page.locator(".review-item")
    assert card.locator(".flag-badge").inner_text() == "بیش از هدف"
    assert card.locator('[data-testid="figure-awaiting"]').first.inner_text() == "۷٬۰۰۰"
    shot(page, "queue-official-desktop")

    # «انصراف» in the dialog sends nothing
    page.get_by_role("button", name="تأیید", exact=True).click()
    dialog = page.get_by_role("dialog")
    assert OVER in dialog.inner_text()
    shot(page, "dialog-official-desktop")
    dialog.get_by_role("button", name="انصراف").click()
    assert not dialog.is_visible()
    entry.refresh_from_db()
    assert entry.status == "submitted"

    # «بله، تأیید شود» verifies it, once
    page.get_by_role("button", name="تأیید", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="بله، تأیید شود").click()
    page.wait_for_selector(".msg-success")
    entry.refresh_from_db()
    assert (entry.status, entry.version) == ("verified", 2)

    # and the official reopens it from its page with a reason, again through the dialog
    page.goto(f"{live_server.url}/progress/{entry.pk}/")
    assert page.inner_text('[data-testid="over-target"]') == OVER  # still past the target, now verified
    shot(page, "entry-verified-official-desktop")
    page.fill("#reopen-reason", REASON)
    page.get_by_role("button", name="بازگشایی گزارش").click()
    page.get_by_role("dialog").get_by_role("button", name="بله، بازگشایی شود").click()
    page.wait_for_selector(".msg-success")
    assert page.inner_text('[data-testid="entry-status"]') == "ارسال شده"
    shot(page, "entry-reopened-official-desktop")
    entry.refresh_from_db()
    assert (entry.status, entry.verified_by, entry.version) == ("submitted", None, 3)
    assert entry.history.first().history_change_reason == f"بازگشایی: {REASON}"
    page.goto(f"{live_server.url}/commitments/{barakat.pk}/")
    assert page.locator(f'td[data-label="چرا"]:text-is("بازگشایی: {REASON}")').count() == 1
    assert csp == []  # the dialog, the flag and the figures run under the site's CSP
    context.close()

    # and the phone shows the entry page without sideways scrolling
    context, page = log_in(browser, live_server, "official", viewport=PHONE)
    page.goto(f"{live_server.url}/progress/{entry.pk}/")
    fits(page, 390)
    shot(page, "entry-official-phone")
    context.close()

    # without JavaScript the server asks instead, and «انصراف» leaves it as it was
    context = browser.new_context(viewport=PHONE, locale="fa-IR", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "official")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/review/")
    page.get_by_role("button", name="تأیید", exact=True).click()
    assert page.inner_text("h1") == "تأیید گزارش"
    assert OVER in page.inner_text('[data-testid="confirm-question"]')
    fits(page, 390)
    shot(page, "confirm-page-nojs-official-phone")
    page.get_by_role("link", name="انصراف").click()
    assert page.url == f"{live_server.url}/review/"
    entry.refresh_from_db()
    assert (entry.status, entry.version) == ("submitted", 3)
    context.close()
