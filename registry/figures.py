"""Figures of the home-business registry: counts by status and the pathology breakdowns
(cohort survival is registry.survival).

A business is «پایش‌نشده» (unchecked) until its first continuity check; «فعال»,
«نیمه‌تعطیل» and «غیرفعال» come from checks only, and «هنوز فعال» means the latest
check says active. Every share of active here is taken over what is known — the
businesses with a check (now, or in the window of `SURVIVAL_RULE`) — and the
unchecked are counted beside it, never hidden in the denominator: a page or report
that shows a share says «از پایش‌شده» and shows the «پایش‌نشده» count next to it.

Every function takes a queryset of businesses the caller has already scoped to what
the user may see (`selectors.businesses_visible_to(user)`, optionally filtered), counts
each owner once (`selectors.counted`, applied at the entry of each figure), and
answers with a fixed, small number of aggregate queries whatever the number of
businesses: no Python loop over business rows, no query per business or per cohort.

Months here are Jalali months. Django's Trunc*/__month are Gregorian, so the month
boundaries are computed in Python (`persian.jalali_month_range`) and handed to the
database as CASE ranges.
"""

from __future__ import annotations

from django.db.models import (
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce
from django.db.models.lookups import Lookup
from django.db.models.sql.query import Query as SqlQuery
from django.db.models.sql.where import AND

from commitments.models import Commitment

from .models import (
    BusinessStatusSummary,
    ContinuityCheck,
    HomeBusiness,
    ProvinceStatusSummary,
)
from .selectors import counted

UNCHECKED = HomeBusiness.Status.UNCHECKED
ACTIVE = HomeBusiness.Status.ACTIVE
SEMI_CLOSED = HomeBusiness.Status.SEMI_CLOSED
INACTIVE = HomeBusiness.Status.INACTIVE

UNKNOWN_LABEL = "نامشخص"

# by → (the grouping key, the label shown); grouped by id too so two rows with the
# same name (two commitments titled alike) are not merged.
_BREAKDOWN_KEYS = {
    "county": ("county_id", "county__name"),
    "sector": ("sector_id", "sector__name"),
    "commitment": ("commitment_id", "commitment__title"),
}


# ---------------------------------------------------------------- reading the summaries
#
# The figures read registry.summaries' tables (kept current with every write) instead
# of the businesses and checks, when the caller's queryset says only what the table
# can: which commitments, counties, sectors (and, for some tables, statuses or start
# dates) — the scope of a reader and the list's filters. Anything else (a code search)
# is computed from the businesses as before. Both give the same answer
# (tests/test_summaries.py).

SCOPE_FIELDS = {"commitment", "county", "sector"}


def summary_rows(
    businesses: QuerySet[HomeBusiness], model, fields=frozenset(SCOPE_FIELDS), province=None
) -> QuerySet | None:
    """`model`'s rows under the same conditions as `businesses`, or None when its
    conditions are not only AND-ed lookups on `fields` of the business itself.

    With `province` (the same table summed over every commitment, without a commitment
    column): when the only condition on the commitment is "among every commitment" (an
    official's scope), that table's rows instead, a few thousand rather than a few
    hundred thousand at province scale."""
    query = businesses.query
    if query.combinator or query.is_sliced or query.distinct or query.where.negated:
        return None
    if query.where.connector != AND and len(query.where.children) > 1:
        return None
    base = query.base_table
    lookups = []
    for child in query.where.children:
        lhs = getattr(child, "lhs", None)
        if (
            not isinstance(child, Lookup)
            or not isinstance(lhs, Col)
            or lhs.alias != base
            or lhs.target.model is not HomeBusiness
            or lhs.target.name not in fields
        ):
            return None
        lookups.append(child)
    if province is not None:
        on_commitment = [c for c in lookups if c.lhs.target.name == "commitment"]
        if all(_every_commitment(c) for c in on_commitment):
            model = province
            lookups = [c for c in lookups if c not in on_commitment]
    rows = model.objects.all()
    alias = rows.query.get_initial_alias()
    for child in lookups:
        lhs = child.lhs
        field = model._meta.get_field(lhs.target.name)
        # The same column on the summary, typed as the original lookup typed it.
        output = field if lhs.output_field is lhs.target else lhs.output_field
        rows.query.where.add(type(child)(Col(alias, field, output), child.rhs), AND)
    return rows


def _every_commitment(lookup) -> bool:
    """`commitment IN (every commitment)`: what an official's scope says."""
    rhs = lookup.rhs
    return (
        lookup.lookup_name == "in"
        and isinstance(rhs, SqlQuery)
        and rhs.model is Commitment
        and not rhs.where.children
        and not rhs.is_sliced
        and not rhs.combinator
    )


def business_status_counts(businesses: QuerySet[HomeBusiness]) -> dict[str, dict[str, int]]:
    """{status: {"count", "jobs"}} for the statuses present, «unchecked» included (a
    business no check has reached is never counted active). One query."""
    summary = summary_rows(businesses, BusinessStatusSummary, SCOPE_FIELDS | {"status"}, ProvinceStatusSummary)
    if summary is not None:
        rows = summary.filter(counted=True).values("status").annotate(n=Sum("businesses"), jobs=Sum("jobs"))
        return {r["status"]: {"count": r["n"], "jobs": r["jobs"] or 0} for r in rows if r["n"]}
    businesses = counted(businesses)  # each owner once
    rows = businesses.values("status").annotate(n=Count("id"), jobs=Sum("jobs"))
    return {r["status"]: {"count": r["n"], "jobs": r["jobs"] or 0} for r in rows}


def business_count(businesses: QuerySet[HomeBusiness]) -> int:
    """How many businesses the queryset lists, «تکراری» ones included (the list's count)."""
    summary = summary_rows(businesses, BusinessStatusSummary, SCOPE_FIELDS | {"status"}, ProvinceStatusSummary)
    if summary is not None:
        return summary.aggregate(n=Coalesce(Sum("businesses"), 0))["n"]
    return businesses.count()


def business_list_counts(businesses: QuerySet[HomeBusiness]) -> tuple[dict[str, dict[str, int]], int]:
    """(business_status_counts, business_count) of the same businesses: from the summary in
    one query when it can say them, else each from the rows."""
    summary = summary_rows(businesses, BusinessStatusSummary, SCOPE_FIELDS | {"status"}, ProvinceStatusSummary)
    if summary is None:
        return business_status_counts(businesses), business_count(businesses)
    rows = summary.values("status").annotate(
        n=Coalesce(Sum("businesses", filter=Q(counted=True)), 0),
        jobs=Sum("jobs", filter=Q(counted=True)),
        listed=Coalesce(Sum("businesses"), 0),
    )
    rows = list(rows)
    counts = {r["status"]: {"count": r["n"], "jobs": r["jobs"] or 0} for r in rows if r["n"]}
    return counts, sum(r["listed"] for r in rows)


def still_active_jobs(counts: dict[str, dict[str, int]]) -> int:
    """«هنوز فعال»: the jobs of businesses whose latest check says active, read from
    business_status_counts (each owner once; a never-checked business is not in it)."""
    return counts.get(HomeBusiness.Status.ACTIVE, {}).get("jobs", 0)


# ---------------------------------------------------------------- pathology


def pathology_breakdown(businesses: QuerySet[HomeBusiness], by: str) -> list[dict]:
    """Businesses by county, sector or commitment with their statuses and jobs.

    One row per group, largest first: {"label", "active", "semi_closed", "inactive",
    "unchecked", "checked", "total", "jobs_active", "jobs_total"} (counts of businesses;
    jobs summed). "checked" = active + semi_closed + inactive, the businesses with at
    least one check: a share of active is active / checked (over what is known), with
    "unchecked" shown beside it. One query.
    """
    try:
        key, label = _BREAKDOWN_KEYS[by]
    except KeyError:
        raise ValueError(f"by must be one of {sorted(_BREAKDOWN_KEYS)}, not {by!r}") from None
    is_active = Q(status=ACTIVE)
    province = None if by == "commitment" else ProvinceStatusSummary
    summary = summary_rows(businesses, BusinessStatusSummary, SCOPE_FIELDS | {"status"}, province)
    if summary is not None:
        rows = (
            summary.filter(counted=True)
            .values(key, label)
            .annotate(
                active=Coalesce(Sum("businesses", filter=is_active), 0),
                semi_closed=Coalesce(Sum("businesses", filter=Q(status=SEMI_CLOSED)), 0),
                inactive=Coalesce(Sum("businesses", filter=Q(status=INACTIVE)), 0),
                unchecked=Coalesce(Sum("businesses", filter=Q(status=UNCHECKED)), 0),
                total=Sum("businesses"),
                jobs_active=Coalesce(Sum("jobs", filter=is_active), 0),
                jobs_total=Coalesce(Sum("jobs"), 0),
            )
            .filter(total__gt=0)
            .order_by("-total", label, key)
        )
        return [_breakdown_row(row, label) for row in rows]
    businesses = counted(businesses)  # each owner once
    rows = (
        businesses.order_by()
        .values(key, label)
        .annotate(
            active=Count("id", filter=is_active),
            semi_closed=Count("id", filter=Q(status=SEMI_CLOSED)),
            inactive=Count("id", filter=Q(status=INACTIVE)),
            unchecked=Count("id", filter=Q(status=UNCHECKED)),
            total=Count("id"),
            jobs_active=Coalesce(Sum("jobs", filter=is_active), 0),
            jobs_total=Coalesce(Sum("jobs"), 0),
        )
        .order_by("-total", label, key)
    )
    return [_breakdown_row(row, label) for row in rows]


def _breakdown_row(row: dict, label: str) -> dict:
    return {
        "label": row[label] or UNKNOWN_LABEL,
        "active": row["active"],
        "semi_closed": row["semi_closed"],
        "inactive": row["inactive"],
        "unchecked": row["unchecked"],
        "checked": row["total"] - row["unchecked"],
        "total": row["total"],
        "jobs_active": row["jobs_active"],
        "jobs_total": row["jobs_total"],
    }


def reason_counts(businesses: QuerySet[HomeBusiness]) -> list[dict]:
    """Why businesses are not active: the reason of each semi-closed or inactive
    business's latest check («پایش‌نشده» businesses have no reason and are not here).

    Rows {"reason", "label", "semi_closed", "inactive", "total"}: every reason of
    ContinuityCheck.Reason (zeros included, so a chart always has the same bars), most
    frequent first, ties in the order of the choices; plus a row with reason "" and
    label «نامشخص» when a non-active business has no check (only possible for data
    entered outside the services). One query.
    """
    summary = summary_rows(businesses, BusinessStatusSummary, SCOPE_FIELDS | {"status"}, ProvinceStatusSummary)
    if summary is not None:
        rows = (
            summary.filter(counted=True, status__in=[SEMI_CLOSED, INACTIVE])
            .values(latest_reason=F("reason"))
            .annotate(
                semi_closed=Coalesce(Sum("businesses", filter=Q(status=SEMI_CLOSED)), 0),
                inactive=Coalesce(Sum("businesses", filter=Q(status=INACTIVE)), 0),
            )
            .order_by()
        )
        return _reason_rows({row["latest_reason"]: row for row in rows})
    businesses = counted(businesses)  # each owner once
    latest_reason = (
        ContinuityCheck.objects.filter(business=OuterRef("pk")).order_by("-checked_on", "-id").values("reason")[:1]
    )
    rows = (
        businesses.order_by()
        .filter(status__in=[SEMI_CLOSED, INACTIVE])
        .annotate(latest_reason=Coalesce(Subquery(latest_reason), Value("")))
        .values("latest_reason")
        .annotate(
            semi_closed=Count("id", filter=Q(status=SEMI_CLOSED)),
            inactive=Count("id", filter=Q(status=INACTIVE)),
        )
    )
    return _reason_rows({row["latest_reason"]: row for row in rows})


def _reason_rows(found: dict[str, dict]) -> list[dict]:
    result = []
    for code, label in ContinuityCheck.Reason.choices:
        row = found.get(code, {"semi_closed": 0, "inactive": 0})
        result.append(
            {
                "reason": code,
                "label": label,
                "semi_closed": row["semi_closed"],
                "inactive": row["inactive"],
                "total": row["semi_closed"] + row["inactive"],
            }
        )
    order = {code: i for i, (code, _) in enumerate(ContinuityCheck.Reason.choices)}
    result.sort(key=lambda r: (-r["total"], order[r["reason"]]))
    unknown = found.get("")
    if unknown and (unknown["semi_closed"] or unknown["inactive"]):
        result.append(
            {
                "reason": "",
                "label": UNKNOWN_LABEL,
                "semi_closed": unknown["semi_closed"],
                "inactive": unknown["inactive"],
                "total": unknown["semi_closed"] + unknown["inactive"],
            }
        )
    return result
