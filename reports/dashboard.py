"""The dashboard: the province's figures for officials, a reporter's own for staff.

Its sums come from reports.figures, the same function the deadline reports read, so the
page and the paper cannot disagree.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from commitments import figures as commitment_figures
from commitments import selectors as commitment_selectors
from commitments.models import ProgressEntry
from core import charts, figure_cache, glossary, persian
from core.roles import is_chamber_staff, is_official
from programs import tiles

from . import drawing, figures, selectors
from .filters import DashboardFilter


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = commitment_selectors.commitments_visible_to(user)
    filterset = DashboardFilter(request.GET or None, queryset=visible)
    filterset.read_choices()
    # Unbound (no filter in the URL) shows everything visible; an invalid filter shows nothing
    # and its errors, rather than silently ignoring what the person asked for.
    commitments = filterset.qs if (not filterset.is_bound or filterset.is_valid()) else visible.none()
    today = persian.local_today()
    county = filterset.form.cleaned_data.get("county") if filterset.is_bound and filterset.is_valid() else None
    # The sums over every entry and business, cached until the next write (at most a
    # minute); keyed by exactly which commitments are shown and the county counted.
    # Every card shows the commitments above it; where that is not the whole province,
    # the cards say so, and the programme's percentage (its 12,000 target is the
    # province's) is not set against a part of it; nor is the last snapshot shown, or read.
    whole_province = is_official(user) and not request.GET
    shared = figure_cache.cached(
        "dashboard",
        figure_cache.scope_of(commitments) if filterset.is_bound else commitment_selectors.reader_scope(user),
        {
            "today": today,
            "filtered": bool(request.GET),
            "county": county.pk if county else None,
            "snapshot": whole_province,
        },
        lambda: _dashboard_figures(
            commitments, today, filtered=bool(request.GET), county=county, with_snapshot=whole_province
        ),
    )
    reportable = ""
    returned = []
    if is_chamber_staff(user) or user.is_superuser:
        # Drawn with the figures' cache (hundreds of rows for a reporter of many): the
        # person's own list, stale once any commitment, entry or reporter changes.
        reportable = figure_cache.cached(
            "reportable", f"user:{user.pk}", {"today": today}, lambda: _reportable_html(user, today)
        )
        returned = list(
            ProgressEntry.objects.filter(entered_by=user, status=ProgressEntry.Status.REJECTED).select_related(
                "commitment"
            )[:20]
        )
    context = {
        "filterset": filterset,
        "filtered": bool(request.GET),
        **shared,
        "milestones": commitment_selectors.upcoming_milestones(user, today=today, limit=12),
        "done_milestones": selectors.done_milestones(user),
        "may_mark_done": is_official(user),
        "reportable": reportable,
        "returned": returned,
        "today": today,
        "whole_province": whole_province,
        "scope_note": _scope_note(user, filtered=bool(request.GET), county=county),
    }
    snapshot = shared["snapshot"]
    if context["whole_province"] and snapshot is not None:
        # What the Assembly received on the last deadline, beside today's figures.
        context["then_and_now"] = figures.then_and_now(snapshot.figures["facts"], figures.headline_facts(shared))
    else:
        context["snapshot"] = None
    return render(request, "reports/dashboard.html", context)


def _reportable_html(user, today) -> str:
    """The commitments this person reports on, each with «ثبت پیشرفت» and what it owes;
    "" when none."""
    mine = commitment_selectors.commitments_reportable_by(user)
    rows = list(commitment_figures.with_latest_entries(mine).select_related("organization"))
    if not rows:
        return ""
    owing = commitment_figures.owing_of(rows, today)
    for c in rows:
        c.owes = owing.get(c.pk)
    return render_to_string("reports/_reportable.html", {"rows": drawing.reportable_rows(rows)})


def _scope_note(user, *, filtered: bool, county) -> str:
    parts = []
    if not is_official(user):
        parts.append("فقط تعهدهایی که شما گزارش‌دهندهٔ آن‌ها هستید")
    if filtered:
        parts.append("فقط تعهدهای پالایش‌شده")
    if county is not None:
        parts.append(f"فقط گزارش‌ها و کسب‌وکارهای شهرستان {county.name}")
    return ("همهٔ ارقام این صفحه: " + "، ".join(parts) + ".") if parts else ""


def _dashboard_figures(commitments, today, *, filtered: bool, county=None, with_snapshot: bool = True) -> dict:
    """Everything on the dashboard that depends on the commitments shown, not on the reader.

    The commitment table (hundreds of rows, a progress bar each) is cached rendered:
    drawing it again on every visit cost more than all the dashboard's SQL.
    """
    numbers = figures.dashboard_figures(commitments, today, county=county)
    ladder = numbers.pop("figures")
    owing = commitment_figures.owing_of([fig.commitment for fig in ladder], today)
    for fig in ladder:
        fig.outlook = fig.forecast(today)
        fig.owes = owing.get(fig.commitment.pk)
    by_org, by_county, by_sector = numbers["by_org"], numbers["by_county"], numbers["by_sector"]
    return {
        **numbers,
        "ladder_html": render_to_string(
            "reports/_ladder.html", {"figures": ladder, "rows": drawing.ladder_rows(ladder), "filtered": filtered}
        ),
        "owing_count": len(owing),
        "chart_targets": charts.target_vs_realised(
            [
                {"label": ("↲ " * f.depth) + f.commitment.title, "target": f.target, "realised": f.realised}
                for f in ladder[:20]
            ]
        ),
        "chart_months": charts.monthly_columns(numbers["months"]),
        "chart_county": charts.horizontal_bars([{"label": r["label"], "value": r["jobs"]} for r in by_county[:15]]),
        "chart_sector": charts.horizontal_bars([{"label": r["label"], "value": r["jobs"]} for r in by_sector[:15]]),
        # The figures last handed over (shown to officials on the whole province only):
        # cached with the rest, and a new snapshot bumps the cache (reports.apps).
        "snapshot": selectors.current_snapshot() if with_snapshot else None,
        "chart_tiles": charts.county_tiles(
            tiles.county_tiles({r["label"]: r["jobs"] for r in by_county}), caption=glossary.label("new_jobs")
        ),
        "chart_org": charts.horizontal_bars([{"label": r["label"], "value": r["jobs"]} for r in by_org[:15]]),
    }
