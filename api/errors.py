"""Every refusal of the API as JSON with a Persian message, never a 500 for bad input.

The shape, whatever went wrong:

    {"detail": "<one Persian sentence>", "errors": {"<field>": ["<Persian message>", …]}}

and for a batch of businesses `errors` is a list of {"row", "field", "message"}.
REST framework's own refusals (a malformed body, a wrong content type, too many requests …)
are reworded here, so a bank's developer reads the same language as the site's users.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core import persian


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class BatchRefused(exceptions.APIException):
    """A batch with bad rows: nothing was written. `rows` is a list of {row, field, message}."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_rows"

    def __init__(self, detail: str, rows: list[dict]):
        super().__init__(detail)
        self.rows = rows


NOT_FOUND = "پیدا نشد؛ یا وجود ندارد یا در دسترس این توکن نیست."
INVALID = "درخواست پذیرفته نشد؛ خطای هر فیلد در errors آمده است."


def _persian_or(text: str, fallback: str) -> str:
    """REST framework's own texts are English (or half translated): keep a message only
    if it is ours, i.e. written in Persian."""
    return text if any("\u0600" <= c <= "\u06ff" for c in text) else fallback


def _field_errors(detail) -> dict | list | str:
    if isinstance(detail, dict):
        return {key: _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(item) for item in detail]
    return _persian_or(str(detail), _message_for_code(getattr(detail, "code", "")))


# REST framework's error codes → Persian, for the messages it writes itself.
_CODES = {
    "required": "این فیلد لازم است.",
    "null": "این فیلد نمی‌تواند خالی (null) باشد.",
    "blank": "این فیلد نمی‌تواند خالی باشد.",
    "invalid": "مقدار این فیلد معتبر نیست.",
    "does_not_exist": NOT_FOUND,
    "incorrect_type": "نوع مقدار درست نیست؛ شناسهٔ عددی بفرستید.",
    "not_a_list": "باید فهرست (آرایهٔ JSON) باشد.",
    "not_a_dict": "باید شیء JSON باشد.",
    "empty": "فهرست نمی‌تواند خالی باشد.",
    "max_length": "این متن بیش از اندازه بلند است.",
    "invalid_choice": "این مقدار جزو گزینه‌های مجاز نیست.",
    "max_value": "این عدد بیش از اندازه بزرگ است.",
    "min_value": "این عدد بیش از اندازه کوچک است.",
    "max_string_length": "این عدد بیش از اندازه بزرگ است.",
}


def _message_for_code(code: str) -> str:
    return _CODES.get(code, "مقدار این فیلد معتبر نیست.")


def _django_validation(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if key == "__all__" else key): [str(m) for m in DjangoValidationError(errors).messages]
            for key, errors in exc.error_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, BatchRefused):
        return Response({"detail": str(exc.detail), "errors": exc.rows}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": INVALID, "errors": _django_validation(exc)}, status=400)
    if isinstance(exc, persian.PersianValueError):
        return Response({"detail": str(exc), "errors": {}}, status=400)
    if isinstance(exc, Http404 | exceptions.NotFound):
        message = str(exc.detail) if isinstance(exc, exceptions.NotFound) else str(exc)
        return Response({"detail": _persian_or(message, NOT_FOUND), "errors": {}}, status=404)
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": _persian_or(str(exc), "این کار برای این توکن مجاز نیست."), "errors": {}}, status=403)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real fault: logged and answered as a 500 like any other
    detail = getattr(exc, "detail", "")
    if isinstance(exc, exceptions.ValidationError):
        body = {
            "detail": INVALID,
            "errors": _field_errors(detail if isinstance(detail, dict) else {"non_field_errors": detail}),
        }
    elif isinstance(exc, _ALWAYS_OURS):
        # REST framework's own words for these (half translated, or English): ours instead.
        body = {"detail": _generic(exc, context), "errors": {}}
    else:
        body = {"detail": _persian_or(str(detail), _generic(exc, context)), "errors": {}}
    response.data = body
    return response


_ALWAYS_OURS = (
    exceptions.NotAuthenticated,
    exceptions.UnsupportedMediaType,
    exceptions.NotAcceptable,
    exceptions.MethodNotAllowed,
    exceptions.Throttled,
)


def _generic(exc, context) -> str:
    if isinstance(exc, exceptions.ParseError):
        return "بدنهٔ درخواست JSON درستی نیست؛ آن را با یک بررسی‌کنندهٔ JSON بیازمایید (UTF-8، بدون NaN یا Infinity)."
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "نوع محتوای درخواست پذیرفته نیست؛ بدنه را JSON بفرستید با سرآیند Content-Type: application/json."
    if isinstance(exc, exceptions.NotAcceptable):
        return "پاسخ فقط به شکل JSON داده می‌شود؛ سرآیند Accept را application/json بگذارید."
    if isinstance(exc, exceptions.MethodNotAllowed):
        request = context.get("request")
        return f"روش {getattr(request, 'method', '')} روی این نشانی پذیرفته نیست."
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        return f"درخواست‌های این توکن بیش از حد مجاز است؛ {persian.format_number(wait)} ثانیهٔ دیگر دوباره بفرستید."
    if isinstance(exc, exceptions.NotAuthenticated):
        return "توکن API فرستاده نشده است؛ سرآیند Authorization: Bearer <توکن> را بفرستید."
    if isinstance(exc, exceptions.AuthenticationFailed):
        return "توکن API شناخته نیست؛ توکن را درست و کامل بفرستید."
    if isinstance(exc, exceptions.PermissionDenied):
        return "این کار برای این توکن مجاز نیست."
    return "درخواست پذیرفته نشد."
