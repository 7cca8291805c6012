"""Who is who. Roles are Django groups (DESIGN.md); superusers count as officials."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

OFFICIALS_GROUP = "provincial_officials"
CHAMBER_STAFF_GROUP = "chamber_staff"
# The partner API acts as one technical user per organisation (api/services.py makes it):
# in this group, named API_USERNAME_PREFIX + the organisation's id, with no password that
# logs in. The history names it «توکن API — <organisation>»; commitments/selectors.py
# gives it the organisation's commitments (commitments_of_organization).
API_CLIENTS_GROUP = "api_clients"
API_USERNAME_PREFIX = "api-org-"
# What people read where a group is named (admin filters, pickers, the group list).
GROUP_LABELS = {OFFICIALS_GROUP: "مقام‌های استانی", CHAMBER_STAFF_GROUP: "کارشناسان اتاق بازرگانی"}


# The groups that make a role: all core.roles ever asks about. core.auth.RoleBackend
# reads the person's membership of these with the person (no query of its own).
ROLE_GROUPS = (OFFICIALS_GROUP, CHAMBER_STAFF_GROUP, API_CLIENTS_GROUP)


def remember_groups(user, names: set[str]) -> None:
    """What _groups would read, already known (of ROLE_GROUPS: a role is all it tells)."""
    user._kerman_groups = set(names)


def _groups(user) -> set[str]:
    # Cached on the user object: templates and selectors ask several times a request.
    # Asks only about ROLE_GROUPS: a user from core.auth holds no other name.
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


def api_organization_id(user: AbstractBaseUser | AnonymousUser) -> int | None:
    """The organisation an API technical user acts for, or None for everyone else.

    Both marks are needed: the group (which only the API's own code and an admin set) and
    the user name that carries the organisation's id; a person who happens to be called
    «api-org-3» is not an API client.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    name = user.get_username()
    if not name.startswith(API_USERNAME_PREFIX) or API_CLIENTS_GROUP not in _groups(user):
        return None
    rest = name[len(API_USERNAME_PREFIX) :]
    return int(rest) if rest.isascii() and rest.isdecimal() else None
