"""The figures of commitments: each one's ladder (target, allocated, realised, remaining,
percent) rolled up over its tranches, where its current pace leads, and what a reviewer
reads beside an entry (the review context and the «بیش از هدف» flag).

«شغل پایه» (baseline entries: jobs created before the system, entered by the admin) is
never part of a commitment's realised jobs, percentage or room; the ladder keeps it apart
in `baseline`. The province-wide figures that also read the registry are in
reports/figures.py.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from core import persian

from .models import Commitment, CommitmentVerifiedJobs, ProgressEntry

VERIFIED = ProgressEntry.Status.VERIFIED
SUBMITTED = ProgressEntry.Status.SUBMITTED


@dataclass
class CommitmentFigures:
    commitment: Commitment
    target: int | None
    allocated: int  # sum of the tranches' targets
    realised: int  # verified jobs of this commitment and all its tranches, baseline excluded
    realised_own: int  # verified jobs entered directly on this commitment, baseline excluded
    credit_paid: int
    depth: int = 0
    baseline: int = 0  # «شغل پایه» of this commitment and its tranches, shown apart, never in realised
    tranche_ids: list[int] = field(default_factory=list)

    @property
    def unallocated(self) -> int | None:
        return None if self.target is None else max(self.target - self.allocated, 0)

    @property
    def remaining(self) -> int | None:
        return None if self.target is None else max(self.target - self.realised, 0)

    @property
    def percent(self) -> float | None:
        if not self.target:
            return None
        return min(100.0 * self.realised / self.target, 100.0)

    def forecast(self, today: datetime.date | None = None) -> dict:
        """Where the current pace leads by the due date.

        Pace = realised jobs per day since signing. On track when the pace carries the
        commitment to its target by the end of its due day.
        """
        return forecast(
            target=self.target,
            realised=self.realised,
            started=self.commitment.signed_on,
            due=self.commitment.due_on,
            today=today,
        )


# Beyond this a finishing date says nothing an official can use (and, at a pace of a
# few jobs a year, lies past the calendar's end): the forecast says «بیش از N سال».
FORECAST_HORIZON_YEARS = 10


def forecast(*, target, realised, started, due, today=None) -> dict:
    """Where the current pace leads: projected jobs by the due day, on track or not, and
    when the target would be reached (`finish_on`, or `finish_label` «بیش از N سال با
    آهنگ فعلی» when that is more than FORECAST_HORIZON_YEARS away)."""
    today = today or persian.local_today()
    result = {"projected": None, "on_track": None, "label": "نامعلوم", "finish_on": None, "finish_label": ""}
    if not target:
        result["label"] = "بدون هدف"
        return result
    if realised >= target:
        return {**result, "projected": realised, "on_track": True, "label": "محقق شده"}
    if not started or not due:
        return result
    elapsed = (today - started).days + 1
    if elapsed <= 0:
        return {**result, "label": "شروع نشده"}
    pace = realised / elapsed
    total_days = (due - started).days + 1
    projected = int(pace * total_days)
    finish_on, finish_label = None, ""
    if pace > 0:
        days_left = (target - realised) / pace
        if days_left > FORECAST_HORIZON_YEARS * 365.25:
            finish_label = f"بیش از {persian.format_number(int(days_left // 365.25))} سال با آهنگ فعلی"
        else:
            finish_on = today + datetime.timedelta(days=int(days_left))
            finish_label = persian.format_jalali(finish_on)
    on_track = projected >= target
    if today > due:
        label = "مهلت گذشته"
        on_track = False
    else:
        label = "در مسیر" if on_track else "عقب از برنامه"
    return {
        "projected": projected,
        "on_track": on_track,
        "label": label,
        "finish_on": finish_on,
        "finish_label": finish_label,
    }


def _verified_jobs_by_commitment(commitment_ids) -> dict[int, dict]:
    # The same shape reports/figures.py builds for the dashboard: all verified jobs, and
    # the baseline among them, which ladder() takes out of realised.
    # Read from the summary (commitments.summaries keeps it with every verification).
    rows = (
        CommitmentVerifiedJobs.objects.filter(commitment_id__in=commitment_ids)
        .values("commitment_id")
        .annotate(
            all_jobs=Sum("jobs"),
            all_credit=Sum("credit"),
            baseline_jobs=Coalesce(Sum("jobs", filter=Q(is_baseline=True)), 0),
        )
        .order_by()
    )
    return {
        r["commitment_id"]: {"jobs": r["all_jobs"], "credit": r["all_credit"], "baseline": r["baseline_jobs"]}
        for r in rows
    }


def commitment_figures(commitments: QuerySet[Commitment]) -> list[CommitmentFigures]:
    """Every commitment of the queryset with its ladder figures, parents before tranches.

    Two queries whatever the number of commitments: the commitments, and verified
    entries grouped by commitment.
    """
    items = list(commitments.select_related("organization", "program", "parent").order_by("id"))
    ids = [c.id for c in items]
    return ladder(items, _verified_jobs_by_commitment(ids))


def ladder(items: list[Commitment], verified: dict[int, dict]) -> list[CommitmentFigures]:
    """The figures of `items`, each parent followed by its tranches, sums rolled up.

    `verified` maps a commitment id to {"jobs": verified jobs, "baseline": the baseline
    among them (0 if absent), "credit": credit paid}. Realised is jobs − baseline: the
    baseline is never a commitment's realised jobs, percentage or room.
    """
    by_id = {c.id: c for c in items}
    children: dict[int | None, list[Commitment]] = {}
    for c in items:
        parent_id = c.parent_id if c.parent_id in by_id else None
        children.setdefault(parent_id, []).append(c)

    result: list[CommitmentFigures] = []

    def walk(c: Commitment, depth: int) -> CommitmentFigures:
        row = verified.get(c.id, {})
        baseline = row.get("baseline") or 0
        own = (row.get("jobs") or 0) - baseline
        fig = CommitmentFigures(
            commitment=c,
            target=c.jobs_target,
            allocated=0,
            realised=own,
            realised_own=own,
            credit_paid=row.get("credit") or 0,
            depth=depth,
            baseline=baseline,
        )
        result.append(fig)
        for child in children.get(c.id, []):
            child_fig = walk(child, depth + 1)
            fig.tranche_ids.append(child.id)
            if child.status != Commitment.Status.CANCELLED:
                fig.allocated += child.jobs_target or 0
            fig.realised += child_fig.realised
            fig.baseline += child_fig.baseline
            fig.credit_paid += child_fig.credit_paid
        return fig

    for root in children.get(None, []):
        walk(root, 0)
    return result


# ---------------------------------------------------------------- review context


@dataclass(frozen=True)
class TargetFigures:
    """One commitment as a reviewer reads it, in the glossary's words. Both sums are the
    commitment's and its tranches', rolled up by ladder(); the baseline is in neither."""

    commitment: Commitment
    target: int | None  # «هدف»
    verified: int  # «تحقق‌یافته»
    awaiting: int  # «در انتظار بررسی»: submitted, not yet verified or returned

    @property
    def remaining(self) -> int | None:
        """«باقی‌مانده»: هدف − تحقق‌یافته, never below zero."""
        return None if self.target is None else max(self.target - self.verified, 0)

    @property
    def left_after_awaiting(self) -> int | None:
        """What would still be left if everything awaiting review were verified."""
        return None if self.target is None else max(self.target - self.verified - self.awaiting, 0)

    @property
    def percent(self) -> float | None:
        if not self.target:
            return None
        return min(100.0 * self.verified / self.target, 100.0)

    @property
    def hint_template(self) -> str:
        """The «بیش از هدف» sentence with {total} and {over} left for the entry form's
        script to fill in as the person types (static/js/site.js)."""
        return over_target_text(self, total="{total}", over="{over}")


@dataclass(frozen=True)
class ReviewContext:
    own: TargetFigures
    parent: TargetFigures | None  # for a tranche: the commitment it is part of

    @property
    def levels(self) -> list[TargetFigures]:
        return [self.own] if self.parent is None else [self.own, self.parent]


@dataclass(frozen=True)
class OverTarget:
    """«بیش از هدف» on one level (the entry's commitment, or a tranche's parent)."""

    figures: TargetFigures
    total: int  # تحقق‌یافته + در انتظار بررسی, this entry included
    over: int

    @property
    def message(self) -> str:
        return over_target_text(
            self.figures, total=persian.format_number(self.total), over=persian.format_number(self.over)
        )


def over_target_text(figures: TargetFigures, *, total: str, over: str) -> str:
    return (
        f"بیش از هدف: با این گزارش {total} شغل از هدف {persian.format_number(figures.target)} شغل "
        f"«{figures.commitment.title}» — {over} شغل بیشتر"
    )


def review_context(commitments: Iterable[Commitment]) -> dict[int, ReviewContext]:
    """For each commitment (by id): its «هدف», «تحقق‌یافته», «در انتظار بررسی»,
    «باقی‌مانده», and its parent's, for a tranche.

    One query whatever the number of commitments: their families (each commitment, its
    parent, and the tranches two levels below either, as the commitment page reads them),
    each with its verified jobs and the baseline among them from the summary
    (CommitmentVerifiedJobs, kept with every verification) and its submitted jobs from its
    entries (through the partial index entry_awaiting_jobs: the submitted ones only). The
    roll-up over tranches is ladder()'s, run once on verified and once on submitted jobs.
    """
    wanted = {c.pk: c for c in commitments}
    if not wanted:
        return {}
    heads = set(wanted) | {c.parent_id for c in wanted.values() if c.parent_id}
    kept = CommitmentVerifiedJobs.objects.filter(commitment=OuterRef("pk")).order_by().values("commitment")
    submitted = (
        ProgressEntry.objects.filter(commitment=OuterRef("pk"), status=SUBMITTED, is_baseline=False)
        .order_by()
        .values("commitment")
    )
    family = list(
        Commitment.objects.filter(Q(pk__in=heads) | Q(parent_id__in=heads) | Q(parent__parent_id__in=heads))
        .annotate(
            _jobs=Coalesce(Subquery(kept.annotate(s=Sum("jobs")).values("s")), 0),
            _baseline=Coalesce(Subquery(kept.filter(is_baseline=True).values("jobs")[:1]), 0),
            _awaiting=Coalesce(Subquery(submitted.annotate(s=Sum("jobs_created")).values("s")), 0),
        )
        .order_by("id")
    )
    verified = {
        fig.commitment.pk: fig
        for fig in ladder(family, {c.pk: {"jobs": c._jobs, "baseline": c._baseline} for c in family})
    }
    awaiting = {
        fig.commitment.pk: fig.realised for fig in ladder(family, {c.pk: {"jobs": c._awaiting} for c in family})
    }

    def figures_of(pk: int) -> TargetFigures:
        fig = verified[pk]
        return TargetFigures(commitment=fig.commitment, target=fig.target, verified=fig.realised, awaiting=awaiting[pk])

    return {
        pk: ReviewContext(own=figures_of(pk), parent=figures_of(c.parent_id) if c.parent_id else None)
        for pk, c in wanted.items()
    }


def over_target(context: ReviewContext, entry: ProgressEntry | None = None, *, jobs: int = 0) -> list[OverTarget]:
    """«بیش از هدف»: the levels (the commitment, a tranche's parent) that this entry takes
    past their target, counting تحقق‌یافته + در انتظار بررسی with the entry in.

    Pass a saved `entry` (already counted if submitted or verified), or `jobs` for one
    being typed. A baseline or a returned entry counts nowhere and is never flagged.

    Derived here, not stored on the entry: whether an entry overshoots depends on every
    other entry of the commitment and its tranches (verified, returned, reopened) and on
    the target, which all change after the entry is saved; a stored flag would go stale
    without anyone writing to the entry. So it stays true after verification while the
    commitment is past its target, which is what the official needs to see.
    """
    if entry is not None:
        if entry.is_baseline or entry.status not in (VERIFIED, SUBMITTED):
            return []
        jobs = 0
    flags = []
    for level in context.levels:
        if level.target is None:
            continue
        total = level.verified + level.awaiting + jobs
        if total > level.target:
            flags.append(OverTarget(figures=level, total=total, over=total - level.target))
    return flags


def program_row(program, baseline: int, new: int) -> dict:
    return {
        "program": program,
        "target": program.jobs_target,
        "realised": baseline + new,
        "baseline": baseline,
        "new": new,
        "remaining": max(program.jobs_target - new, 0),
        "percent": min(100.0 * new / program.jobs_target, 100.0) if program.jobs_target else None,
    }


def jalali_month_spans(today: datetime.date, months: int) -> list[tuple]:
    """(year, month, first day, last day) of the last `months` Jalali months, oldest first."""
    j = persian.to_jalali(today)
    spans = []
    year, month = j.year, j.month
    for _ in range(months):
        spans.append((year, month, *persian.jalali_month_range(year, month)))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    spans.reverse()
    return spans


# ---------------------------------------------------------------- the public status


def promised_at(commitment: Commitment, day: datetime.date) -> int | None:
    """The promised path (core.glossary, "public_status"): a straight line from nothing on
    the signing day to the whole target on the due day. None without a target or dates."""
    target, start, due = commitment.jobs_target, commitment.signed_on, commitment.due_on
    if not target or not start or not due:
        return None
    if day <= start:
        return 0
    if day >= due:
        return target
    return int(target * (day - start).days / max((due - start).days, 1))


def public_status(fig: CommitmentFigures, today: datetime.date | None = None) -> str:
    """The commitment's status in words, a key of core.glossary.PUBLIC_STATUS_WORDS, by the
    rule core.glossary.PUBLIC_STATUS_RULE states: cancelled, prepared (no figure),
    achieved (realised ≥ target), else on track or behind the promised path today."""
    today = today or persian.local_today()
    c = fig.commitment
    if c.status == Commitment.Status.CANCELLED:
        return "cancelled"
    if c.status == Commitment.Status.PREPARED or not fig.target:
        return "prepared"
    if fig.realised >= fig.target:
        return "achieved"
    promised = promised_at(c, today)
    if promised is None:
        return "on_track"
    if c.due_on and today > c.due_on:
        return "behind"
    return "on_track" if fig.realised >= promised else "behind"


def verified_jobs_by_month(commitment_ids, spans) -> list[int]:
    """Verified jobs (baseline excluded) of these commitments in each span of
    `jalali_month_spans`, by period end. One query."""
    sums = {
        f"m{i}": Coalesce(Sum("jobs_created", filter=Q(period_end__gte=start, period_end__lte=end)), 0)
        for i, (_, _, start, end) in enumerate(spans)
    }
    if not sums:
        return []
    row = ProgressEntry.objects.filter(status=VERIFIED, is_baseline=False, commitment_id__in=commitment_ids).aggregate(
        **sums
    )
    return [row[f"m{i}"] for i in range(len(spans))]


def commitment_trajectory(
    fig: CommitmentFigures, today: datetime.date | None = None, months: int = 24, *, ids: list[int] | None = None
) -> list[dict]:
    """Per Jalali month from the signing month to this month (at most `months`, the latest
    ones): the promised path at the month's end and the verified jobs up to it, cumulated
    from the signing day (jobs verified with a period before the first month shown are
    counted in its figure). `ids`: the commitment and every tranche below it (default: it
    and its direct tranches). One query. [{"label", "promised", "realised"}]."""
    today = today or persian.local_today()
    c = fig.commitment
    if not c.signed_on or not fig.target:
        return []
    start = persian.to_jalali(c.signed_on)
    now = persian.to_jalali(min(today, c.due_on) if c.due_on and c.due_on < today else today)
    count = (now.year - start.year) * 12 + (now.month - start.month) + 1
    if count <= 0:
        return []
    spans = jalali_month_spans(persian.jalali_month_range(now.year, now.month)[1], min(count, months))
    ids = ids or [c.pk, *fig.tranche_ids]  # the commitment and its tranches (all levels, where given)
    # Earlier periods fold into the first month shown: the line starts where it stood.
    spans[0] = (*spans[0][:2], datetime.date(1900, 1, 1), spans[0][3])
    jobs = verified_jobs_by_month(ids, spans)
    rows, running = [], 0
    for (year, month, _, end), n in zip(spans, jobs, strict=True):
        running += n
        rows.append(
            {"label": persian.jalali_month_label(year, month), "promised": promised_at(c, end), "realised": running}
        )
    return rows


# ---------------------------------------------------------------- reporting periods («نیازمند گزارش»)

# How many days before a reporting period closes its reporters are first reminded, and
# from when a commitment with no entry for the period is marked «نیازمند گزارش».
REPORT_DUE_DAYS_BEFORE = 5


@dataclass(frozen=True)
class ReportingPeriod:
    start: datetime.date
    end: datetime.date


@functools.lru_cache(maxsize=4096)
def reporting_period(today: datetime.date, months: int) -> ReportingPeriod:
    """The Jalali period of `months` months (1, 3, 6 or 12, counted from Farvardin) that holds `today`.
    Remembered: a page asks it for every commitment with the same day (ReportingPeriod is frozen)."""
    j = persian.to_jalali(today)
    first = (j.month - 1) // months * months + 1
    start, _ = persian.jalali_month_range(j.year, first)
    _, end = persian.jalali_month_range(j.year, first + months - 1)
    return ReportingPeriod(start, end)


def previous_period(period: ReportingPeriod, months: int) -> ReportingPeriod:
    return reporting_period(period.start - datetime.timedelta(days=1), months)


def commitments_owing_reports(commitments: QuerySet[Commitment], today: datetime.date) -> dict[int, ReportingPeriod]:
    """«نیازمند گزارش»: each commitment in force that owes an entry, with the period it owes
    (the current one in its last days, else the previous one if it closed with none).

    A commitment owes the current period's entry from REPORT_DUE_DAYS_BEFORE days before
    the period closes, and the previous period's once that has closed with no entry; it
    stops owing as soon as an entry (sent or verified; a returned one does not count)
    arrives for the period or a later one. A period that closed before signing is not
    owed. One query: the latest entry's period per commitment, read for each status from
    the index on (commitment, status, period_end), never by summing every entry. A page
    that loads the commitments anyway annotates them (with_latest_entries) and asks
    owing_of, with no query of its own.
    """
    rows = with_latest_entries(
        commitments.filter(status__in=OWING_STATUSES).exclude(instrument=Commitment.Instrument.BASELINE)
    ).order_by()
    return owing_of(rows, today)


OWING_STATUSES = (Commitment.Status.SIGNED, Commitment.Status.IN_EXECUTION)


def with_latest_entries(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """The commitments, each with the period end of its latest sent (latest_submitted) and
    latest verified entry (latest_verified): what owing_of reads."""

    def latest(status: str):
        entries = ProgressEntry.objects.filter(commitment=OuterRef("pk"), status=status)
        return Subquery(entries.order_by("-period_end").values("period_end")[:1])

    return commitments.annotate(latest_submitted=latest(SUBMITTED), latest_verified=latest(VERIFIED))


def owing_of(commitments: Iterable[Commitment], today: datetime.date) -> dict[int, ReportingPeriod]:
    """commitments_owing_reports over commitments already loaded with_latest_entries."""
    owing: dict[int, ReportingPeriod] = {}
    for c in commitments:
        if c.status not in OWING_STATUSES or c.instrument == Commitment.Instrument.BASELINE:
            continue
        months, signed_on = c.reporting_period_months, c.signed_on
        latest = max((d for d in (c.latest_submitted, c.latest_verified) if d is not None), default=None)
        current = reporting_period(today, months)
        previous = previous_period(current, months)
        if latest is not None and latest >= current.start:
            continue
        # A period that ended before the commitment was signed owes nothing.
        previous_owed = signed_on is None or signed_on <= previous.end
        if (current.end - today).days <= REPORT_DUE_DAYS_BEFORE:
            owing[c.pk] = current  # the one its reporters are reminded of, even if the last was missed too
        elif previous_owed and (latest is None or latest < previous.start):
            owing[c.pk] = previous
    return owing
