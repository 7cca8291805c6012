"""The public pages: no login, no forms, GET and HEAD only, rate limited, figures from the site's
cache (accountability/figures.py). Persian, right to left, Jalali, like every page."""

from __future__ import annotations

import csv

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_safe

from commitments.selectors import commitment_get_public
from core import figure_cache, glossary, persian
from registry.imports import guard_formula

from . import figures
from .throttle import rate_limited

PUBLIC_STATUS_ORDER = ["on_track", "behind", "achieved", "cancelled", "prepared"]


def _common() -> dict:
    return {
        "status_rule": glossary.PUBLIC_STATUS_RULE,
        "status_words": [glossary.PUBLIC_STATUS_WORDS[k] for k in PUBLIC_STATUS_ORDER],
        "today": persian.local_today(),
    }


def _rendered(request: HttpRequest, template: str, build) -> HttpResponse:
    """The page as every anonymous visitor gets it, rendered once per data version and day
    (core.figure_cache): drawing a few hundred commitments' rows cost more than reading
    their cached figures. The address is in the key for the Open Graph URL."""
    today = persian.local_today()
    html = figure_cache.cached(
        "public-html",
        figures.SCOPE,
        # The path, not the query string: ?anything must not fill the cache with copies.
        {"url": request.build_absolute_uri(request.path), "today": today},
        lambda: render_to_string(
            template, {**build(), **_common(), "og_url": request.build_absolute_uri(request.path)}, request=request
        ),
    )
    return HttpResponse(html)


@require_safe
@rate_limited
def index(request: HttpRequest) -> HttpResponse:
    def build() -> dict:
        data = figures.index_figures()
        headline = data["headline"]
        og = (
            f"{persian.format_number(headline['new_jobs'])} {glossary.label('new_jobs')} از "
            f"{persian.format_number(headline['new_jobs_target'] or 0)} {glossary.label('new_jobs_target')}؛ "
            f"{glossary.label('baseline_jobs')} جدا: {persian.format_number(headline['baseline_jobs'])}."
        )
        return {**data, "og_description": og}

    return _rendered(request, "public/index.html", build)


@require_safe
@rate_limited
def commitment(request: HttpRequest, pk: int) -> HttpResponse:
    def build() -> dict:
        commitment_get_public(pk)  # 404 alike for missing and not public
        data = figures.commitment_page_figures(pk)
        row = data["row"]
        if row["realised"] is None:
            og = f"«{row['title']}» — {row['organization']}: {row['status_word']}، بدون رقم."
        else:
            og = (
                f"«{row['title']}» — {row['organization']}: {persian.format_number(row['realised'])} "
                f"{glossary.label('realised')} از {persian.format_number(row['target'])} {glossary.label('target')}؛ "
                f"{row['status_word']}."
            )
        return {**data, "og_description": og}

    # Whether it is public is read afresh only when the page is: taking a commitment off
    # bumps the data version (a Commitment save), so its cached page is gone at once.
    return _rendered(request, "public/commitment.html", build)


class StatusFeed(Feed):
    """Atom: each public commitment's status changes and verified jobs (accountability/figures.py)."""

    feed_type = Atom1Feed
    title = "تعهدهای اشتغال مشاغل خانگی استان کرمان: تغییر وضعیت‌ها"
    subtitle = "تغییر وضعیت تعهدهای عمومی و شغل‌های تأییدشدهٔ آن‌ها؛ فقط ارقام تأییدشده."
    language = "fa"

    def link(self):
        return reverse("public:index")

    def items(self):
        return figures.feed_items()

    def item_title(self, item):
        return item["title"]

    def item_description(self, item):
        return item["description"]

    def item_link(self, item):
        return reverse("public:commitment", args=[item["commitment_id"]])

    def item_guid(self, item):
        return item["key"]

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item["at"]

    def item_updateddate(self, item):
        return item["at"]


feed = require_safe(rate_limited(StatusFeed()))


@require_safe
@rate_limited
def snapshot_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """A snapshot's figures as the report that carried them printed them, as CSV: the
    headline facts, and each commitment that is public today. The report's PDF itself is
    not offered here: it also covers commitments officials keep off the public pages."""
    rows = figures.snapshot_rows(pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="snapshot-{pk}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 Persian only after a BOM
    writer = csv.writer(response)
    for row in rows:
        # Titles are officials' text: a cell starting «=» must stay text in a spreadsheet.
        writer.writerow([guard_formula(v) if isinstance(v, str) else v for v in row])
    return response
