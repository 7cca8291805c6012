"""Reads of notices: a person sees their own and no one else's."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from commitments import selectors as commitment_selectors
from core.roles import is_official

from .models import Notification

LIST_LIMIT = 100


def notifications_of(user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()


def _count(qs: QuerySet) -> Subquery:
    """COUNT(*) of qs as a scalar subquery (grouped by a constant: one row, every match)."""
    counted = qs.order_by().annotate(_all=Value(1)).values("_all").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def nav_counts(user) -> dict:
    """The navigation's badges, in one query on every page: unread notices
    (unread_count) and, for an official, the entries awaiting review
    (commitments.selectors.entries_awaiting_review; None for anyone else)."""
    if not user.is_authenticated:
        return {"pending": None, "unread": 0}
    if not is_official(user):
        return {"pending": None, "unread": unread_count(user)}
    unread = notifications_of(user).filter(read_at__isnull=True)
    pending = commitment_selectors.entries_awaiting_review(user)
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(pending=_count(pending), unread=_count(unread))
        .values("pending", "unread")
        .first()
    ) or {"pending": 0, "unread": 0}
    return {"pending": row["pending"], "unread": row["unread"]}
