"""How one value of a report reads on paper: Persian digits, Jalali dates, «—» for none."""

from __future__ import annotations

import re

from core import persian

from .content import DATE, INT, MONEY, PERCENT

LRI, PDI = "\u2066", "\u2069"
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9\-_/.:@]*")


def isolate_latin(text: str) -> str:
    """Wrap Latin runs (codes, e-mail addresses) in LRI…PDI.

    WeasyPrint ignores <bdi> and unicode-bidi but honours the isolate characters, so a
    code such as «HB-000123» inside Persian text keeps its own left-to-right order.
    """
    return _LATIN_RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text)


def display(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if kind in (INT, MONEY):
        return persian.format_number(value)
    if kind == PERCENT:
        return persian.format_percent(value)
    if kind == DATE:
        return persian.format_jalali(value)
    return isolate_latin(persian.persian_digits(value) if isinstance(value, int) else str(value))
