"""The figures officials quote, over commitments and the registry together.

The one place the dashboard's and the reports' sums are computed, so a page and a
report cannot disagree.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from commitments.figures import VERIFIED, jalali_month_spans, ladder, program_row
from commitments.models import Commitment, ProgressEntry
from core import persian
from registry.models import HomeBusiness
from registry.selectors import counted


def dashboard_figures(commitments: QuerySet[Commitment], today: datetime.date | None = None) -> dict:
    """Every sum the dashboard and the reports show, in four queries whatever the data size.

    The one place these numbers are computed, so a page and a report cannot disagree:
    the commitments; verified entries by commitment (baseline apart); businesses by
    commitment (active and all); verified entries by county and sector with one column
    per Jalali month (the last twelve up to `today`). Organisations and programmes come
    from the commitments already loaded.

    Keys: figures (the ladder, as commitment_figures), programs (target, baseline, new,
    remaining per programme), realised, active, ever_created, by_org / by_county /
    by_sector ({label, jobs, credit}, most jobs first), months ({year, month, label, jobs}).
    """
    today = today or persian.local_today()
    items = list(commitments.select_related("organization", "program", "parent").order_by("id"))
    ids = [c.id for c in items]

    verified_rows = (
        ProgressEntry.objects.filter(status=VERIFIED, commitment_id__in=ids)
        .values("commitment_id")
        .annotate(
            jobs=Sum("jobs_created"),
            credit=Sum("credit_paid"),
            baseline=Coalesce(Sum("jobs_created", filter=Q(is_baseline=True)), 0),
        )
    )
    verified = {r["commitment_id"]: r for r in verified_rows}
    business_rows = (
        counted(HomeBusiness.objects.filter(commitment_id__in=ids))  # each owner once
        .values("commitment_id")
        .annotate(
            active=Coalesce(Sum("jobs", filter=Q(status=HomeBusiness.Status.ACTIVE)), 0),
            all_jobs=Coalesce(Sum("jobs"), 0),
        )
    )
    businesses = {r["commitment_id"]: r for r in business_rows}
    figures = ladder(items, verified)

    spans = jalali_month_spans(today, 12)
    month_sums = {
        f"m{i}": Coalesce(Sum("jobs_created", filter=Q(period_end__gte=start, period_end__lte=end)), 0)
        for i, (_, _, start, end) in enumerate(spans)
    }
    places = (
        ProgressEntry.objects.filter(status=VERIFIED, commitment_id__in=ids)
        .values("county__name", "sector__name")
        .annotate(jobs=Sum("jobs_created"), credit=Sum("credit_paid"), **month_sums)
    )
    by_county: dict[str, dict] = {}
    by_sector: dict[str, dict] = {}
    month_jobs = [0] * len(spans)
    for row in places:
        for totals, name in ((by_county, row["county__name"]), (by_sector, row["sector__name"])):
            cell = totals.setdefault(name or "نامشخص", {"jobs": 0, "credit": 0})
            cell["jobs"] += row["jobs"] or 0
            cell["credit"] += row["credit"] or 0
        for i in range(len(spans)):
            month_jobs[i] += row[f"m{i}"]

    by_org: dict[str, dict] = {}
    programs: dict[int, dict] = {}
    for c in items:
        row = verified.get(c.id)
        program = programs.setdefault(c.program_id, {"program": c.program, "baseline": 0, "new": 0})
        if row is None:
            continue
        cell = by_org.setdefault(c.organization.name, {"jobs": 0, "credit": 0})
        cell["jobs"] += row["jobs"] or 0
        cell["credit"] += row["credit"] or 0
        program["baseline"] += row["baseline"]
        program["new"] += (row["jobs"] or 0) - row["baseline"]

    def ranked(totals: dict[str, dict]) -> list[dict]:
        rows = [{"label": label, **cell} for label, cell in totals.items()]
        return sorted(rows, key=lambda r: (-r["jobs"], r["label"]))

    return {
        "figures": figures,
        "programs": [
            program_row(p["program"], p["baseline"], p["new"])
            for p in sorted(programs.values(), key=lambda p: (-p["program"].starts_on.toordinal(), p["program"].name))
        ],
        "realised": sum((r["jobs"] or 0) for r in verified.values()),
        "active": sum(r["active"] for r in businesses.values()),
        "ever_created": sum(r["all_jobs"] for r in businesses.values()),
        "by_org": ranked(by_org),
        "by_county": ranked(by_county),
        "by_sector": ranked(by_sector),
        "months": [
            {"year": y, "month": m, "label": persian.jalali_month_label(y, m), "jobs": month_jobs[i]}
            for i, (y, m, _, _) in enumerate(spans)
        ],
    }
