"""Who may see, download and ask for which report, and what a report covers.

The rule (decided once, here):
- Provincial officials (and superusers) see every report and may ask for any kind;
  their reports and the scheduled ones cover the whole province.
- Chamber staff may ask for reports too, but theirs are built restricted to the
  commitments they report on (`commitments_visible_to(requester)`), and they see only
  the reports they asked for. A province-wide report would show them commitments
  they may not see, so they never see those.
- Everyone else sees none and may ask for none.
A report that is not yours answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from commitments.models import Commitment, Milestone
from commitments.selectors import commitments_visible_to, milestones_visible_to
from core.roles import is_chamber_staff, is_official
from registry.models import HomeBusiness
from registry.selectors import businesses_visible_to

from .models import FigureSnapshot, Report


def reports_visible_to(user) -> QuerySet[Report]:
    qs = Report.objects.select_related("requested_by")
    if is_official(user):
        return qs
    if is_chamber_staff(user):
        return qs.filter(requested_by=user, is_restricted=True)
    return qs.none()


def report_get_visible(user, pk) -> Report:
    try:
        return reports_visible_to(user).get(pk=pk)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404("گزارش پیدا نشد.") from None


def report_get_downloadable(user, pk) -> Report:
    """A report whose files this user may take away now (see `with_downloadable`)."""
    report = report_get_visible(user, pk)
    if not with_downloadable(user, [report])[0].downloadable:
        raise Http404("گزارش پیدا نشد.")
    return report


def with_downloadable(user, reports: list[Report]) -> list[Report]:
    """Sets `downloadable` on each of these visible reports: the one rule for whether this
    user may take its files away now, for the download itself and for the links to it.

    A restricted report holds the data of the commitments its requester reported on when
    it was built; once they no longer report on every one of those, its files answer 404
    like a missing report (asking again builds one over what they report on now).
    """
    if is_official(user):
        for report in reports:
            report.downloadable = True
        return reports
    restricted = [r for r in reports if r.is_restricted]
    wanted = {pk for r in restricted for pk in (r.covered_commitment_ids or [])}
    still = set(commitments_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True)) if wanted else set()
    for report in reports:
        report.downloadable = not report.is_restricted or (
            report.covered_commitment_ids is not None and set(report.covered_commitment_ids) <= still
        )
    return reports


def covered_commitment_ids(report: Report) -> list[int] | None:
    """What a restricted report is about to cover, recorded on it at build time."""
    if not report.is_restricted:
        return None
    return sorted(report_scope(report).commitments.values_list("pk", flat=True))


def can_request_reports(user) -> bool:
    return is_official(user) or is_chamber_staff(user)


@dataclass
class ReportScope:
    """What one report covers: the same querysets the dashboard uses for that person."""

    commitments: QuerySet[Commitment]
    businesses: QuerySet[HomeBusiness]
    milestones: QuerySet[Milestone]
    label: str


def report_scope(report: Report) -> ReportScope:
    if report.is_restricted and report.requested_by is not None:
        user = report.requested_by
        name = user.get_full_name() or user.get_username()
        return ReportScope(
            commitments=commitments_visible_to(user),
            businesses=businesses_visible_to(user),
            milestones=milestones_visible_to(user),
            label=f"تعهدهایی که {name} گزارشگر آن‌هاست",
        )
    return ReportScope(
        commitments=Commitment.objects.all(),
        businesses=HomeBusiness.objects.all(),
        milestones=Milestone.objects.all(),
        label="همهٔ استان کرمان",
    )


def current_snapshot(kind: str = Report.Kind.COMMITMENT_TIMETABLE):
    """The figures last handed over on a deadline (the latest final report's snapshot of
    this kind, not superseded), or None. One query."""
    return FigureSnapshot.objects.filter(kind=kind, superseded_by__isnull=True).select_related("report").first()


def snapshots_public():
    """Every snapshot, newest first, for the public list of what was handed over."""
    return FigureSnapshot.objects.select_related("report").order_by("-due_on", "-id")


def done_milestones(user, limit: int = 12) -> list:
    """The deliverables this user may see that are done, newest first, each with the ready
    report that answered it (`answer`, or None), in one query."""
    from django.db.models import OuterRef, Subquery

    from commitments.selectors import milestones_visible_to

    answer = Report.objects.filter(answers_milestone=OuterRef("pk"), status=Report.Status.READY).order_by("-id")
    rows = list(
        milestones_visible_to(user)
        .filter(done_on__isnull=False)
        .select_related("responsible")
        .annotate(answer_id=Subquery(answer.values("id")[:1]), answer_has_pdf=Subquery(answer.values("pdf")[:1]))
        .order_by("-done_on", "-id")[:limit]
    )
    return rows
