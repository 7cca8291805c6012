"""Signing in against the database, with the person's roles read in the same query.

Every page asks core.roles who the person is; Django's ModelBackend loads the user and
the roles were then a second query (their groups) on every request. RoleBackend loads
both at once: the user row with one EXISTS per role group (core.roles.ROLE_GROUPS),
and leaves the answer where core.roles looks first.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from core.roles import ROLE_GROUPS, remember_groups


class RoleBackend(ModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        member = model.groups.through.objects.filter(user_id=OuterRef("pk"))
        flags = {f"_role_{i}": Exists(member.filter(group__name=name)) for i, name in enumerate(ROLE_GROUPS)}
        try:
            user = model._default_manager.annotate(**flags).get(pk=user_id)
        except model.DoesNotExist:
            return None
        remember_groups(user, {name for i, name in enumerate(ROLE_GROUPS) if getattr(user, f"_role_{i}")})
        return user if self.user_can_authenticate(user) else None
