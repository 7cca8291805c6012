"""Reads that depend on who is looking.

Access is decided here, once per object kind: `commitments_visible_to` for
commitments and everything hanging off them (entries, milestones, evidence files; the
registry's businesses and checks build on it in registry/selectors.py).
A missing object and an object that is not yours both raise Http404.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.http import Http404

from core import figure_cache, persian
from core.roles import api_organization_id, is_chamber_staff, is_official

from .models import Commitment, Milestone, ProgressEntry

# ---------------------------------------------------------------- access


def commitments_of_organization(organization_id: int) -> QuerySet[Commitment]:
    """What an organisation's API token sees and reports on (api/): the commitments it makes,
    and those it is a partner in — except a partner that has its own tranche of a
    commitment acts on that tranche only, not on the whole (Barakat is a partner of Resalat's
    30,000-job MoU and of the 6,000-job tranche inside it: it sees and reports on the
    tranche). The baseline record (شغل پایه) is nobody's commitment and is never in it.
    """
    partner_of = Commitment.partners.through.objects.filter(organization_id=organization_id).values("commitment_id")
    parents_of_own_tranches = Commitment.objects.filter(pk__in=partner_of, parent__isnull=False).values("parent_id")
    return Commitment.objects.filter(
        Q(organization_id=organization_id) | (Q(pk__in=partner_of) & ~Q(pk__in=parents_of_own_tranches))
    ).exclude(instrument=Commitment.Instrument.BASELINE)


def commitments_visible_to(user) -> QuerySet[Commitment]:
    """Officials see every commitment; chamber staff those they report on; an API token's
    user its organisation's (commitments_of_organization); others none."""
    organization_id = api_organization_id(user)
    if organization_id is not None:
        return commitments_of_organization(organization_id)
    qs = Commitment.objects.all()
    if is_official(user):
        return qs
    if is_chamber_staff(user):
        return qs.filter(reporters=user)
    return qs.none()


def reporters_who_see(commitment_ids) -> dict[int, list]:
    """Each commitment's reporters who may see it, in one query: commitments_visible_to
    read from the other side (staff see the commitments they report on; an official
    among the reporters sees everything). Inactive users see nothing. For notices sent
    to many commitments' reporters at once; tests hold it to commitments_visible_to."""
    from django.contrib.auth import get_user_model

    from core.roles import CHAMBER_STAFF_GROUP, OFFICIALS_GROUP

    users = (
        get_user_model()
        .objects.filter(is_active=True, reported_commitments__in=list(commitment_ids))
        .filter(Q(groups__name__in=[CHAMBER_STAFF_GROUP, OFFICIALS_GROUP]) | Q(is_superuser=True))
        .annotate(_commitment_id=F("reported_commitments"))
        .distinct()
        .order_by("pk")
    )
    found: dict[int, list] = {}
    for user in users:
        found.setdefault(user._commitment_id, []).append(user)
    return found


def commitments_reportable_by(user) -> QuerySet[Commitment]:
    """Commitments whose progress and businesses this user may enter and correct.

    Only the chamber staff assigned as reporters (and admins), and an organisation's API
    token on its own commitments; officials verify, they do not enter figures on a bank's
    behalf.
    """
    if not user.is_authenticated or not user.is_active:
        return Commitment.objects.none()
    organization_id = api_organization_id(user)
    if organization_id is not None:
        # A bank's system reports on its own commitments as its chamber staff would.
        return commitments_of_organization(organization_id)
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


def milestones_visible_to(user) -> QuerySet[Milestone]:
    """The one scope rule for milestones (the dashboard and restricted reports read it).

    Officials see all. Staff see the milestones of the commitments they report on, and
    the programme-level ones (no commitment) of the programmes those belong to; never a
    milestone attached to another commitment, even one of the same programme.
    """
    if is_official(user):
        return Milestone.objects.all()
    visible = commitments_visible_to(user)
    return Milestone.objects.filter(
        Q(commitment__in=visible) | Q(commitment__isnull=True, program__in=visible.values("program_id"))
    )


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


def reader_scope(user) -> str:
    """figure_cache.scope_of(what this user may see); officials see everything, which
    needs no query."""
    if is_official(user):
        return "all"
    if api_organization_id(user) is None and is_chamber_staff(user):
        # A reporter sees the commitments they report on (commitments_visible_to): a set
        # that changes only with the reporters (m2m) or a commitment's write, both of which
        # make every cached figure stale; so the person names it, with no query for its ids.
        return f"reporter:{user.pk}"
    return figure_cache.scope_of(commitments_visible_to(user))


def commitments_public() -> QuerySet[Commitment]:
    """What anyone may see without logging in (accountability/, at /public/): the commitments officials left
    public (commitments.services.commitment_set_public), never the baseline record."""
    return Commitment.objects.filter(is_public=True).exclude(instrument=Commitment.Instrument.BASELINE)


def commitment_get_public(pk) -> Commitment:
    """A public commitment; 404 alike for one that is missing and one that is not public."""
    try:
        return commitments_public().select_related("organization", "program", "parent").get(pk=pk)
    except (Commitment.DoesNotExist, ValueError, TypeError):
        raise Http404("تعهد پیدا نشد.") from None


def milestone_responsible_users(milestone: Milestone) -> list:
    """The users who answer for a milestone: a commitment's milestone, that commitment's
    reporters; a programme's, the reporters of the responsible organisation's commitments
    in it. Only those milestones_visible_to lets see it (the one scope rule). Officials
    are added by whoever notifies them."""
    from django.contrib.auth import get_user_model

    if milestone.commitment_id:
        commitments = Commitment.objects.filter(pk=milestone.commitment_id)
    else:
        commitments = Commitment.objects.filter(
            program_id=milestone.program_id, organization_id=milestone.responsible_id
        )
    users = get_user_model().objects.filter(is_active=True, reported_commitments__in=commitments).distinct()
    return [u for u in users if milestones_visible_to(u).filter(pk=milestone.pk).exists()]
