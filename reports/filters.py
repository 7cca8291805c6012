"""The dashboard's filters. They live in the URL (GET), so a filtered view can be shared."""

from __future__ import annotations

import django_filters
from django.db.models import CharField, Exists, OuterRef, Q, Value

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

    # The three lists of names a person picks from, read in one query (read_choices).
    CHOICE_MODELS = {"program": Program, "organization": Organization, "county": County}

    def read_choices(self) -> None:
        """Fills the program, organisation and county lists with one UNION query instead
        of one query each; each list stays ordered by name, as its queryset says.
        Checking a chosen value still goes through the field's queryset."""
        parts = [
            model.objects.order_by()
            .annotate(list_of=Value(name, output_field=CharField()))
            .values_list("list_of", "id", "name")
            for name, model in self.CHOICE_MODELS.items()
        ]
        rows: dict[str, list] = {name: [] for name in self.CHOICE_MODELS}
        for kind, pk, label in parts[0].union(*parts[1:], all=True).order_by("list_of", "name"):
            rows[kind].append((pk, label))
        for name, choices in rows.items():
            # What is drawn; the field's queryset still checks what comes back.
            field = self.form.fields[name]
            field.widget.choices = [("", field.empty_label), *choices]

    def filter_county(self, queryset, name, value):
        # Commitments with a progress entry or a business in that county. EXISTS, not a
        # join, so a commitment is never listed twice.
        entries = ProgressEntry.objects.filter(commitment=OuterRef("pk"), county=value)
        businesses = HomeBusiness.objects.filter(commitment=OuterRef("pk"), county=value)
        return queryset.filter(Q(Exists(entries)) | Q(Exists(businesses)))
