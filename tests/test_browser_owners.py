"""In a real browser: the «تکراری» badge on the list, the business page and the officials'
duplicates page, as an official and as staff, on a desktop and a 390 px phone: under the
site's CSP, without sideways scrolling, the badge right to left beside the status.

Screenshots go to SCREENSHOT_DIR when it is set (to look at them), else to the test's
own temporary folder."""

import os
from pathlib import Path

import pytest
from django.test import Client

from core.persian import make_jalali_date as J
from tests.fixtures import CHROMIUM_ARGS

from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "0012345679"


@pytest.fixture
def owners(commitment, other_commitment):
    county, sector = f.CountyFactory(name="کرمان"), f.SectorFactory(name="صنایع دستی")
    other_commitment.organization = f.OrganizationFactory(name="بنیاد برکت", kind="foundation")
    other_commitment.save()
    mine = f.HomeBusinessFactory(
        commitment=commitment,
        reference_code="RS-1403-00125",
        county=county,
        sector=sector,
        started_on=J(1403, 1, 10),
        jobs=2,
        loan_amount=12_500_000,
        owner_national_code=CODE,
    )
    theirs = f.HomeBusinessFactory(
        commitment=other_commitment,
        reference_code="BK-1403-00077",
        county=county,
        sector=sector,
        started_on=J(1403, 3, 1),
        owner_national_code=CODE,
        status="inactive",
    )
    f.ContinuityCheckFactory(business=theirs, checked_on=J(1403, 6, 1), status="inactive", reason="financing")
    f.HomeBusinessFactory(commitment=commitment, reference_code="RS-1403-00126", county=county, sector=sector)
    return mine, theirs


@pytest.mark.parametrize("who", ["official", "staff"])
def test_duplicate_pages_in_chromium(live_server, client, request, who, owners, tmp_path, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    mine, _ = owners
    client.force_login(request.getfixturevalue(who))
    session = client.cookies["sessionid"].value
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    csp: list[str] = []
    wide: dict[str, list[int]] = {}
    pages = {"list": "/businesses/", "detail": f"/businesses/{mine.pk}/", "duplicates": "/businesses/duplicates/"}

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width in (1280, 390):
            context = browser.new_context(locale="fa-IR", viewport={"width": width, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
            for name, path in pages.items():
                response = page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(shots / f"owners-{who}-{name}-{width}.png"), full_page=True)
                if name == "duplicates" and who == "staff":
                    assert response.status == 403
                    continue
                assert response.status == 200
                expect(page.locator(".hb-duplicate").first).to_have_text("تکراری")
                widths = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
                if widths[0] > widths[1]:
                    wide[f"{name}@{width}"] = widths
                # the badge reads right to left like the rest of the line
                assert page.locator(".hb-duplicate").first.evaluate("e => getComputedStyle(e).direction") == "rtl"
            context.close()
        browser.close()

    assert csp == []
    assert wide == {}


def test_form_import_result_and_admin_in_chromium(
    live_server, client, staff, admin_user, owners, tmp_path, monkeypatch
):
    from playwright.sync_api import expect, sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    mine, _ = owners
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    upload = tmp_path / "bank.csv"
    upload.write_text(
        "کد پیگیری,تعهد,شهرستان,رسته,تاریخ شروع,کد ملی\n"
        f"N-1,{mine.commitment_id},کرمان,صنایع دستی,1404/01/10,۰۰۱-۲۳۴۵۶۷-۹\n"
        f"N-2,{mine.commitment_id},کرمان,صنایع دستی,1404/01/10,\n",
        encoding="utf-8",
    )
    client.force_login(staff)
    staff_session = client.cookies["sessionid"].value
    other = Client()  # a second login on the same client would end the first session
    other.force_login(admin_user)
    admin_session = other.cookies["sessionid"].value
    csp: list[str] = []

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="fa-IR", viewport={"width": 390, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": staff_session, "url": live_server.url}])
        page = context.new_page()
        page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(live_server.url + "/businesses/new/")
        page.fill("#id_owner_national_code", "0012345678")
        page.screenshot(path=str(shots / "owners-staff-create-390.png"), full_page=True)
        page.goto(live_server.url + "/businesses/import/")
        page.set_input_files("input[type=file]", str(upload))
        page.click("form[data-upload] button[type=submit]")
        expect(page.locator(".hb-flagged li")).to_have_count(1)
        page.screenshot(path=str(shots / "owners-staff-import-390.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        context.close()

        context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": "sessionid", "value": admin_session, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/registry/homebusiness/{mine.pk}/change/")
        expect(page.locator(".field-owner_code_masked bdi")).to_have_text("*******۶۷۹")
        page.screenshot(path=str(shots / "owners-admin-change-1280.png"), full_page=True)
        page.goto(f"{live_server.url}/admin/registry/homebusiness/")
        page.screenshot(path=str(shots / "owners-admin-list-1280.png"), full_page=True)
        browser.close()

    assert csp == []
