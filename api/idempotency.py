"""Safe retries: a POST sent again with the same Idempotency-Key gets the first answer.

    with transaction.atomic():
        replay = idempotency.begin(request)      # None, or the first answer
        if replay: return replay
        … the write, through the services …
        idempotency.finish(request, response)

`begin` inserts the key's row inside the request's transaction. A second request with the
same key waits on PostgreSQL's unique index until the first commits, then finds its
answer; if the first failed (and rolled back, row and all), the second goes ahead. So a
key is remembered only with a successful answer.
"""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from rest_framework.response import Response

from core import persian

from .errors import IdempotencyConflict
from .models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = IdempotentRequest._meta.get_field("key").max_length
REPLAYED_HEADER = "Idempotent-Replayed"


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise IdempotencyConflict(
            f"سرآیند {HEADER} باید از ۱ تا {persian.format_number(MAX_KEY_LENGTH)} نویسهٔ لاتین باشد، مثل یک UUID."
        )
    return key


def _digest(request) -> str:
    body = json.dumps(request.data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode("utf-8", "surrogatepass")).hexdigest()


def begin(request) -> Response | None:
    """Claim the key for this request (inside the caller's transaction), or return the
    first answer to it. The same key with another body or address → 422."""
    key = _key(request)
    if key is None:
        request._idempotent = None
        return None
    digest = _digest(request)
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(token=request.auth, key=key, request_hash=digest)
    except IntegrityError:
        record = IdempotentRequest.objects.get(token=request.auth, key=key)
        if record.request_hash != digest:
            raise IdempotencyConflict(
                f"کلید {HEADER} «{key}» پیش‌تر برای درخواست دیگری به کار رفته است؛ برای هر درخواست تازه "
                "کلید تازه‌ای بسازید و برای تکرار همان درخواست، همان بدنه را بفرستید."
            ) from None
        return Response(record.body, status=record.status_code, headers={REPLAYED_HEADER: "true"})
    request._idempotent = record
    return None


def finish(request, response: Response) -> Response:
    record = getattr(request, "_idempotent", None)
    if record is not None:
        record.status_code = response.status_code
        record.body = response.data
        record.save(update_fields=["status_code", "body"])
    return response
