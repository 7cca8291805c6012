"""Reads of notices: a person sees their own and no one else's."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification

LIST_LIMIT = 100


def notifications_of(user) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()
