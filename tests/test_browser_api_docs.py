"""The API documentation (/api/docs/) in a real Chromium: Swagger UI draws the schema from
the site's own files, under the site's Content-Security-Policy, with no console error."""

import os
from pathlib import Path

import pytest

from tests.fixtures import CHROMIUM_ARGS

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def test_api_docs_render_without_console_errors(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        problems, outside = [], []
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "request", lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None
        )
        page.goto(f"{live_server.url}/api/docs/")
        page.wait_for_selector("text=/api/v1/progress-entries/", timeout=20_000)
        page.locator(".opblock-summary-path", has_text="/api/v1/progress-entries/").first.wait_for()
        assert page.locator("text=ثبت گزارش پیشرفت").count() >= 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
        browser.close()
    assert problems == []
    assert outside == []
