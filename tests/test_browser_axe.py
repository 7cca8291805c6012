"""Accessibility, checked by axe-core in Chromium on every page an official and a staff
member reach: no serious or critical violation (colour contrast among them, WCAG 2.1 AA).

axe-core is a devDependency from the npm registry (package.json): `make assets` installs it
into node_modules, from where this test hands it to the test browser. It is never copied to
static/, so no user is ever served it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from .crawl import walk
from .test_visual_persian import populated  # noqa: F401 (the fixture: something on every page)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("populated")]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
RUN_AXE = """async () => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))}));
}"""


def pages_of(client, user) -> list[str]:
    client.force_login(user)
    return [path for path, _, _ in walk(client, ["/"]) if not path.startswith("/admin/")]


def test_no_serious_or_critical_violation_on_any_page_as_official_or_staff(
    live_server,
    client,
    official,
    staff,
    monkeypatch,
):
    from playwright.sync_api import sync_playwright

    assert AXE.exists(), f"axe-core is missing: run `make assets` (npm install) to get {AXE}"
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    source = AXE.read_text()
    problems: list[str] = []
    checked = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for user in (official, staff):
            paths = pages_of(client, user)
            session = client.cookies["sessionid"].value
            # bypass_csp: the site's CSP (rightly) refuses the injected script; only the test browser runs it.
            context = browser.new_context(locale="fa-IR", viewport={"width": 1280, "height": 900}, bypass_csp=True)
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            for path in paths:
                page.goto(live_server.url + path)
                page.wait_for_load_state("networkidle")
                page.evaluate(source)
                for v in page.evaluate(RUN_AXE):
                    problems.append(f"{user.username} {path}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}")
                checked += 1
            context.close()
        browser.close()
    connections.close_all()
    assert checked >= 20, checked
    assert not problems, "\n".join(problems)
