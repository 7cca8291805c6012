"""The business list's filters; the export applies the very same ones."""

from __future__ import annotations

import django_filters
from django import forms

from commitments.selectors import commitments_visible_to
from core import persian
from core.filters import JalaliDateFilter
from programs.models import County, Sector

from .models import HomeBusiness


class BusinessFilter(django_filters.FilterSet):
    county = django_filters.ModelChoiceFilter(label="شهرستان", queryset=County.objects.all(), empty_label="همه")
    sector = django_filters.ModelChoiceFilter(label="رسته", queryset=Sector.objects.all(), empty_label="همه")
    commitment = django_filters.ModelChoiceFilter(label="تعهد", queryset=None, empty_label="همه")
    status = django_filters.ChoiceFilter(label="وضعیت", choices=HomeBusiness.Status.choices, empty_label="همه")
    started_from = JalaliDateFilter(label="شروع از", field_name="started_on", lookup_expr="gte")
    started_to = JalaliDateFilter(label="شروع تا", field_name="started_on", lookup_expr="lte")
    code = django_filters.CharFilter(label="کد پیگیری", method="filter_code")

    class Meta:
        model = HomeBusiness
        fields = ["county", "sector", "commitment", "status"]

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset, **kwargs)
        # Only the commitments this user may see are offered (and accepted).
        self.filters["commitment"].queryset = commitments_visible_to(user)
        self.form.fields["commitment"].queryset = commitments_visible_to(user)
        self.form.fields["code"].widget = forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"})

    def filter_code(self, queryset, name, value):
        value = persian.normalize_code(value)
        return queryset.filter(reference_code__icontains=value) if value else queryset
