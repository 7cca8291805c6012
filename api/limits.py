"""The API's stated limits: body size, batch rows, request rate per token (README, «API»).

The body is read through JsonBodyParser, which stops at API_MAX_BODY_BYTES whether or not
the client said how long the body is; a longer one is answered 413 and not parsed.
"""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.throttling import SimpleRateThrottle

from core import persian

from .errors import PayloadTooLarge


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"بدنهٔ درخواست بیش از {persian.format_number(settings.API_MAX_BODY_BYTES // 1024)} کیلوبایت است؛ "
        f"فهرست بلند را در چند درخواست بفرستید (هر دسته حداکثر {persian.format_number(settings.API_BATCH_MAX_ROWS)} ردیف)."
    )


class JsonBodyParser(JSONParser):
    """REST framework's JSON parser, with the size limit, and UTF-8 only."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        try:
            if declared and int(declared) > limit:
                raise too_large()
        except ValueError:
            raise exceptions.ParseError("سرآیند Content-Length عدد نیست.") from None
        raw = stream.read(limit + 1)
        if len(raw) > limit:
            raise too_large()
        try:
            text = codecs.decode(raw, "utf-8")
        except UnicodeDecodeError:
            raise exceptions.ParseError("بدنهٔ درخواست UTF-8 نیست؛ JSON را با کدگذاری UTF-8 بفرستید.") from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError:
            raise exceptions.ParseError(
                "بدنهٔ درخواست JSON درستی نیست؛ آن را با یک بررسی‌کنندهٔ JSON بیازمایید (UTF-8، بدون NaN یا Infinity)."
            ) from None
        except RecursionError:
            raise exceptions.ParseError("بدنهٔ درخواست بیش از اندازه تودرتو است.") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (not per address: a bank's servers may share one), counted in
    the cache (Redis in production), API_RATE per token."""

    scope = "api_token"

    def get_rate(self):
        return settings.API_RATE

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
