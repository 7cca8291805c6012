"""Who is who. Roles are Django groups (DESIGN.md); superusers count as officials."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

OFFICIALS_GROUP = "provincial_officials"
CHAMBER_STAFF_GROUP = "chamber_staff"
# What people read where a group is named (admin filters, pickers, the group list).
GROUP_LABELS = {OFFICIALS_GROUP: "مقام‌های استانی", CHAMBER_STAFF_GROUP: "کارشناسان اتاق بازرگانی"}


def _groups(user) -> set[str]:
    # Cached on the user object: templates and selectors ask several times a request.
    cached = getattr(user, "_kerman_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._kerman_groups = cached
    return cached


def is_official(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or OFFICIALS_GROUP in _groups(user)


def is_chamber_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return CHAMBER_STAFF_GROUP in _groups(user)
