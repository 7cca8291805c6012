"""Reads that depend on who is looking, and the figures every page and report shares.

Access is decided here, once per object kind: `commitments_visible_to` for
commitments and everything hanging off them (entries, businesses, checks, files).
A missing object and an object that is not yours both raise Http404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404

from kerman_jobs import persian
from kerman_jobs.roles import is_chamber_staff, is_official

from .models import Commitment, ContinuityCheck, HomeBusiness, Milestone, ProgressEntry

# ---------------------------------------------------------------- access


def commitments_visible_to(user) -> QuerySet[Commitment]:
    """Officials see every commitment; chamber staff those they report on; others none."""
    qs = Commitment.objects.all()
    if is_official(user):
        return qs
    if is_chamber_staff(user):
        return qs.filter(reporters=user)
    return qs.none()


def commitments_reportable_by(user) -> QuerySet[Commitment]:
    """Commitments whose progress and businesses this user may enter and correct.

    Only the chamber staff assigned as reporters (and admins); officials verify, they
    do not enter figures on a bank's behalf.
    """
    if not user.is_authenticated or not user.is_active:
        return Commitment.objects.none()
    if user.is_superuser:
        return Commitment.objects.all()
    if is_chamber_staff(user):
        return Commitment.objects.filter(reporters=user)
    return Commitment.objects.none()


def commitment_get_visible(user, pk) -> Commitment:
    try:
        return commitments_visible_to(user).get(pk=pk)
    except (Commitment.DoesNotExist, ValueError, TypeError):
        raise Http404("تعهد پیدا نشد.") from None


def can_report_on(user, commitment: Commitment) -> bool:
    return commitments_reportable_by(user).filter(pk=commitment.pk).exists()


def progress_entries_visible_to(user) -> QuerySet[ProgressEntry]:
    return ProgressEntry.objects.filter(commitment__in=commitments_visible_to(user))


def progress_entry_get_visible(user, pk) -> ProgressEntry:
    try:
        return progress_entries_visible_to(user).select_related("commitment").get(pk=pk)
    except (ProgressEntry.DoesNotExist, ValueError, TypeError):
        raise Http404("گزارش پیشرفت پیدا نشد.") from None


def businesses_visible_to(user) -> QuerySet[HomeBusiness]:
    return HomeBusiness.objects.filter(commitment__in=commitments_visible_to(user))


def business_get_visible(user, pk) -> HomeBusiness:
    try:
        return businesses_visible_to(user).select_related("commitment", "county", "sector").get(pk=pk)
    except (HomeBusiness.DoesNotExist, ValueError, TypeError):
        raise Http404("کسب‌وکار پیدا نشد.") from None


# ---------------------------------------------------------------- figures

VERIFIED = ProgressEntry.Status.VERIFIED


@dataclass
class CommitmentFigures:
    commitment: Commitment
    target: int | None
    allocated: int  # sum of the tranches' targets
    realised: int  # verified jobs of this commitment and all its tranches
    realised_own: int  # verified jobs entered directly on this commitment
    active_jobs: int  # jobs in its (and its tranches') businesses still active
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


def forecast(*, target, realised, started, due, today=None) -> dict:
    today = today or persian.local_today()
    result = {"projected": None, "on_track": None, "label": "نامعلوم", "finish_on": None}
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
    finish_on = None
    if pace > 0:
        finish_on = started + datetime.timedelta(days=int(target / pace))
    on_track = projected >= target
    if today > due:
        label = "مهلت گذشته"
        on_track = False
    else:
        label = "در مسیر" if on_track else "عقب از برنامه"
    return {"projected": projected, "on_track": on_track, "label": label, "finish_on": finish_on}


def _verified_jobs_by_commitment(commitment_ids) -> dict[int, dict]:
    rows = (
        ProgressEntry.objects.filter(status=VERIFIED, commitment_id__in=commitment_ids)
        .values("commitment_id")
        .annotate(jobs=Sum("jobs_created"), credit=Sum("credit_paid"))
    )
    return {r["commitment_id"]: r for r in rows}


def _active_jobs_by_commitment(commitment_ids) -> dict[int, int]:
    rows = (
        HomeBusiness.objects.filter(status=HomeBusiness.Status.ACTIVE, commitment_id__in=commitment_ids)
        .values("commitment_id")
        .annotate(jobs=Sum("jobs"))
    )
    return {r["commitment_id"]: r["jobs"] for r in rows}


def commitment_figures(commitments: QuerySet[Commitment]) -> list[CommitmentFigures]:
    """Every commitment of the queryset with its ladder figures, parents before tranches.

    Three queries whatever the number of commitments: the commitments, verified
    entries grouped by commitment, active businesses grouped by commitment.
    """
    items = list(commitments.select_related("organization", "program", "parent").order_by("id"))
    ids = [c.id for c in items]
    return _ladder(items, _verified_jobs_by_commitment(ids), _active_jobs_by_commitment(ids))


def _ladder(items: list[Commitment], verified: dict[int, dict], active: dict[int, int]) -> list[CommitmentFigures]:
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
            active_jobs=active.get(c.id, 0),
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
            fig.active_jobs += child_fig.active_jobs
            fig.credit_paid += child_fig.credit_paid
        return fig

    for root in children.get(None, []):
        walk(root, 0)
    return result


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
        HomeBusiness.objects.filter(commitment_id__in=ids)
        .values("commitment_id")
        .annotate(
            active=Coalesce(Sum("jobs", filter=Q(status=HomeBusiness.Status.ACTIVE)), 0),
            all_jobs=Coalesce(Sum("jobs"), 0),
        )
    )
    businesses = {r["commitment_id"]: r for r in business_rows}
    figures = _ladder(items, verified, {pk: r["active"] for pk, r in businesses.items()})

    spans = _jalali_month_spans(today, 12)
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
            _program_row(p["program"], p["baseline"], p["new"])
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


def _program_row(program, baseline: int, new: int) -> dict:
    return {
        "program": program,
        "target": program.jobs_target,
        "realised": baseline + new,
        "baseline": baseline,
        "new": new,
        "remaining": max(program.jobs_target - new, 0),
        "percent": min(100.0 * new / program.jobs_target, 100.0) if program.jobs_target else None,
    }


def _jalali_month_spans(today: datetime.date, months: int) -> list[tuple]:
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


def milestones_visible_to(user) -> QuerySet[Milestone]:
    visible = commitments_visible_to(user)
    if is_official(user):
        return Milestone.objects.all()
    return Milestone.objects.filter(Q(commitment__in=visible) | Q(program__commitments__in=visible)).distinct()


def upcoming_milestones(user, today=None, limit: int = 20) -> list[dict]:
    """Open milestones by due date with the days left; overdue ones first, marked."""
    today = today or persian.local_today()
    rows = (
        milestones_visible_to(user)
        .filter(done_on__isnull=True)
        .select_related("responsible", "commitment", "program")
        .order_by("due_on")[:limit]
    )
    return [{"milestone": m, "days_left": (m.due_on - today).days, "overdue": m.due_on < today} for m in rows]


def business_status_counts(businesses: QuerySet[HomeBusiness]) -> dict[str, int]:
    rows = businesses.values("status").annotate(n=Count("id"), jobs=Sum("jobs"))
    return {r["status"]: {"count": r["n"], "jobs": r["jobs"] or 0} for r in rows}


def latest_check_subquery():
    return ContinuityCheck.objects.filter(business=OuterRef("pk")).order_by("-checked_on", "-id")


def businesses_without_recent_check(businesses: QuerySet[HomeBusiness], *, since: datetime.date):
    recent = ContinuityCheck.objects.filter(business=OuterRef("pk"), checked_on__gte=since)
    return businesses.filter(~Exists(recent))


# ---------------------------------------------------------------- web app (issue 3)


def commitment_get_reportable(user, pk) -> Commitment:
    """A commitment this user may enter progress on.

    Not visible → 404 like a missing one; visible but not theirs to report on (an
    official, who verifies rather than enters) → 403, which reveals nothing new.
    """
    from django.core.exceptions import PermissionDenied

    commitment = commitment_get_visible(user, pk)
    if not can_report_on(user, commitment):
        raise PermissionDenied("ثبت گزارش پیشرفت این تعهد با کارشناس گزارش‌دهندهٔ آن است.")
    return commitment


def entries_awaiting_review(user) -> QuerySet[ProgressEntry]:
    """Submitted entries an official should verify or return; nothing for anyone else."""
    if not is_official(user):
        return ProgressEntry.objects.none()
    return ProgressEntry.objects.filter(status=ProgressEntry.Status.SUBMITTED)
