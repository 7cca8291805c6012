"""Reads of the registry that depend on who is looking, and the list helpers its pages share.

A business is visible to whoever may see its commitment (commitments.selectors decides
that, once); a missing business and one that is not yours both raise Http404.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from commitments.selectors import commitments_visible_to

from .models import BusinessFigure, BusinessStatusSummary, ContinuityCheck, HomeBusiness, RegistryJob


def businesses_visible_to(user) -> QuerySet[HomeBusiness]:
    return HomeBusiness.objects.filter(commitment__in=commitments_visible_to(user))


def business_get_visible(user, pk) -> HomeBusiness:
    try:
        return businesses_visible_to(user).select_related("commitment", "county", "sector").get(pk=pk)
    except (HomeBusiness.DoesNotExist, ValueError, TypeError):
        raise Http404("کسب‌وکار پیدا نشد.") from None


def job_get_visible(user, pk) -> RegistryJob:
    """An import or export job is its requester's alone: another's is a 404 like a missing one."""
    try:
        return RegistryJob.objects.get(pk=pk, requested_by=user)
    except (RegistryJob.DoesNotExist, ValueError, TypeError):
        raise Http404("این کار پیدا نشد.") from None


def latest_check_subquery():
    return ContinuityCheck.objects.filter(business=OuterRef("pk")).order_by("-checked_on", "-id")


def businesses_without_recent_check(businesses: QuerySet[HomeBusiness], *, since: datetime.date):
    recent = ContinuityCheck.objects.filter(business=OuterRef("pk"), checked_on__gte=since)
    return businesses.filter(~Exists(recent))


# ---------------------------------------------------------------- one owner, counted once


def _same_owner():
    """Every business (of the whole registry, whoever looks) with the outer business's owner."""
    return HomeBusiness.objects.filter(owner_code_hash=OuterRef("owner_code_hash"))


def _counted_before():
    """A business of the same owner that comes first: started earlier, or the same day with
    a smaller id. The order every figure and page uses to pick the one that counts."""
    return _same_owner().filter(
        Q(started_on__lt=OuterRef("started_on")) | Q(started_on=OuterRef("started_on"), id__lt=OuterRef("id"))
    )


def counted(businesses: QuerySet[HomeBusiness]) -> QuerySet[HomeBusiness]:
    """The businesses a registry figure counts: each owner once.

    "Counted once" means: among all the businesses registered with the same owner's
    national code (equal `owner_code_hash`), in the whole registry and under any
    commitment or bank, exactly one counts — the earliest by `started_on`, then by id.
    The others are «تکراری» and are left out of every registry figure (status counts,
    breakdowns, reasons, cohort survival, the dashboard's active and ever-created jobs).
    A business without a code is always counted (nothing says it is anyone else's).

    The choice is made over the whole registry, not within `businesses`: a figure over
    one commitment leaves out an owner already counted under another, so figures over
    parts add up to the figure over the whole. A NOT EXISTS inside the figure's own
    query (an anti-join on PostgreSQL); no extra query.
    """
    # No "hash IS NULL OR" here: NULL equals nothing, so NOT EXISTS already holds for a
    # business without a code, and a bare NOT EXISTS lets PostgreSQL plan one anti-join
    # instead of a subquery per row (1.1 s → 0.2 s at 200,000 businesses).
    return businesses.filter(~Exists(_counted_before()))


def with_owner_flags(businesses: QuerySet[HomeBusiness]) -> QuerySet[HomeBusiness]:
    """Each business annotated `is_duplicate` (its owner has another business, «تکراری»)
    and `is_counted` (it is the one of its owner that the figures count); two correlated
    subqueries in the same query, not one query per row."""
    return businesses.annotate(
        is_duplicate=Exists(_same_owner().exclude(pk=OuterRef("pk"))),
        is_counted=ExpressionWrapper(~Exists(_counted_before()), output_field=BooleanField()),
    )


# Hashes per `IN (...)`: SQLite allows ~32k parameters a statement.
_HASH_CHUNK = 2000


def owner_registrations(user, hashes: Iterable[str]) -> dict[str, list[tuple[int, int, str | None]]]:
    """Every registered business of these owners, whoever registered it, as the user may
    know of it: hash → [(business id, commitment id, commitment title, or None when the
    user may not see that commitment)], earliest start first. One query per 2,000 owners
    and one for the commitments the user may see."""
    hashes = [h for h in set(hashes) if h]
    found: dict[str, list[tuple[int, int, str | None]]] = {}
    if not hashes:
        return found
    visible = set(commitments_visible_to(user).values_list("pk", flat=True))
    for start in range(0, len(hashes), _HASH_CHUNK):
        rows = (
            HomeBusiness.objects.filter(owner_code_hash__in=hashes[start : start + _HASH_CHUNK])
            .order_by("started_on", "id")
            .values_list("owner_code_hash", "id", "commitment_id", "commitment__title")
        )
        for owner, pk, commitment_id, title in rows:
            found.setdefault(owner, []).append((pk, commitment_id, title if commitment_id in visible else None))
    return found


def business_duplicate_of(user, business: HomeBusiness) -> dict | None:
    """What the business page says about «تکراری»: None when the owner has no other business;
    else {"titles": the other commitments the user may see, "hidden": some are in
    commitments the user may not see (not named), "same_commitment": another business of
    the owner is in this very commitment, "counted": this one is the one the figures count}."""
    if not business.owner_code_hash:
        return None
    registrations = owner_registrations(user, [business.owner_code_hash]).get(business.owner_code_hash, [])
    others = [(commitment_id, title) for pk, commitment_id, title in registrations if pk != business.pk]
    if not others:
        return None
    titles = []
    for commitment_id, title in others:
        if title is not None and commitment_id != business.commitment_id and title not in titles:
            titles.append(title)
    return {
        "titles": titles,
        "hidden": any(title is None for _, title in others),
        "same_commitment": any(commitment_id == business.commitment_id for commitment_id, _ in others),
        "counted": counted(HomeBusiness.objects.filter(pk=business.pk)).exists(),
    }


def duplicate_owners(user) -> QuerySet:
    """Owners with more than one business among those the user may see, one row each
    ({"owner_code_hash", "businesses", "first_started"}), earliest first: the groups of
    the duplicates page. One grouped query (the page counts and slices it)."""
    return (
        businesses_visible_to(user)
        .filter(owner_code_hash__isnull=False)
        .order_by()
        .values("owner_code_hash")
        .annotate(businesses=Count("id"), first_started=Min("started_on"))
        .filter(businesses__gt=1)
        .order_by("first_started", "owner_code_hash")
    )


def businesses_of_owners(user, hashes: Iterable[str]) -> QuerySet[HomeBusiness]:
    """The businesses of these owners the user may see, with commitment, organisation and
    the owner flags, earliest first: one query for a page of groups."""
    return (
        with_owner_flags(businesses_visible_to(user).filter(owner_code_hash__in=list(hashes)))
        .select_related("commitment__organization", "county", "sector")
        .order_by("started_on", "id")
    )


# ---------------------------------------------------------------- the worklist


def worklist_businesses(commitment_ids: list[int], *, since: datetime.date) -> QuerySet[HomeBusiness]:
    """The businesses of these commitments that started on or before `since` and have had
    no check since (`since` included): never checked first, then the longest unchecked,
    then by start and id. The same rows and order as the definition over the checks
    (businesses_without_recent_check, ordered by the latest check), read from each
    business's summary row (BusinessFigure: its latest check and due_from) through the
    index that holds that order, so a page reads an index range, not every check."""
    # The expression of the index bfig_worklist_order, through the join.
    worklist_order = Coalesce(F("figure__last_checked"), Value(datetime.date.min), output_field=DateField())
    return (
        HomeBusiness.objects.filter(figure__commitment_id__in=commitment_ids, figure__due_from__lte=since)
        .annotate(last_checked=F("figure__last_checked"))
        .order_by(worklist_order, "figure__started_on", "figure__business_id")
    )


class WorklistRows:
    """worklist_businesses as the worklist's Paginator pages through it: a page's ids are
    found in BusinessFigure alone (its index, in the worklist's order), and only those
    fifty businesses are joined to their commitment, county and sector. Joining first
    made a later page join every business before it (half a second at page 400)."""

    ordered = True

    def __init__(self, commitment_ids: list[int], *, since: datetime.date):
        self.commitment_ids, self.since = commitment_ids, since

    def __getitem__(self, key: slice) -> list[HomeBusiness]:
        if not isinstance(key, slice):
            raise TypeError("the worklist is read a page (a slice) at a time")
        order = Coalesce(F("last_checked"), Value(datetime.date.min), output_field=DateField())
        ids = (
            BusinessFigure.objects.filter(commitment_id__in=self.commitment_ids, due_from__lte=self.since)
            .order_by(order, "started_on", "business_id")
            .values("business_id")[key]
        )
        rows = worklist_businesses(self.commitment_ids, since=self.since).filter(pk__in=ids)
        return list(rows.select_related("commitment", "county", "sector"))

    def count(self) -> int:
        return worklist_count(self.commitment_ids, since=self.since)


def worklist_count(commitment_ids: list[int], *, since: datetime.date) -> int:
    """How many businesses worklist_businesses lists, counting the smaller side; one query.

    Every business of these commitments is either due or not. Their number is in the
    status summary, so the due ones are that less the ones not due: those are counted
    first, up to one more than half of all (an index range per commitment over
    (commitment, due_from)); only when they reach that are the due ones counted instead,
    which are then fewer. Neither count reads more than about half of the businesses."""
    if not commitment_ids:
        return 0
    figure, summary = BusinessFigure._meta.db_table, BusinessStatusSummary._meta.db_table
    ids = ", ".join(["%s"] * len(commitment_ids))
    half = f"(SELECT COALESCE(SUM(businesses), 0) / 2 + 1 FROM {summary} WHERE commitment_id IN ({ids}))"
    # MATERIALIZED: counted once, not once for each use of not_due below.
    sql = f"""
        WITH counts AS MATERIALIZED (
            SELECT
                (SELECT COALESCE(SUM(businesses), 0) FROM {summary} WHERE commitment_id IN ({ids})) AS total,
                (SELECT COUNT(*) FROM (
                    SELECT 1 FROM {figure} WHERE commitment_id IN ({ids}) AND due_from > %s LIMIT {half}
                ) AS capped) AS not_due
        )
        SELECT CASE WHEN not_due < total / 2 + 1 THEN total - not_due ELSE (
            SELECT COUNT(*) FROM {figure} WHERE commitment_id IN ({ids}) AND due_from <= %s
        ) END
        FROM counts
    """
    params = [*commitment_ids, *commitment_ids, since, *commitment_ids, *commitment_ids, since]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.fetchone()[0])
