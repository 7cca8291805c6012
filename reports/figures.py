"""The figures officials quote, over commitments and the registry together.

The one place the dashboard's and the reports' sums are computed, so a page and a
report cannot disagree.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, IntegerField, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from commitments.figures import jalali_month_spans, ladder, with_latest_entries
from commitments.models import Commitment, CommitmentVerifiedJobs, ProvinceVerifiedJobs, VerifiedJobsSummary
from commitments.summaries import is_every_commitment, month_number
from core import persian
from registry.figures import business_status_counts, still_active_jobs
from registry.models import HomeBusiness


def dashboard_figures(commitments: QuerySet[Commitment], today: datetime.date | None = None, *, county=None) -> dict:
    """Every sum the dashboard and the reports show, in four queries whatever the data size.

    The one place these numbers are computed, so a page and a report cannot disagree:
    the commitments; verified entries by commitment (شغل پایه apart); businesses by
    commitment; verified entries by county and sector with one column per Jalali month
    (the last twelve up to `today`). Organisations and programmes come from the
    commitments already loaded. With `county`, the entries and businesses counted are
    that county's only, so every card on a county's dashboard is the county's.

    Keys (words: core.glossary): figures (the ladder of the commitments, the baseline
    record left out), programs (programme_figures per programme), new_jobs, baseline_jobs,
    pledged, still_active, registered_jobs, unchecked (businesses), by_org / by_county / by_sector
    ({label, jobs, credit} of new jobs, most jobs first), months ({year, month, label, jobs}).
    """
    today = today or persian.local_today()
    # Each with its latest entries' periods: «نیازمند گزارش» (commitments.figures.owing_of)
    # is then read from the ladder with no query of its own.
    # And how many commitments there are in all (places, below), in the same query.
    items = list(
        with_latest_entries(commitments)
        .annotate(commitments_in_all=_count_of(Commitment.objects.all()))
        .select_related("organization", "program", "parent")
        .order_by("id")
    )
    ids = [c.id for c in items]
    place = {"county": county} if county is not None else {}

    # Verified entries are read from their summary (commitments.summaries: by
    # commitment × county × sector × Jalali month, kept with every verification).
    everything = county is None and is_every_commitment(commitments)
    by_commitment = VerifiedJobsSummary if county is not None else CommitmentVerifiedJobs
    verified_rows = (
        by_commitment.objects.filter(commitment_id__in=ids, **place)
        .values("commitment_id")
        .annotate(
            # The shape commitments.figures.ladder reads: all verified jobs and the
            # baseline among them, which it keeps out of every commitment's figures.
            all_jobs=Coalesce(Sum("jobs"), 0),
            all_credit=Coalesce(Sum("credit"), 0),
            baseline_jobs=Coalesce(Sum("jobs", filter=Q(is_baseline=True)), 0),
        )
        .order_by()
    )
    verified = {
        r["commitment_id"]: {"jobs": r["all_jobs"], "credit": r["all_credit"], "baseline": r["baseline_jobs"]}
        for r in verified_rows
    }
    # The registry's figures come from the registry's one function (each owner once,
    # «هنوز فعال» = latest check active), over these commitments' businesses.
    statuses = business_status_counts(HomeBusiness.objects.filter(commitment_id__in=ids, **place))
    promises = [c for c in items if not c.is_baseline_record]
    figures = ladder(promises, verified)

    spans = jalali_month_spans(today, 12)
    month_sums = {
        f"m{i}": Coalesce(Sum("jobs", filter=Q(month=month_number(year, month))), 0)
        for i, (year, month, _, _) in enumerate(spans)
    }

    # Every commitment seen (an official's dashboard): the province-wide sums, a few
    # thousand rows, instead of summing every commitment's. Most of them seen (a reporter
    # of nearly all): the province's sums less those of the few not seen, so the rows read
    # are those of the smaller side (the province table is every commitment's sum,
    # kept in the same transaction: commitments.summaries).
    def place_rows(rows, sign: int):
        return (
            rows.filter(is_baseline=False)
            .values("county__name", "sector__name")
            .annotate(sign=Value(sign), **month_sums, place_jobs=Sum("jobs"), place_credit=Sum("credit"))
            .order_by()
        )

    unseen = (items[0].commitments_in_all - len(ids)) if items else 0
    if everything:
        places = place_rows(ProvinceVerifiedJobs.objects.all(), 1)
    elif county is None and unseen < len(ids):
        places = place_rows(ProvinceVerifiedJobs.objects.all(), 1).union(
            place_rows(VerifiedJobsSummary.objects.exclude(commitment_id__in=ids), -1), all=True
        )
    else:
        places = place_rows(VerifiedJobsSummary.objects.filter(commitment_id__in=ids, **place), 1)
    by_county: dict[str, dict] = {}
    by_sector: dict[str, dict] = {}
    month_jobs = [0] * len(spans)
    for row in places:
        sign = row["sign"]
        for totals, name in ((by_county, row["county__name"]), (by_sector, row["sector__name"])):
            cell = totals.setdefault(name or "نامشخص", {"jobs": 0, "credit": 0})
            cell["jobs"] += sign * (row["place_jobs"] or 0)
            cell["credit"] += sign * (row["place_credit"] or 0)
        for i in range(len(spans)):
            month_jobs[i] += sign * row[f"m{i}"]

    by_org: dict[str, dict] = {}
    for c in items:
        row = verified.get(c.id)
        if row is None or not row["jobs"] - row["baseline"]:
            continue
        cell = by_org.setdefault(c.organization.name, {"jobs": 0, "credit": 0})
        cell["jobs"] += row["jobs"] - row["baseline"]
        cell["credit"] += row["credit"]

    def ranked(totals: dict[str, dict]) -> list[dict]:
        # (A place none of the commitments shown has an entry in nets to nought.)
        rows = [{"label": label, **cell} for label, cell in totals.items() if cell["jobs"] or cell["credit"]]
        return sorted(rows, key=lambda r: (-r["jobs"], r["label"]))

    programs = programme_figures(items, figures, verified)
    total = _programme_row(
        None,
        target=sum(p["new_jobs_target"] or 0 for p in programs),
        new_jobs=sum(p["new_jobs"] for p in programs),
        baseline_jobs=sum(p["baseline_jobs"] for p in programs),
        pledged=sum(p["pledged"] for p in programs),
    )
    return {
        "figures": figures,
        "programs": programs,
        "programme_total": total,
        "new_jobs": total["new_jobs"],
        "baseline_jobs": total["baseline_jobs"],
        "pledged": total["pledged"],
        "still_active": still_active_jobs(statuses),
        "registered_jobs": sum(v["jobs"] for v in statuses.values()),
        "unchecked": statuses.get(HomeBusiness.Status.UNCHECKED, {}).get("count", 0),
        "by_org": ranked(by_org),
        "by_county": ranked(by_county),
        "by_sector": ranked(by_sector),
        "months": [
            {"year": y, "month": m, "label": persian.jalali_month_label(y, m), "jobs": month_jobs[i]}
            for i, (y, m, _, _) in enumerate(spans)
        ],
    }


def _count_of(qs: QuerySet):
    """COUNT(*) of qs as a scalar subquery."""
    counted = qs.order_by().annotate(_all=Value(1)).values("_all").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def programme_figures(items: list[Commitment], ladder_figures, verified: dict[int, dict]) -> list[dict]:
    """The programme's figures (core.glossary: شغل پایه، شغل تازه، هدف شغل تازه، درصد تحقق
    برنامه، باقی‌مانده تا هدف شغل تازه، تعهد شده), one row per programme of `items`, newest
    programme first.

    تعهد شده adds the targets of the ladder's roots only: a tranche is inside its parent's
    target, and where the parent is not among `items` (a filter, a reporter's own view)
    the tranche is a root itself. Cancelled commitments and the baseline record promise
    nothing; a prepared MoU has no figure yet.
    """
    rows: dict[int, dict] = {}
    for c in items:
        row = rows.setdefault(c.program_id, {"program": c.program, "baseline_jobs": 0, "new_jobs": 0, "pledged": 0})
        v = verified.get(c.id)
        if v:
            row["baseline_jobs"] += v["baseline"]
            row["new_jobs"] += v["jobs"] - v["baseline"]
    for fig in ladder_figures:
        c = fig.commitment
        if fig.depth == 0 and c.status != Commitment.Status.CANCELLED and c.jobs_target:
            rows[c.program_id]["pledged"] += c.jobs_target
    ordered = sorted(rows.values(), key=lambda r: (-r["program"].starts_on.toordinal(), r["program"].name))
    return [
        _programme_row(
            r["program"],
            target=r["program"].jobs_target,
            new_jobs=r["new_jobs"],
            baseline_jobs=r["baseline_jobs"],
            pledged=r["pledged"],
        )
        for r in ordered
    ]


def _programme_row(program, *, target: int, new_jobs: int, baseline_jobs: int, pledged: int) -> dict:
    """The programme's derived figures, written once for a programme and for all together."""
    return {
        "program": program,
        "new_jobs": new_jobs,
        "baseline_jobs": baseline_jobs,
        "pledged": pledged,
        "new_jobs_target": target,
        "programme_remaining": max(target - new_jobs, 0) if target else None,
        "programme_percent": round(100.0 * new_jobs / target, 1) if target else None,
    }


# The headline figures a frozen snapshot is set beside today's (the same glossary keys
# the timetable's facts carry), in the order pages print them.
HEADLINE_KEYS = ("new_jobs", "new_jobs_target", "programme_percent", "pledged", "baseline_jobs", "still_active")
PERCENT_KEYS = {"programme_percent"}


def headline_facts(numbers: dict) -> dict:
    """{glossary key: value} of the province's headline figures, from dashboard_figures."""
    total = numbers["programme_total"]
    facts = {key: total[key] for key in HEADLINE_KEYS if key in total}
    facts["still_active"] = numbers["still_active"]
    return facts


def then_and_now(snapshot_facts: dict, today_facts: dict) -> list[dict]:
    """Rows of «آنچه به مجمع نمایندگان ارائه شد» beside «امروز»: each figure's key, its
    frozen value and today's, kept in separate columns (never summed or mixed)."""
    return [
        {"key": key, "then": snapshot_facts.get(key), "now": today_facts.get(key), "percent": key in PERCENT_KEYS}
        for key in HEADLINE_KEYS
    ]
