"""What the public pages show, computed by the figure functions the rest of the site uses
and cached for anonymous traffic.

Only verified figures and aggregates leave here: the programme's headline figures
(reports.figures), each public commitment's ladder and public status
(commitments.figures), survival at 3/6/12 months over its businesses
(registry.survival: survival_by for the list, in one grouped query; survival_overall for
one commitment), jobs per county, and the frozen snapshot. Rows are plain dicts of those numbers and the commitments' public words
(title, organisation, dates): no person, business, note, file or single loan is read
into them, so none can reach a template.

Cached through core.figure_cache (the site's cache, bumped by every write, at most
FIGURE_TTL old; accountability.views caches the rendered page the same way), so a cached public
page costs no database query. Survival is cached for SURVIVAL_TTL on its own.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.core.cache import cache
from django.db.models import Q
from django.http import Http404

from commitments import figures as commitment_figures
from commitments.models import Commitment, Milestone, ProgressEntry
from commitments.selectors import commitments_public
from core import charts, figure_cache, glossary, persian
from programs import tiles
from registry.models import HomeBusiness
from registry.survival import survival_by, survival_overall
from reports import figures as report_figures
from reports import selectors as report_selectors
from reports.models import FigureSnapshot

SURVIVAL_MONTHS = (3, 6, 12)
SURVIVAL_TTL = 60 * 60  # seconds: how late a new continuity check may reach the public survival figures
SCOPE = "public"  # one scope: every anonymous visitor sees the same


def _row(fig, today: datetime.date, survival: dict | None) -> dict:
    c = fig.commitment
    status = commitment_figures.public_status(fig, today)
    prepared = status == "prepared"
    return {
        "id": c.pk,
        "title": c.title,
        "organization": c.organization.name,
        "instrument": c.get_instrument_display(),
        "venue": c.venue,
        "depth": fig.depth,
        "status": status,
        "status_word": glossary.PUBLIC_STATUS_WORDS[status],
        # «آماده امضا»: prepared, with no figure at all.
        "target": None if prepared else fig.target,
        "allocated": fig.allocated if fig.tranche_ids and not prepared else None,
        "realised": None if prepared else fig.realised,
        "remaining": None if prepared else fig.remaining,
        "percent": None if prepared else fig.percent,
        "signed_on": c.signed_on,
        "due_on": c.due_on,
        "survival": survival,
        "tranche_ids": list(fig.tranche_ids),
    }


def _survival(ids: list[int], today: datetime.date) -> list[dict]:
    """Share still active 3, 6 and 12 months after starting, over the businesses of these
    commitments (registry.figures, the glossary's «بقا»): [{"months", "percent", "known",
    "unchecked"}], percent None while no business is known at that horizon.

    Cached for SURVIVAL_TTL apart from the other figures: at a million businesses it is
    seconds of database time per page, and a verified entry (which bumps every other
    figure) does not change it; a new check shows here within the hour (said on the page).
    """
    key = "public-survival:" + hashlib.sha1(json.dumps([today.isoformat(), sorted(ids)]).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = _survival_uncached(ids, today)
        cache.set(key, value, timeout=SURVIVAL_TTL)
    return value


def _survival_uncached(ids: list[int], today: datetime.date) -> list[dict]:
    return _cells(
        survival_overall(HomeBusiness.objects.filter(commitment_id__in=ids), months=SURVIVAL_MONTHS, today=today)
    )


def _cells(totals: dict[int, dict]) -> list[dict]:
    return [
        {
            "months": n,
            "percent": None if cell["share"] is None else round(100 * cell["share"], 1),
            "known": cell["eligible"],
            "unchecked": cell["unknown"],
        }
        for n, cell in totals.items()
    ]


def _survival_of_families(families: dict[int, list[int]], today: datetime.date) -> dict[int, list[dict]]:
    """Survival for each root commitment over it and its tranches, all in one grouped
    survival query (registry.survival.survival_by), cached like _survival."""
    key = (
        "public-survival-all:"
        + hashlib.sha1(
            json.dumps([today.isoformat(), sorted((k, sorted(v)) for k, v in families.items())]).encode()
        ).hexdigest()
    )
    value = cache.get(key)
    if value is None:
        ids = sorted({pk for family in families.values() for pk in family})
        by_commitment = survival_by(
            HomeBusiness.objects.filter(commitment_id__in=ids), "commitment_id", months=SURVIVAL_MONTHS, today=today
        )
        value = {}
        for root, family in families.items():
            totals = {n: {"eligible": 0, "active": 0, "unknown": 0} for n in SURVIVAL_MONTHS}
            for pk in family:
                for n, cell in by_commitment.get(pk, {}).items():
                    for k in totals[n]:
                        totals[n][k] += cell[k]
            for cell in totals.values():
                cell["share"] = cell["active"] / cell["eligible"] if cell["eligible"] else None
            value[root] = _cells(totals)
        cache.set(key, value, timeout=SURVIVAL_TTL)
    return value


def _descendants(ladder) -> dict[int, list[int]]:
    """Each commitment's id with every tranche below it, at any depth."""
    by_id = {f.commitment.pk: f for f in ladder}

    def walk(pk: int) -> list[int]:
        out = [pk]
        for child in by_id[pk].tranche_ids:
            out += walk(child)
        return out

    return {pk: walk(pk) for pk in by_id}


def _compute_index(today: datetime.date) -> dict:
    numbers = report_figures.dashboard_figures(Commitment.objects.all(), today)
    public_ids = set(commitments_public().values_list("pk", flat=True))
    ladder = [f for f in numbers["figures"] if f.commitment.pk in public_ids]
    families = _descendants(numbers["figures"])
    roots = [f.commitment.pk for f in ladder if f.depth == 0 and f.commitment.status != Commitment.Status.PREPARED]
    survival = _survival_of_families({pk: families[pk] for pk in roots}, today)
    rows = [_row(fig, today, survival.get(fig.commitment.pk)) for fig in ladder]
    snapshot = report_selectors.current_snapshot()
    headline = report_figures.headline_facts(numbers)
    by_county = {r["label"]: r["jobs"] for r in numbers["by_county"]}
    return {
        "headline": headline,
        "rows": rows,
        "chart_tiles": charts.county_tiles(tiles.county_tiles(by_county), caption=glossary.label("new_jobs")),
        "snapshot": snapshot,
        "then_and_now": report_figures.then_and_now(snapshot.figures["facts"], headline) if snapshot else None,
        "snapshots": list(report_selectors.snapshots_public()[:10]),
    }


def index_figures(today: datetime.date | None = None) -> dict:
    today = today or persian.local_today()
    return figure_cache.cached("public-index", SCOPE, {"today": today}, lambda: _compute_index(today))


def _milestone_state(m: Milestone, today: datetime.date) -> str:
    if m.done_on:
        return "انجام شده"
    return "گذشته از مهلت" if m.due_on < today else "در پیش"


def _compute_commitment(pk: int, today: datetime.date) -> dict:
    commitment = Commitment.objects.select_related("organization").get(pk=pk)
    family = Commitment.objects.filter(Q(pk=pk) | Q(parent_id=pk) | Q(parent__parent_id=pk))
    ladder = commitment_figures.commitment_figures(family)
    fig = next(f for f in ladder if f.commitment.pk == pk)
    prepared = commitment.status == Commitment.Status.PREPARED
    public_ids = set(commitments_public().filter(pk__in=[f.commitment.pk for f in ladder]).values_list("pk", flat=True))
    families = _descendants(ladder)
    row = _row(fig, today, None if prepared else _survival(families[pk], today))
    tranches = [_row(f, today, None) for f in ladder if f.depth > 0 and f.commitment.pk in public_ids]
    trajectory = [] if prepared else commitment_figures.commitment_trajectory(fig, today, ids=families[pk])
    milestones = [
        {
            "title": m.title,
            "responsible": m.responsible.name,
            "due_on": m.due_on,
            "done_on": m.done_on,
            "state": _milestone_state(m, today),
        }
        for m in Milestone.objects.filter(commitment_id=pk).select_related("responsible").order_by("due_on", "id")
    ]
    return {
        "row": row,
        "tranches": tranches,
        "milestones": milestones,
        "chart_trajectory": charts.target_vs_realised(
            [{"label": t["label"], "target": t["promised"], "realised": t["realised"]} for t in trajectory],
            target_text="مسیر وعده‌شده",
        )
        if trajectory
        else "",
        "snapshot_figures": _snapshot_of(pk),
        "commitment_title": commitment.title,
    }


def _snapshot_of(pk: int) -> dict | None:
    snapshot = report_selectors.current_snapshot()
    if snapshot is None:
        return None
    frozen = snapshot.figures.get("commitments", {}).get(str(pk))
    if frozen is None:
        return None
    return {"snapshot": snapshot, "target": frozen.get("target"), "realised": frozen.get("realised")}


def commitment_page_figures(pk: int, today: datetime.date | None = None) -> dict:
    today = today or persian.local_today()
    return figure_cache.cached(
        "public-commitment", SCOPE, {"pk": pk, "today": today}, lambda: _compute_commitment(pk, today)
    )


def feed_items(limit: int = 50) -> list[dict]:
    """The Atom feed's entries: each public commitment's status changes (from its history)
    and each verification of jobs on it, newest first: the commitment, what changed and
    when; never who did it or why (a history reason may quote a note)."""
    return figure_cache.cached("public-feed", SCOPE, {"limit": limit}, lambda: _compute_feed(limit))


def _compute_feed(limit: int) -> list[dict]:
    public = commitments_public()
    titles = dict(public.values_list("pk", "title"))
    items = []
    history = (
        Commitment.history.filter(id__in=list(titles))
        .order_by("id", "history_date", "history_id")
        .values("id", "status", "history_date")
    )
    last: dict[int, str] = {}
    labels = dict(Commitment.Status.choices)
    for h in history:
        before = last.get(h["id"])
        last[h["id"]] = h["status"]
        if before == h["status"]:
            continue
        items.append(
            {
                "commitment_id": h["id"],
                "title": f"«{titles[h['id']]}»: {labels.get(h['status'], h['status'])}",
                "description": (
                    f"وضعیت تعهد «{titles[h['id']]}» {labels.get(h['status'], h['status'])} شد."
                    if before
                    else f"تعهد «{titles[h['id']]}» با وضعیت {labels.get(h['status'], h['status'])} ثبت شد."
                ),
                "at": h["history_date"],
                "key": f"status-{h['id']}-{h['history_date'].isoformat()}",
            }
        )
    verified = (
        ProgressEntry.objects.filter(
            status=ProgressEntry.Status.VERIFIED, is_baseline=False, commitment_id__in=list(titles)
        )
        .exclude(verified_at__isnull=True)
        .order_by("-verified_at")
        .values("pk", "commitment_id", "jobs_created", "period_end", "verified_at")[:limit]
    )
    for e in verified:
        jobs = persian.format_number(e["jobs_created"])
        items.append(
            {
                "commitment_id": e["commitment_id"],
                "title": f"«{titles[e['commitment_id']]}»: {jobs} شغل تأیید شد",
                "description": (
                    f"{jobs} شغل تا {persian.format_jalali(e['period_end'])} برای تعهد "
                    f"«{titles[e['commitment_id']]}» به تأیید مقام استانی رسید."
                ),
                "at": e["verified_at"],
                "key": f"verified-{e['pk']}",
            }
        )
    items.sort(key=lambda i: i["at"], reverse=True)
    return items[:limit]


def snapshot_rows(pk: int) -> list[list]:
    """The CSV of one snapshot (accountability.views.snapshot_csv): a heading, the frozen headline
    figures under the glossary's words, then each commitment public today with its frozen
    target and realised jobs. Latin digits: a spreadsheet must read them as numbers."""
    try:
        snapshot = FigureSnapshot.objects.select_related("report").get(pk=pk)
    except FigureSnapshot.DoesNotExist:
        raise Http404("این ارقام پیدا نشد.") from None
    rows: list[list] = [
        [
            f"ارقام گزارش نهایی «{snapshot.get_kind_display()}»، مهلت {persian.format_jalali(snapshot.due_on)}، "
            f"ارقام تا {persian.format_jalali(snapshot.as_of)}"
        ],
        ["شاخص", "مقدار"],
    ]
    for key, value in snapshot.figures.get("facts", {}).items():
        rows.append([glossary.label(key), "" if value is None else value])
    frozen = snapshot.figures.get("commitments", {})
    public = commitments_public().filter(pk__in=[int(k) for k in frozen]).select_related("organization")
    if public:
        rows += [[], ["تعهد", "متعهد", glossary.label("target"), glossary.label("realised")]]
        for c in public.order_by("id"):
            cell = frozen[str(c.pk)]
            target = cell.get("target")
            rows.append([c.title, c.organization.name, "" if target is None else target, cell.get("realised")])
    return rows
