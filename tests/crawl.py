"""Walking the site as a person does: from the first page each role lands on, every link
within the site, one page per kind of address; and reading what such a page shows."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

# Addresses a walk does not open: downloads (files, not pages), logging out, the admin's
# JavaScript catalogue (a delete page only asks, on GET, so it is read too). And /api/: the
# partner interface answers JSON to the banks' programs, and /api/docs/ is a page for their
# programmers only, linked from no page here. That page is Swagger UI, whose own buttons
# («Try it out», «Execute», «Responses») are English with no translation to switch to;
# what it shows from the schema (titles, summaries, descriptions, tags, fields, answers)
# is Persian, checked by api/tests/test_schema.py.
SKIP = re.compile(
    r"/logout/|/jsi18n/|/evidence/|/export/|/reports/\d+/(pdf|xlsx)/|/reports/status|/healthz|/static/|/media/"
    r"|/admin/r/|/password/|/api/"
)


def kind_of(path: str) -> str:
    """One page per kind of address: /progress/12/ and /progress/13/ are the same page."""
    return re.sub(r"/\d+/", "/N/", path)


class _Reader(HTMLParser):
    """The words a person sees: text outside script/style and hidden parts, plus the
    values, placeholders and labels of visible inputs and buttons; and the page's links."""

    HIDDEN_TAGS = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in self.HIDDEN_TAGS:
            self.skip += 1
            return
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag in ("input", "textarea") and a.get("type") not in ("hidden",) and "hidden" not in a:
            for name in ("value", "placeholder"):
                if a.get(name) and a.get("type") not in ("checkbox", "radio", "password"):
                    self.parts.append(a[name])
        if tag == "img" and a.get("alt"):
            self.parts.append(a["alt"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN_TAGS and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(data)


def read(html: str) -> tuple[str, list[str]]:
    reader = _Reader()
    reader.feed(html)
    return " ".join(" ".join(reader.parts).split()), reader.links


def walk(client, start: list[str], limit: int = 250):
    """Yield (path, html) for each page reached from `start` by links, GET only."""
    seen_kinds: set[str] = set()
    queue = deque(start)
    while queue and len(seen_kinds) < limit:
        url = urldefrag(queue.popleft())[0]
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path
        if not path.startswith("/") or SKIP.search(path) or parts.query:
            continue
        if kind_of(path) in seen_kinds:
            continue
        seen_kinds.add(kind_of(path))
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        text, links = read(html)
        yield path, html, text
        queue.extend(links)
