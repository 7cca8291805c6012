"""What the pages' long lists drawn in Python (commitments/, registry/ and reports/
drawing.py) share: the text a template's {{ }} and filters would write, escaped, and a
URL reversed once for many ids."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.html import escape

from core import persian
from core.templatetags.persian import fa_number

_PK = 987654321  # a stand-in id: the URL is reversed once and each real id put in its place


def url_for(name: str) -> Callable[[object], str]:
    """reverse(name, args=[pk]) for many ids, escaped as {% url %} in an attribute would be."""
    before, _, after = escape(reverse(name, args=[_PK])).partition(str(_PK))
    return lambda pk: f"{before}{pk}{after}"


def number(value) -> str:
    """{{ value|fa_number }}"""
    return escape(fa_number(value))


def jdate(value) -> str:
    """{{ value|jalali }}: «۱۴۰۵/۰۴/۰۵», "" for no date."""
    return escape(persian.format_jalali(value)) if value else ""
