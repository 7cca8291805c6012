"""The public pages in a real Chromium, as an anonymous visitor on a desktop and a phone:
the Resalat 30,000 MoU with its verified figure; an entry that is only submitted changes
nothing there, and once an official verifies it (through the service) it appears. axe-core
(an npm devDependency, injected here from node_modules, never served by the site) finds no
serious or critical violation, and the page breaks none of the site's CSP.

Screenshots go to test-artifacts/ (git ignores it).
"""

import datetime
import os
from pathlib import Path

import pytest

from core import persian

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser]

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
RESALAT = "تفاهم‌نامه ۳۰ هزار شغل خانگی بانک رسالت در استان کرمان"


def _open(browser, url, viewport):
    context = browser.new_context(viewport=viewport, locale="fa-IR")
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(url)
    return context, page, blocked


def _resalat_realised(page, pk: int) -> str:
    cell = page.locator(f'[data-testid="realised-{pk}"]')
    if not cell.count():
        # Say what the page did show (and keep it), rather than wait for a cell that is not there.
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "public-missing-row.html").write_text(page.content(), encoding="utf-8")
        shown = page.eval_on_selector_all("[data-testid^=public-row-]", "rows => rows.map(r => r.dataset.testid)")
        raise AssertionError(f"no row for commitment {pk} on {page.url}; rows shown: {shown}")
    return cell.inner_text()


def test_anonymous_visitor_sees_only_verified_jobs(browser, live_server, seeded):
    from django.contrib.auth import get_user_model

    from commitments import services
    from commitments.models import Commitment

    ARTIFACTS.mkdir(exist_ok=True)
    resalat = Commitment.objects.get(title=RESALAT)
    User = get_user_model()
    staff, official = User.objects.get(username="staff"), User.objects.get(username="official")

    for name, viewport in WIDTHS.items():
        context, page, _ = _open(browser, f"{live_server.url}/public/", viewport)
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert RESALAT in page.inner_text("main")
        assert _resalat_realised(page, resalat.pk) == "۰"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
        context.close()

    entry = services.progress_entry_create(
        actor=staff, commitment=resalat, period_end=persian.local_today() - datetime.timedelta(days=3), jobs_created=125
    )
    for viewport in WIDTHS.values():
        context, page, _ = _open(browser, f"{live_server.url}/public/", viewport)
        assert _resalat_realised(page, resalat.pk) == "۰"  # submitted, not verified: nothing changes
        context.close()

    services.progress_entry_verify(actor=official, entry=entry)
    for name, viewport in WIDTHS.items():
        context, page, _ = _open(browser, f"{live_server.url}/public/", viewport)
        assert _resalat_realised(page, resalat.pk) == "۱۲۵"
        page.screenshot(path=ARTIFACTS / f"public-{name}.png", full_page=True)
        page.get_by_role("link", name=RESALAT).click()
        page.wait_for_url(f"**/public/commitments/{resalat.pk}/")
        assert page.inner_text('[data-testid="realised"]') == "۱۲۵"
        assert page.inner_text('[data-testid="target"]') == "۳۰٬۰۰۰"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], name
        page.screenshot(path=ARTIFACTS / f"public-commitment-{name}.png", full_page=True)
        context.close()


def test_axe_finds_no_serious_violation_and_the_csp_blocks_nothing(browser, live_server, seeded):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm install` (package.json devDependencies)")
    from commitments.models import Commitment

    resalat = Commitment.objects.get(title=RESALAT)
    prepared = Commitment.objects.filter(status="prepared").first()
    source = AXE.read_text(encoding="utf-8")
    for path in ["/public/", f"/public/commitments/{resalat.pk}/", f"/public/commitments/{prepared.pk}/"]:
        for name, viewport in WIDTHS.items():
            context, page, blocked = _open(browser, f"{live_server.url}{path}", viewport)
            # Evaluated through the DevTools protocol, which the page's CSP does not govern:
            # the site itself never serves axe.
            page.evaluate(source)
            violations = page.evaluate("async () => (await axe.run(document)).violations")
            serious = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in violations
                if v["impact"] in ("serious", "critical")
            ]
            assert serious == [], f"{path} {name}"
            assert blocked == [], f"{path} {name}"
            context.close()
