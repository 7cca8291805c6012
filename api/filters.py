"""The lists' filters (django-filter). Businesses use the site's own BusinessFilter, so a
filter means the same on the business list page, in its export and here."""

from __future__ import annotations

import django_filters
from django.contrib.auth.models import AnonymousUser

from commitments.models import ProgressEntry
from core.filters import JalaliDateFilter
from registry.filters import BusinessFilter


class ApiBusinessFilter(BusinessFilter):
    """BusinessFilter with the caller taken from the request, as REST framework passes it
    (without one, when the schema is built, no commitment is offered)."""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        user = getattr(request, "user", None) or AnonymousUser()
        super().__init__(data, queryset, user=user, **kwargs)


class ProgressEntryFilter(django_filters.FilterSet):
    commitment = django_filters.NumberFilter(label="شناسهٔ تعهد", field_name="commitment_id")
    status = django_filters.ChoiceFilter(label="وضعیت", choices=ProgressEntry.Status.choices)
    period_from = JalaliDateFilter(label="پایان دوره از (شمسی)", field_name="period_end", lookup_expr="gte")
    period_to = JalaliDateFilter(label="پایان دوره تا (شمسی)", field_name="period_end", lookup_expr="lte")

    class Meta:
        model = ProgressEntry
        fields = ["commitment", "status"]
