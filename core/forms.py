"""Helpers for forms whose writes go through a service."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the field it names, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class OneTimeTokenForm(forms.Form):
    """A hidden one-time token (core.writes.save_once): the same form sent twice saves once.

    A fresh token each time the empty form is shown; a form shown again with its errors
    keeps its token, since nothing was saved with it.
    """

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())
