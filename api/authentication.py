"""`Authorization: Bearer <token>`: which organisation is calling, as its technical user.

No header → 401 (REST framework's NotAuthenticated, since authenticate_header answers);
a token nobody issued → 401; a revoked or expired one → 403, so the bank's IT can tell
"you sent nothing valid" from "this token has been withdrawn".
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import authentication, exceptions

from .models import ApiToken
from .services import token_hash

# last_used_at is written at most this often per token, not on every request.
LAST_USED_EVERY = datetime.timedelta(minutes=1)
# A token is 43 characters; anything much longer is not one (and is not hashed).
MAX_TOKEN_LENGTH = 200

MISSING = "توکن API فرستاده نشده است؛ سرآیند Authorization: Bearer <توکن> را بفرستید."
MALFORMED = "سرآیند Authorization باید به شکل «Bearer <توکن>» باشد."
UNKNOWN = "توکن API شناخته نیست؛ توکن را درست و کامل بفرستید."
REVOKED = "این توکن API باطل شده است؛ از مدیر سامانه توکن تازه بخواهید."
EXPIRED = "اعتبار این توکن API تمام شده است؛ از مدیر سامانه توکن تازه بخواهید."


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None  # NotAuthenticated → 401 with MISSING (api/errors.py)
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(MALFORMED)
        raw = parts[1]
        if len(raw) > MAX_TOKEN_LENGTH:
            raise exceptions.AuthenticationFailed(UNKNOWN)
        token = ApiToken.objects.select_related("user", "organization").filter(token_hash=token_hash(raw)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(UNKNOWN)
        now = timezone.now()
        if token.is_revoked:
            raise exceptions.PermissionDenied(REVOKED)
        if token.is_expired(now):
            raise exceptions.PermissionDenied(EXPIRED)
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Bearer")
        scheme["description"] = "توکنی که مدیر سامانه برای دستگاه شما ساخته است: Authorization: Bearer <توکن>"
        return scheme
