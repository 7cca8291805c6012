"""Writes of the partner API's own rows: tokens and their technical users.

The API's writes to commitments and the registry are not here: they go through
commitments/services.py and registry/ as the site's do, with the token's technical user
as the actor.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import persian
from core.roles import API_CLIENTS_GROUP, API_USERNAME_PREFIX
from programs.models import Organization

from .models import ApiToken

# secrets.token_urlsafe(32): 43 characters, 256 bits.
TOKEN_BYTES = 32
PREFIX_LENGTH = 8
MAX_DAYS = 3650


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def technical_user_for(organization: Organization):
    """The organisation's API user, made the first time: history rows of its tokens' writes
    name it «توکن API — <organisation>». It has no usable password (nobody logs in as it)
    and stays active, since every access rule refuses an inactive user."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=f"{API_USERNAME_PREFIX}{organization.pk}",
        defaults={"first_name": f"توکن API — {organization.name}"[:150], "is_staff": False, "is_superuser": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=API_CLIENTS_GROUP)[0])
    return user


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    raw: str  # shown once, never stored


@transaction.atomic
def api_token_create(*, actor, organization: Organization, days: int | None = None, name: str = "") -> NewToken:
    """A new token for the organisation; `raw` is the only time the token exists in clear."""
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"expires_at": f"مدت اعتبار توکن باید بین ۱ و {persian.format_number(MAX_DAYS)} روز باشد."}
        )
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(
        organization=organization,
        token_hash=token_hash(raw),
        prefix=raw[:PREFIX_LENGTH],
        name=persian.normalize_letters(name or "")[:100],
        user=technical_user_for(organization),
        created_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=days) if days else None,
    )
    token.full_clean()
    token.save()
    return NewToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """From now on the token gets 403; revoking twice keeps the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token
