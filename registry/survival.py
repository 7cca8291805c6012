"""Cohort survival: the share of each start month's businesses still active 3, 6 and 12
Jalali months after starting, by the glossary's rule (core.glossary, "survival"), read
from the summary tables (registry.summaries) when the question is one they can answer,
else from the businesses and checks; both give the same (tests).

Months here are Jalali months. Django's Trunc*/__month are Gregorian, so the month
boundaries are computed in Python (`persian.jalali_month_range`) and handed to the
database as CASE ranges or day tables.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections.abc import Iterable

import jdatetime
from django.db import connections
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least

from core import glossary, persian

from . import figures
from .figures import ACTIVE, INACTIVE, SCOPE_FIELDS, SEMI_CLOSED
from .models import (
    BusinessFigure,
    CohortSummary,
    ContinuityCheck,
    HomeBusiness,
    ProvinceCohortSummary,
)
from .selectors import counted

# The survival rule is the glossary's (core.glossary, "survival"): the cohort page, the
# pathology report and the glossary page print these words; `cohort_survival` implements
# exactly this, with WINDOW_MONTHS.
WINDOW_MONTHS = glossary.SURVIVAL_WINDOW_MONTHS
SURVIVAL_RULE = glossary.definition("survival")


# ---------------------------------------------------------------- Jalali month arithmetic


def _month_plus(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + n
    return index // 12, index % 12 + 1


def add_jalali_months(value: datetime.date, n: int) -> datetime.date:
    """The same Jalali day n months later; a day the target month lacks becomes its last
    day (31 Shahrivar + 1 month = 30 Mehr; 30 Esfand 1403 + 12 months = 29 Esfand 1404)."""
    j = persian.to_jalali(value)
    year, month = _month_plus(j.year, j.month, n)
    day = min(j.day, persian.jalali_month_length(year, month))
    return jdatetime.date(year, month, day).togregorian()


def _latest_start_reaching(n: int, today: datetime.date) -> datetime.date:
    """The last start date whose start + n months is on or before today.

    start + n months never decreases as start grows, so every earlier start is
    eligible too. The answer lies in the Jalali month n months before today's.
    """
    j = persian.to_jalali(today)
    year, month = _month_plus(j.year, j.month, -n)
    first, last = persian.jalali_month_range(year, month)
    candidate = last
    while candidate >= first and add_jalali_months(candidate, n) > today:
        candidate -= datetime.timedelta(days=1)
    return candidate  # the day before `first` when nothing in that month qualifies


# ---------------------------------------------------------------- cohort survival

_PENDING = "pending"  # start + N months is still in the future: not counted at N
_NO_CHECK = "unknown"  # no check from start + N months to before start + N + 3: «پایش‌نشده» at N


def _horizons_needed(months: tuple[int, ...]) -> tuple[int, ...]:
    """Every start + k months the rule reads: each N and the end of its window, N + 3."""
    return tuple(sorted({*months, *(n + WINDOW_MONTHS for n in months)}))


def _cohorts(businesses: QuerySet[HomeBusiness]) -> list[tuple[int, int, datetime.date, datetime.date]]:
    span = businesses.order_by().aggregate(first=Min("started_on"), last=Max("started_on"))
    if span["first"] is None:
        return []
    first, last = persian.to_jalali(span["first"]), persian.to_jalali(span["last"])
    cohorts = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        cohorts.append((year, month, *persian.jalali_month_range(year, month)))
        year, month = _month_plus(year, month, 1)
    return cohorts


def _horizon(cohorts, n: int):
    """start + n Jalali months as a database expression, for every cohort at once.

    Within the cohort (y, m) every start moves by the same number of days (the
    lengths of months m … m+n-1), except a day the target month lacks, which stops at
    that month's last day: hence LEAST(start + days, end of target month).
    """
    whens = []
    for year, month, first, _ in cohorts:
        target_year, target_month = _month_plus(year, month, n)
        target_first, target_last = persian.jalali_month_range(target_year, target_month)
        shift = datetime.timedelta(days=(target_first - first).days)
        moved = ExpressionWrapper(F("started_on") + Value(shift), output_field=DateField())
        whens.append(
            When(
                started_on__range=(first, _),
                then=Least(moved, Value(target_last, output_field=DateField()), output_field=DateField()),
            )
        )
    return Case(*whens, output_field=DateField())


def _status_at(n: int, today: datetime.date):
    """«pending», «unknown», or the status of the first check made on or after start + n
    months and before start + n + 3 months (first by checked_on, then by id)."""
    status_then = (
        ContinuityCheck.objects.filter(
            business=OuterRef("pk"),
            checked_on__gte=OuterRef(f"_horizon_{n}"),
            checked_on__lt=OuterRef(f"_horizon_{n + WINDOW_MONTHS}"),
        )
        .order_by("checked_on", "id")
        .values("status")[:1]
    )
    return Case(
        When(started_on__gt=_latest_start_reaching(n, today), then=Value(_PENDING)),
        default=Coalesce(Subquery(status_then), Value(_NO_CHECK)),
        output_field=CharField(),
    )


def _survival_groups_portable(businesses, cohorts, months, today, group=None) -> list[tuple]:
    """(cohort index, status at each horizon, businesses[, group]): one grouped ORM query
    that reads each business's status at each horizon through a correlated subquery."""
    cohort_index = Case(
        *[When(started_on__range=(first, last), then=Value(i)) for i, (_, _, first, last) in enumerate(cohorts)],
        output_field=IntegerField(),
    )
    qs = businesses.order_by().annotate(_cohort=cohort_index)
    for n in _horizons_needed(months):
        qs = qs.annotate(**{f"_horizon_{n}": _horizon(cohorts, n)})
    for n in months:
        qs = qs.annotate(**{f"_status_{n}": _status_at(n, today)})
    statuses = [f"_status_{n}" for n in months]
    extra = [group] if group else []
    return [
        (g["_cohort"], tuple(g[s] for s in statuses), g["n"], *(g[k] for k in extra))
        for g in qs.values("_cohort", *statuses, *extra).annotate(n=Count("id"))
    ]


def _day_horizons(cohorts, months) -> tuple[list, list, dict[int, list]]:
    """Every start day of the span with its cohort and its start + N months, in Python:
    a few thousand days at most, whatever the number of businesses."""
    days, index, horizons = [], [], {n: [] for n in months}
    for i, (year, month, first, last) in enumerate(cohorts):
        targets = {}
        for n in months:
            target_year, target_month = _month_plus(year, month, n)
            target_first, target_last = persian.jalali_month_range(target_year, target_month)
            targets[n] = (target_first - first, target_last)
        day = first
        while day <= last:
            days.append(day)
            index.append(i)
            for n, (shift, cap) in targets.items():
                horizons[n].append(min(day + shift, cap))
            day += datetime.timedelta(days=1)
    return days, index, horizons


def _survival_groups_postgresql(businesses, cohorts, months, today, group=None) -> list[tuple]:
    """The same groups in one statement built for PostgreSQL at a million businesses.

    Per-row CASE expressions over every cohort (the portable path) cost more than the
    rest of the query at that size, so each start day's cohort and horizons come as
    arrays (unnest) joined on the start date; the checks are joined once and each
    business's status at each horizon is the first of its checks in that horizon's
    window, oldest first (array_agg … ORDER BY … FILTER). Measured at 1,000,000
    businesses / 3,000,000 checks: ~6 s, against ~30 s for correlated subqueries. The
    window rule costs what the old "latest check by N" one did: 12.0 s against 11.9 s
    side by side on the bench set, on a machine busy with other work (load 7 on 2 cores).
    """
    needed = _horizons_needed(months)
    days, index, horizons = _day_horizons(cohorts, needed)
    extra = [group] if group else []  # a name from SURVIVAL_GROUPS only, never from a request
    inner_sql, inner_params = businesses.order_by().values("id", "started_on", *extra).query.sql_with_params()
    carried = "".join(f", b.{k}" for k in extra)
    outer = "".join(f", x.{k}" for k in extra)
    names = {n: f"h{n}" for n in needed}  # column names from integers only: nothing user-made in the SQL
    first = ", ".join(
        f"(array_agg(c.status ORDER BY c.checked_on, c.id) FILTER "
        f"(WHERE c.checked_on >= h.{names[n]} AND c.checked_on < h.{names[n + WINDOW_MONTHS]}))[1] AS s{i}"
        for i, n in enumerate(months)
    )
    status = ", ".join(
        f"CASE WHEN x.{names[n]} > %s THEN '{_PENDING}' ELSE COALESCE(x.s{i}, '{_NO_CHECK}') END"
        for i, n in enumerate(months)
    )
    horizon_columns = ", ".join(f"h.{names[n]}" for n in needed)
    sql = f"""
        SELECT x.cohort, {status}, COUNT(*){outer}
        FROM (
            SELECT b.id{carried}, h.cohort, {horizon_columns}, {first}
            FROM ({inner_sql}) b
            JOIN unnest(%s::date[], %s::int[], {", ".join("%s::date[]" for _ in needed)})
                AS h(day, cohort, {", ".join(names[n] for n in needed)}) ON h.day = b.started_on
            LEFT JOIN {ContinuityCheck._meta.db_table} c ON c.business_id = b.id
            GROUP BY b.id{carried}, h.cohort, {horizon_columns}
        ) x
        GROUP BY {", ".join(str(i + 1) for i in range(len(months) + 1))}{outer}
    """
    params = [today] * len(months) + list(inner_params) + [days, index] + [horizons[n] for n in needed]
    with connections[businesses.db].cursor() as cursor:
        cursor.execute(sql, params)
        width = len(months) + 2  # cohort, the statuses, the count; then the group, if any
        return [(row[0], tuple(row[1 : width - 1]), row[width - 1], *row[width:]) for row in cursor.fetchall()]


def cohort_survival(
    businesses: QuerySet[HomeBusiness], months: Iterable[int] = (3, 6, 12), today: datetime.date | None = None
) -> list[dict]:
    """Share of each start-month cohort still active 3, 6 and 12 months after starting.

    Definitions (the same for every report and page; SURVIVAL_RULE says them in Persian):
    - cohort: the Jalali month of `started_on`; one row per month from the first
      start to the last, oldest first, empty months included (started = 0).
    - N months after starting: the same Jalali day N months later; a day the target
      month lacks becomes its last day (31 Shahrivar + 1 month = 30 Mehr).
    - status at N months: the status of the business's FIRST continuity check made on
      or after start + N months and before start + (N + 3) months (first by
      checked_on, then by id). Checks come late in practice; a check in the fourth
      month still tells the 3-month status, while one before the N-month day or on or
      after the (N + 3)-month day does not count at N (a month-7 check is the
      6-month status, not the 3-month one).
    - unknown («پایش‌نشده» at N): the N-month day has come but no check is in the
      window (also while the window is still open); excluded from eligible and share.
      A business whose N-month day is after `today` is not counted at N at all.
    - eligible: businesses with a check in the window (the known ones).
    - active: eligible businesses whose status at N months is active.
    - share: active / eligible (over what is known), a float between 0 and 1; None
      when nobody is eligible. Show "unknown" beside it.

    Row: {"year", "month", "label" («تیر ۱۴۰۴»), "started",
          "survival": {N: {"eligible", "active", "share", "unknown"}}}.

    Two queries: the span of start dates, then one grouped query (PostgreSQL: a join
    of businesses, per-day horizons and checks; other databases: correlated
    subqueries on ContinuityCheck's index on business, -checked_on, -id).
    """
    months = tuple(months)
    today = today or persian.local_today()
    summarised = _survival_from_summaries(businesses, months, today)
    if summarised is not None:
        return summarised
    businesses = counted(businesses)  # each owner once, on both paths below
    cohorts = _cohorts(businesses)
    if not cohorts:
        return []
    if connections[businesses.db].vendor == "postgresql":
        groups = _survival_groups_postgresql(businesses, cohorts, months, today)
    else:
        groups = _survival_groups_portable(businesses, cohorts, months, today)
    return _survival_rows(cohorts, groups, months)


def _empty_cell() -> dict:
    return {"eligible": 0, "active": 0, "share": None, "unknown": 0}


def _count(cell: dict, status: str, count: int) -> None:
    """Add `count` businesses whose status at N is `status` to a survival cell."""
    if status == _NO_CHECK:
        cell["unknown"] += count
    elif status != _PENDING:
        cell["eligible"] += count
        if status == ACTIVE:
            cell["active"] += count


def _set_share(cell: dict) -> None:
    cell["share"] = cell["active"] / cell["eligible"] if cell["eligible"] else None


def _survival_rows(cohorts, groups, months, pending_at=None) -> list[dict]:
    """The rows from (cohort index, status at each horizon, businesses) groups. With
    `pending_at` ({N: cohort indexes whose N-month day is still to come for every
    business}), statuses at N in those cohorts are not counted."""
    pending_at = pending_at or {}

    rows = [
        {
            "year": year,
            "month": month,
            "label": persian.jalali_month_label(year, month),
            "started": 0,
            "survival": {n: _empty_cell() for n in months},
        }
        for year, month, _, _ in cohorts
    ]
    for cohort, statuses, count in groups:
        row = rows[cohort]
        row["started"] += count
        for n, status in zip(months, statuses, strict=True):
            cell = row["survival"][n]
            if cohort in pending_at.get(n, ()):
                continue
            _count(cell, status, count)
    for row in rows:
        for cell in row["survival"].values():
            _set_share(cell)
    return rows


def _survival_from_summaries(businesses, months, today, group: str | None = None):
    """cohort_survival from the summaries (registry.summaries), or None when the
    businesses' conditions are more than the summaries can say. With `group` (one of
    SURVIVAL_GROUPS): {value: cohort_survival's rows for that value}, for survival_by.

    The stored status at N (BusinessFigure.status_N, CohortSummary) is the first check
    in the window, whatever day it is; whether the N-month day has come is decided here
    from `today`: a cohort month all of whose starts are past `_latest_start_reaching`
    is pending, one all before it is reached, and in the one month that straddles it
    the businesses started after it are read from BusinessFigure and taken out.
    """
    if not set(months) <= {3, 6, 12}:
        return None
    province = None if group else ProvinceCohortSummary
    source = figures.summary_rows(businesses, CohortSummary, frozenset({"commitment"}), province)
    per_business = figures.summary_rows(businesses, BusinessFigure, SCOPE_FIELDS | {"started_on"})
    if per_business is None:
        return None
    per_business = per_business.filter(counted=True)
    statuses = [f"status_{n}" for n in months]
    by = [group] if group else []
    if source is not None:
        found = source.values(*by, "cohort", *statuses).annotate(n=Sum("businesses")).filter(n__gt=0)
    else:
        found = per_business.values(*by, "cohort", *statuses).annotate(n=Count("business_id"))
    found = list(found.order_by())
    if not found:
        return {} if group else []
    first, last = min(g["cohort"] for g in found), max(g["cohort"] for g in found)
    cohorts = []
    for number in range(first, last + 1):
        year, month = divmod(number, 12)
        cohorts.append((year, month + 1, *persian.jalali_month_range(year, month + 1)))

    pending_at: dict[int, set[int]] = {}
    straddling: dict[int, tuple[int, datetime.date, datetime.date]] = {}
    for n in months:
        reach = _latest_start_reaching(n, today)
        pending_at[n] = {i for i, (_, _, start, _) in enumerate(cohorts) if start > reach}
        for i, (_, _, start, end) in enumerate(cohorts):
            if start <= reach < end:
                straddling[n] = (i, reach, end)
    groups: dict[object, list] = {}
    for g in found:
        statuses_of = tuple(_NO_CHECK if g[s] == "" else g[s] for s in statuses)
        groups.setdefault(g[group] if group else None, []).append((g["cohort"] - first, statuses_of, g["n"]))
    result = {value: _survival_rows(cohorts, rows, months, pending_at) for value, rows in groups.items()}
    if straddling:
        # Started after the last start whose N-month day has come: not counted at N. One
        # query for every N, over the few weeks of starts concerned.
        windows = {n: Q(started_on__gt=reach, started_on__lte=end) for n, (_, reach, end) in straddling.items()}
        codes = {"none": "", ACTIVE: ACTIVE, SEMI_CLOSED: SEMI_CLOSED, INACTIVE: INACTIVE}
        counts = {
            f"n{n}_{name}": Count("business_id", filter=window & Q(**{f"status_{n}": code}))
            for n, window in windows.items()
            for name, code in codes.items()
        }
        late_rows = per_business.filter(functools.reduce(operator.or_, windows.values()))
        if group:
            late_by = {r[group]: r for r in late_rows.values(group).annotate(**counts).order_by()}
        else:
            late_by = {None: late_rows.aggregate(**counts)}
        for value, late in late_by.items():
            if value not in result:
                continue
            for n, (i, _, _) in straddling.items():
                cell = result[value][i]["survival"][n]
                cell["unknown"] -= late[f"n{n}_none"]
                for name in (ACTIVE, SEMI_CLOSED, INACTIVE):
                    cell["eligible"] -= late[f"n{n}_{name}"]
                cell["active"] -= late[f"n{n}_{ACTIVE}"]
                _set_share(cell)
    return result if group else result.get(None, [])


def survival_overall(
    businesses: QuerySet[HomeBusiness], months: Iterable[int] = (6, 12), today: datetime.date | None = None
) -> dict[int, dict]:
    """All cohorts together, with the definitions of `cohort_survival`:
    {N: {"eligible", "active", "share", "unknown"}}."""
    months = tuple(months)
    return survival_totals(cohort_survival(businesses, months=months, today=today), months=months)


def survival_totals(rows: list[dict], months: Iterable[int] = (6, 12)) -> dict[int, dict]:
    """`survival_overall` from rows `cohort_survival` already returned (no query), for a
    page that shows both."""
    months = tuple(months)
    totals = {n: _empty_cell() for n in months}
    for row in rows:
        for n in months:
            for key in ("eligible", "active", "unknown"):
                totals[n][key] += row["survival"][n][key]
    for cell in totals.values():
        _set_share(cell)
    return totals


# The fields survival_by may group on (they go into SQL as column names).
SURVIVAL_GROUPS = {"commitment_id"}


def survival_by(
    businesses: QuerySet[HomeBusiness], group: str, months: Iterable[int] = (6, 12), today: datetime.date | None = None
) -> dict[object, dict[int, dict]]:
    """`survival_overall` for each value of `group` (SURVIVAL_GROUPS, e.g. each
    commitment), with the definitions of `cohort_survival`, in the same two queries as one
    survival_overall: {value: {N: {"eligible", "active", "share", "unknown"}}}. Each owner
    is counted once over the whole queryset (as survival_overall counts), under the
    business `counted` keeps."""
    if group not in SURVIVAL_GROUPS:
        raise ValueError(f"group must be one of {sorted(SURVIVAL_GROUPS)}, not {group!r}")
    months = tuple(months)
    today = today or persian.local_today()
    summarised = _survival_from_summaries(businesses, months, today, group=group)
    if summarised is not None:
        return {value: survival_totals(rows, months) for value, rows in summarised.items()}
    businesses = counted(businesses)
    cohorts = _cohorts(businesses)
    if not cohorts:
        return {}
    if connections[businesses.db].vendor == "postgresql":
        groups = _survival_groups_postgresql(businesses, cohorts, months, today, group=group)
    else:
        groups = _survival_groups_portable(businesses, cohorts, months, today, group=group)
    result: dict[object, dict[int, dict]] = {}
    for _cohort, statuses, count, value in groups:
        totals = result.setdefault(value, {n: _empty_cell() for n in months})
        for n, status in zip(months, statuses, strict=True):
            cell = totals[n]
            _count(cell, status, count)
    for totals in result.values():
        for cell in totals.values():
            _set_share(cell)
    return result
