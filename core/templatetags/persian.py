"""Display filters: Jalali dates and Persian digits. Built in to every template."""

from django import template

from core import persian

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
def fa_percent(value, decimals=0):
    """{{ 42.5|fa_percent }} → ٪۴۳"""
    if value is None:
        return "—"
    return "٪" + persian.format_number(value, int(decimals))
