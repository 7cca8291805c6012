"""In a real Chromium, as staff: an entry an official returned shows in «اعلان‌ها» with its
reason and a link to correct it; opening it takes them there and the unread count goes down.

Follows test_browser_e2e.py (the seeded demo users, logging in through the form).
Screenshots at 1280 and 390 px go to test-artifacts/ (git ignores it).
"""

import datetime

import pytest

from commitments import services
from commitments.models import Commitment
from core import persian

from .test_browser_e2e import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    log_in,
    no_sideways_scroll,
)

pytestmark = [pytest.mark.browser]

REASON = "شهرستان و رستهٔ این ۲۵ شغل را ننوشته‌اید"


def test_a_returned_entry_shows_in_notifications_and_the_count_goes_down(browser, live_server, seeded):
    from django.contrib.auth import get_user_model

    ARTIFACTS.mkdir(exist_ok=True)
    User = get_user_model()
    staff, official = User.objects.get(username="staff"), User.objects.get(username="official")
    resalat = Commitment.objects.filter(reporters=staff).order_by("pk").first()
    # given staff submitted an entry and the official returned it with a reason
    entry = services.progress_entry_create(
        actor=staff,
        commitment=resalat,
        period_end=persian.local_today() - datetime.timedelta(days=2),
        jobs_created=25,
    )
    services.progress_entry_reject(actor=official, entry=entry, reason=REASON)

    # when staff open the site on a phone, «اعلان‌ها» carries one unread notice
    context, page = log_in(browser, live_server, "staff", viewport=PHONE)
    assert page.inner_text('[data-testid="unread-count"]') == "۱"
    page.get_by_role("link", name="اعلان‌ها").click()
    page.wait_for_url(f"{live_server.url}/notifications/")
    [item] = page.locator('[data-testid="notification"]').all()
    text = item.inner_text()
    assert f"دلیل برگشت: {REASON}" in text
    assert resalat.title in text and "تازه" in text
    assert no_sideways_scroll(page) <= 390
    page.screenshot(path=ARTIFACTS / "notifications-staff-phone.png", full_page=True)
    context.close()

    # and on a desktop, opening it goes to the entry, where it is corrected, and the count goes
    context, page = log_in(browser, live_server, "staff", viewport=DESKTOP)
    page.goto(f"{live_server.url}/notifications/")
    page.screenshot(path=ARTIFACTS / "notifications-staff-desktop.png", full_page=True)
    page.locator('[data-testid="notification"] a.notice-title').click()
    page.wait_for_url(f"{live_server.url}/progress/{entry.pk}/")
    assert page.locator("#id_jobs_created").count() == 1  # the correction form
    assert page.locator('[data-testid="unread-count"]').count() == 0
    page.goto(f"{live_server.url}/notifications/")
    assert page.locator(".notice-item.unread").count() == 0
    assert page.locator('[data-testid="notification"]').count() == 1  # still there, read
    context.close()
