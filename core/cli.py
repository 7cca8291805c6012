"""What the management commands share: the user a command acts as (`--as USERNAME`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def active_user(username: str):
    """The active user with this name; a Persian CommandError if there is none."""
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"کاربر فعالی با نام «{username}» نیست.")
    return user
