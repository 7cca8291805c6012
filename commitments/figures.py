"""The figures of commitments: each one's ladder (target, allocated, realised, remaining,
percent) rolled up over its tranches, and where its current pace leads.

The province-wide figures that also read the registry are in reports/figures.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum

from core import persian

from .models import Commitment, ProgressEntry

VERIFIED = ProgressEntry.Status.VERIFIED


@dataclass
class CommitmentFigures:
    commitment: Commitment
    target: int | None
    allocated: int  # sum of the tranches' targets
    realised: int  # verified jobs of this commitment and all its tranches
    realised_own: int  # verified jobs entered directly on this commitment
    credit_paid: int
    depth: int = 0
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
    rows = (
        ProgressEntry.objects.filter(status=VERIFIED, commitment_id__in=commitment_ids)
        .values("commitment_id")
        .annotate(jobs=Sum("jobs_created"), credit=Sum("credit_paid"))
    )
    return {r["commitment_id"]: r for r in rows}


def commitment_figures(commitments: QuerySet[Commitment]) -> list[CommitmentFigures]:
    """Every commitment of the queryset with its ladder figures, parents before tranches.

    Two queries whatever the number of commitments: the commitments, and verified
    entries grouped by commitment.
    """
    items = list(commitments.select_related("organization", "program", "parent").order_by("id"))
    ids = [c.id for c in items]
    return ladder(items, _verified_jobs_by_commitment(ids))


def ladder(items: list[Commitment], verified: dict[int, dict]) -> list[CommitmentFigures]:
    """The figures of `items`, each parent followed by its tranches, sums rolled up."""
    by_id = {c.id: c for c in items}
    children: dict[int | None, list[Commitment]] = {}
    for c in items:
        parent_id = c.parent_id if c.parent_id in by_id else None
        children.setdefault(parent_id, []).append(c)

    result: list[CommitmentFigures] = []

    def walk(c: Commitment, depth: int) -> CommitmentFigures:
        fig = CommitmentFigures(
            commitment=c,
            target=c.jobs_target,
            allocated=0,
            realised=verified.get(c.id, {}).get("jobs") or 0,
            realised_own=verified.get(c.id, {}).get("jobs") or 0,
            credit_paid=verified.get(c.id, {}).get("credit") or 0,
            depth=depth,
        )
        result.append(fig)
        for child in children.get(c.id, []):
            child_fig = walk(child, depth + 1)
            fig.tranche_ids.append(child.id)
            if child.status != Commitment.Status.CANCELLED:
                fig.allocated += child.jobs_target or 0
            fig.realised += child_fig.realised
            fig.credit_paid += child_fig.credit_paid
        return fig

    for root in children.get(None, []):
        walk(root, 0)
    return result


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
