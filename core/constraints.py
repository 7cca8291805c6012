"""Database rules that many models state alike, written once."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


def positive(field: str, name: str, message: str) -> models.CheckConstraint:
    """`field` is greater than zero, refused with a Persian `message`."""
    return models.CheckConstraint(condition=Q(**{f"{field}__gt": 0}), name=name, violation_error_message=message)
