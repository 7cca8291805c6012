"""What every service does before it writes: Persian messages for limits Django leaves to
forms or to the database, and the history row's actor and reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.backends.base.operations import BaseDatabaseOperations

from core import persian


class ConcurrentEditError(ValidationError):
    """Somebody else saved the same record after this user opened it."""


def check_text_limits(obj) -> None:
    """Django enforces a TextField's max_length only in forms, not in full_clean();
    a 10 MB note sent past a form must still be refused before anything is written."""
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.TextField) and field.max_length:
            value = getattr(obj, field.attname) or ""
            if len(value) > field.max_length:
                raise ValidationError(
                    {
                        field.name: (
                            f"«{field.verbose_name}» حداکثر {persian.format_number(field.max_length)} نویسه است و "
                            f"این متن {persian.format_number(len(value))} نویسه دارد؛ آن را کوتاه‌تر کنید."
                        )
                    }
                )


# What each integer column holds, as Django's backends define it (PostgreSQL's ranges).
# SQLite would store more, and PostgreSQL then refuse it at save time in English.
_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def check_number_ranges(obj) -> None:
    """Negative or out-of-range numbers get a Persian message with Persian digits.

    Django's own validators say «... 0 است» with Latin digits, and on SQLite a
    PositiveIntegerField takes any bigint, so the same service call would pass on one
    database and fail at save time on the other. Checked before full_clean().
    """
    errors = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.is_relation:
            continue
        limits = _INTEGER_RANGES.get(field.get_internal_type())
        value = getattr(obj, field.attname)
        if limits is None or isinstance(value, bool) or not isinstance(value, int):
            continue
        low, high = limits
        if value < low:
            errors[field.name] = (
                f"«{field.verbose_name}» نمی‌تواند منفی باشد؛ صفر یا بیشتر وارد کنید."
                if low == 0
                else f"«{field.verbose_name}» باید دست‌کم {persian.format_number(low)} باشد."
            )
        elif value > high:
            errors[field.name] = (
                f"«{field.verbose_name}» بیش از حد بزرگ است؛ حداکثر {persian.format_number(high)} پذیرفته می‌شود."
            )
    if errors:
        raise ValidationError(errors)


def full_clean(obj) -> None:
    check_number_ranges(obj)
    # A one-time token already used is save_once()'s to answer (AlreadySubmitted with the
    # first row), not a field error: a request racing the first one can get past
    # refuse_used_token() and see the first row only here.
    obj.full_clean(exclude=["submission_token"] if hasattr(obj, "submission_token") else None)


def stamp(obj, actor, reason: str) -> None:
    # Every service stamps right before it saves, so the text limits are checked here
    # once for every write.
    check_text_limits(obj)
    # django-simple-history reads these when it writes the history row.
    obj._history_user = actor
    obj._change_reason = reason[:100] if reason else ""


# ---------------------------------------------------------------- one-time form tokens


class AlreadySubmitted(Exception):
    """The same form (its one-time `submission_token`) was sent before: a double click,
    the back button, two requests at once. `first` is the row the first sending saved."""

    def __init__(self, first):
        super().__init__(f"already submitted as {type(first).__name__} {first.pk}")
        self.first = first


def refuse_used_token(model, token) -> None:
    """Before full_clean(): a token already used raises AlreadySubmitted, not a
    uniqueness error on a field nobody typed."""
    if token is not None:
        first = model.objects.filter(submission_token=token).first()
        if first is not None:
            raise AlreadySubmitted(first)


def save_once(obj) -> None:
    """Save obj, whose `submission_token` is unique in its table.

    Two requests with one token can both pass refuse_used_token(); the database's unique
    index lets one insert through, and the other (on PostgreSQL it waits for the first to
    commit) gets AlreadySubmitted with the first row. Nothing of the second is written.
    """
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        token = obj.submission_token
        first = type(obj).objects.filter(submission_token=token).first() if token is not None else None
        if first is None:
            raise
        raise AlreadySubmitted(first) from None
