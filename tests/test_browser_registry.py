"""In a real browser: staff upload a spreadsheet with mistakes, see them row by row, and the
registry pages run under the site's CSP without sideways scrolling on a 390 px phone."""

import pytest

from core.persian import make_jalali_date as J
from registry.models import HomeBusiness
from tests.fixtures import CHROMIUM_ARGS

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_errors_then_pages_on_a_phone(live_server, client, staff, commitment, tmp_path, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    county, sector = f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")
    business = f.HomeBusinessFactory(commitment=commitment, county=county, sector=sector, started_on=J(1403, 1, 10))
    f.ContinuityCheckFactory(business=business, checked_on=J(1403, 4, 10), status="inactive", reason="financing")
    bad = tmp_path / "bank.csv"
    bad.write_text(
        "کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع\n"
        f"N-1,{commitment.pk},کرمان,صنایع دستی,1404/01/10\n"
        f"N-2,{commitment.pk},تهران,صنایع دستی,1404/01/10\n",
        encoding="utf-8",
    )
    client.force_login(staff)
    session = client.cookies["sessionid"].value
    problems: list[str] = []
    widths: dict[str, tuple[int, int]] = {}

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fa-IR", viewport={"width": 390, "height": 844})
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)

        page.goto(live_server.url + "/businesses/import/")
        # the file input speaks Persian (static/js/file-pick.js), then names the chosen file
        picker = page.locator(".file-pick")
        expect(picker.locator("label.button")).to_have_text("انتخاب فایل")
        expect(picker.locator(".file-name")).to_have_text("فایلی انتخاب نشده")
        page.set_input_files("input[type=file]", str(bad))
        expect(picker.locator(".file-name")).to_have_text("bank.csv")
        page.click("form[data-upload] button[type=submit]")
        expect(page.locator(".hb-alert h2")).to_have_text("هیچ ردیفی ذخیره نشد")
        expect(page.locator(".hb-errors tbody tr")).to_have_count(1)
        expect(page.locator(".hb-errors tbody td").first).to_have_text("ردیف ۳")
        widths["import"] = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")

        for name in ("", "cohorts/", "worklist/", f"{business.pk}/"):
            page.goto(live_server.url + "/businesses/" + name)
            page.wait_for_load_state("networkidle")
            widths[name or "list"] = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        browser.close()

    assert HomeBusiness.objects.count() == 1
    assert problems == []
    assert {name: w for name, w in widths.items() if w[0] > w[1]} == {}
