"""Display filters: Jalali dates and Persian digits. Built in to every template."""

import functools

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html

from core import glossary, persian

register = template.Library()


@register.filter
def jdate(value, fmt="%Y/%m/%d"):
    """{{ d|jdate }} → ۱۴۰۵/۰۴/۰۵"""
    if not value:
        return ""
    return persian.format_jalali(value, fmt)


@register.filter
def jdate_long(value):
    """{{ d|jdate_long }} → ۵ تیر ۱۴۰۵"""
    return persian.format_jalali_long(value) if value else ""


@register.simple_tag
def jalali_today() -> str:
    """{% jalali_today %} → ۹ آذر ۱۴۰۵: today in Tehran (the printed page's date)."""
    return persian.format_jalali_long(persian.local_today())


@register.filter
def jdatetime(value):
    return persian.format_jalali_datetime(value) if value else ""


@register.filter
def fa_digits(value):
    if value is None:
        return ""
    return persian.persian_digits(value)


@register.filter
def fa_number(value, decimals=0):
    """{{ 30000|fa_number }} → ۳۰٬۰۰۰"""
    if value is None or value == "":
        return "—"
    try:
        return persian.format_number(value, int(decimals))
    except (TypeError, ValueError):
        return persian.persian_digits(value)


@register.filter
def fa_percent(value):
    """{{ 25.8|fa_percent }} → ٪۲۵٫۸ (core.persian.format_percent)"""
    return persian.format_percent(value)


@register.simple_tag
def figure(key: str, text: str = ""):
    """{% figure "new_jobs" %} → the figure's glossary name, linked to its definition.

    Every label of a headline figure on a page goes through here, so the words are the
    glossary's and a reader is one click from what the number means. `text` replaces
    the words where the page needs a longer phrase (it still links the definition).
    """
    # The same few labels come back on every card of a page (the review queue has ten a
    # card): each link is built once per glossary address, not reversed every time.
    if type(text) is not str:  # a safe string keeps its own escaping: not from the cache
        return _figure_link.__wrapped__(key, text, reverse("glossary"))
    return _figure_link(key, text, _glossary_url(get_script_prefix()))


@functools.lru_cache(maxsize=8)
def _glossary_url(script_prefix: str) -> str:
    return reverse("glossary")


@functools.lru_cache(maxsize=512)
def _figure_link(key: str, text: str, url: str):
    entry = glossary.FIGURES[key]
    return format_html(
        '<a class="figure-label" href="{}#{}" title="{}">{}</a>',
        url,
        entry.key,
        entry.definition,
        text or entry.label,
    )


@register.simple_tag
def figure_name(key: str) -> str:
    """{% figure_name "new_jobs" %} → «شغل تازه», plain text (for headings, alt text, PDFs)."""
    return glossary.label(key)
