"""Helpers for forms whose writes go through a service."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import mark_safe


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


class QuickSelect(forms.Select):
    """A Select drawn as Django's own (the same markup), its options written here rather
    than through a template each: a list of several hundred commitments took half of a
    page's time. Groups of options, which none of its users has, go the template's way."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)
        groups = context["widget"]["optgroups"]
        if any(group_name for group_name, _options, _index in groups):
            return super().render(name, value, attrs, renderer)
        options = "".join(
            format_html(
                '\n  <option value="{}"{}>{}</option>\n',
                "" if option["value"] is None else str(option["value"]),
                _attrs(option["attrs"]),
                option["label"],
            )
            for _name, group, _index in groups
            for option in group
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            context["widget"]["name"],
            _attrs(context["widget"]["attrs"]),
            mark_safe(options),
        )


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )
