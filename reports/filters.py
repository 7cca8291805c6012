"""The dashboard's filters. They live in the URL (GET), so a filtered view can be shared."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q

from commitments.models import Commitment, ProgressEntry
from core.filters import JalaliDateFilter
from programs.models import County, Organization, Program
from registry.models import HomeBusiness


class DashboardFilter(django_filters.FilterSet):
    program = django_filters.ModelChoiceFilter(
        label="برنامه", queryset=Program.objects.order_by("name"), empty_label="همه برنامه‌ها"
    )
    organization = django_filters.ModelChoiceFilter(
        label="دستگاه متعهد", queryset=Organization.objects.order_by("name"), empty_label="همه دستگاه‌ها"
    )
    status = django_filters.ChoiceFilter(label="وضعیت", choices=Commitment.Status.choices, empty_label="همه وضعیت‌ها")
    county = django_filters.ModelChoiceFilter(
        label="شهرستان",
        queryset=County.objects.order_by("name"),
        empty_label="همه شهرستان‌ها",
        method="filter_county",
    )
    due_from = JalaliDateFilter(label="مهلت تحقق از", field_name="due_on", lookup_expr="gte")
    due_to = JalaliDateFilter(label="مهلت تحقق تا", field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Commitment
        fields = ["program", "organization", "status", "county", "due_from", "due_to"]

    def filter_county(self, queryset, name, value):
        # Commitments with a progress entry or a business in that county. EXISTS, not a
        # join, so a commitment is never listed twice.
        entries = ProgressEntry.objects.filter(commitment=OuterRef("pk"), county=value)
        businesses = HomeBusiness.objects.filter(commitment=OuterRef("pk"), county=value)
        return queryset.filter(Q(Exists(entries)) | Q(Exists(businesses)))
