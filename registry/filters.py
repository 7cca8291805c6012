"""The business list's filters; the export applies the very same ones."""

from __future__ import annotations

import functools

import django_filters
from django import forms
from django.db.models import F, IntegerField, OrderBy, Value, Window
from django.db.models.functions import RowNumber
from django.utils.choices import CallableChoiceIterator

from commitments.selectors import commitments_visible_to
from core import persian
from core.filters import JalaliDateFilter
from core.forms import QuickSelect
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
        # The three lists the form offers, read together when it is drawn (one query, not
        # one a list; none when only the filtering is wanted, as by the export).
        self._lists = None
        for name in ("county", "sector", "commitment"):
            field = self.form.fields[name]
            field.widget = QuickSelect(attrs=field.widget.attrs)  # the same markup, drawn faster
            field.widget.is_required = field.required
            # Past django-filter's setter, which would wrap them in a ModelChoiceIterator again.
            field._choices = field.widget.choices = CallableChoiceIterator(functools.partial(self._offered, name))

    def _offered(self, name: str) -> list[tuple]:
        """(value, label) as each ModelChoiceField would offer them: «همه», then its
        queryset in its own order, labelled by str()."""
        if self._lists is None:
            parts = [
                _part(self.form.fields[n].queryset, kind, label)
                for kind, (n, label) in enumerate((("county", "name"), ("sector", "name"), ("commitment", "title")))
            ]
            self._lists = {n: [("", self.form.fields[n].empty_label)] for n in ("county", "sector", "commitment")}
            names = ("county", "sector", "commitment")
            for kind, _pos, pk, label in parts[0].union(*parts[1:], all=True).order_by("kind", "pos"):
                self._lists[names[kind]].append((pk, label))
        return self._lists[name]

    def filter_code(self, queryset, name, value):
        value = persian.normalize_code(value)
        return queryset.filter(reference_code__icontains=value) if value else queryset


def _part(queryset, kind: int, label: str):
    """kind, position in the queryset's own order, id and label: one list of the union."""
    order = [
        OrderBy(F(f[1:]), descending=True) if f.startswith("-") else F(f).asc()
        for f in queryset.query.order_by or queryset.model._meta.ordering
    ]
    return (
        queryset.order_by()
        .annotate(
            kind=Value(kind, output_field=IntegerField()), label=F(label), pos=Window(RowNumber(), order_by=order)
        )
        .values_list("kind", "pos", "id", "label")
    )
