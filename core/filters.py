"""django-filter pieces that read Persian input."""

import django_filters

from .fields import JalaliDateField


class JalaliDateFilter(django_filters.Filter):
    """A date filter typed as a Jalali date (Persian or Latin digits)."""

    field_class = JalaliDateField
