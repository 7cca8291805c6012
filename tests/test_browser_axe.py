"""Accessibility, checked by axe-core in Chromium on every page each role reaches: no
serious or critical violation (colour contrast among them, WCAG 2.1 AA).

Every page is each kind of address tests/crawl.py finds from the role's first pages (the
same walk as the Persian-text crawl): the site as an official and as a staff member, at a
desktop's 1280 px and a phone's 390 px; the site and the whole admin as an admin, at
1280 px (the admin is used at a desk); and, signed out, the sign-in page and the public
pages at both widths. Each page is checked once per role and width.

axe-core is a devDependency from the npm registry (package.json): `make assets` installs it
into node_modules, from where this test hands it to the test browser. It is never copied to
static/, so no user is ever served it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from tests.fixtures import CHROMIUM_ARGS

from .crawl import walk
from .test_visual_persian import populated  # noqa: F401 (the fixture: something on every page)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("populated")]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
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

# (role, width, first pages, least pages expected): a walk that suddenly reaches few pages
# (a login redirect, a broken menu) fails rather than passing over nothing.
RUNS = [
    ("official", 1280, ["/"], 12),
    ("staff", 1280, ["/"], 12),
    ("official", 390, ["/"], 12),
    ("staff", 390, ["/"], 12),
    ("admin", 1280, ["/", "/admin/"], 80),
    # No login: the sign-in page and the public accountability pages.
    ("visitor", 1280, ["/accounts/login/", "/public/"], 3),
    ("visitor", 390, ["/accounts/login/", "/public/"], 3),
]


@pytest.mark.parametrize(("role", "width", "start", "least"), RUNS, ids=[f"{r}-{w}px" for r, w, _, _ in RUNS])
def test_no_serious_or_critical_violation_on_any_page(
    role, width, start, least, live_server, client, official, staff, admin_user, monkeypatch
):
    from playwright.sync_api import sync_playwright

    assert AXE.exists(), f"axe-core is missing: run `make assets` (npm install) to get {AXE}"
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    user = {"official": official, "staff": staff, "admin": admin_user}.get(role)
    if user is not None:
        client.force_login(user)
    paths = [path for path, _, _ in walk(client, start)]
    session = client.cookies["sessionid"].value if user is not None else None
    source = AXE.read_text()
    problems: list[str] = []
    began = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        # bypass_csp: the site's CSP (rightly) refuses the injected script; only the test browser runs it.
        context = browser.new_context(locale="fa-IR", viewport={"width": width, "height": 900}, bypass_csp=True)
        if session:
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
        page = context.new_page()
        for path in paths:
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            page.evaluate(source)
            for v in page.evaluate(RUN_AXE):
                problems.append(f"{path}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}")
        context.close()
        browser.close()
    connections.close_all()
    print(f"axe {role} {width}px: {len(paths)} pages in {time.monotonic() - began:.0f} s")
    assert len(paths) >= least, paths
    assert not problems, f"{len(problems)} on {len({p.split(':')[0] for p in problems})} pages:\n" + "\n".join(problems)
