"""Persian pieces for Django admin: Jalali dates in lists, forms and filters; ی/ک-proof search."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib import admin
from django.db import models
from django.db.models import Max, Min, Q

from . import persian
from .fields import (
    BIG_INTEGER_MAX,
    INTEGER_MAX,
    JalaliDateField,
    JalaliDateInput,
    PersianIntegerField,
    PersianNumberInput,
)

PERSIAN_FORMFIELD_OVERRIDES = {
    models.DateField: {"form_class": JalaliDateField, "widget": JalaliDateInput},
    models.PositiveIntegerField: {
        "form_class": PersianIntegerField,
        "widget": PersianNumberInput,
        "max_value": INTEGER_MAX,
    },
    models.PositiveBigIntegerField: {
        "form_class": PersianIntegerField,
        "widget": PersianNumberInput,
        "max_value": BIG_INTEGER_MAX,
    },
    models.IntegerField: {"form_class": PersianIntegerField, "widget": PersianNumberInput, "max_value": INTEGER_MAX},
    models.BigIntegerField: {
        "form_class": PersianIntegerField,
        "widget": PersianNumberInput,
        "max_value": BIG_INTEGER_MAX,
    },
}


class PersianAdminMixin:
    """Jalali date inputs, Persian-digit number inputs, and a search that ignores ي/ك."""

    formfield_overrides = PERSIAN_FORMFIELD_OVERRIDES

    class Media:
        css = {"all": ["vendor/jalalidatepicker/jalalidatepicker.min.css", "css/admin-fa.css"]}
        js = ["vendor/jalalidatepicker/jalalidatepicker.min.js", "js/jalali-init.js"]

    def save_model(self, request, obj, form, change):
        # A change form sent back as it was opened writes nothing: Django would save the
        # row anyway, and django-simple-history would add a history row (and the version
        # would move) for a change nobody made. Inline rows are saved only when changed.
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history looks the object up with the raw id, so a mistyped
        # address such as …/3/change/history/ was a 500; it is a missing page.
        from django.contrib.admin.utils import unquote
        from django.core.exceptions import ValidationError
        from django.http import Http404

        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except (ValidationError, ValueError, TypeError):
            raise Http404("چنین موردی نیست.") from None
        return super().history_view(request, object_id, extra_context=extra_context)

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return super().get_search_results(request, queryset, search_term)
        term = persian.to_ascii_digits(search_term)
        combined = None
        may_have_duplicates = False
        # Each spelling of the term is searched with Django's own machinery and the
        # results are OR-ed, so «كرمان» finds «کرمان» and the other way round.
        for variant in persian.letter_variants(term):
            qs, dup = super().get_search_results(request, queryset, variant)
            may_have_duplicates |= dup
            combined = qs if combined is None else combined | qs
        return combined, may_have_duplicates


class PersianModelAdmin(PersianAdminMixin, admin.ModelAdmin):
    pass


class PersianTabularInline(admin.TabularInline):
    formfield_overrides = PERSIAN_FORMFIELD_OVERRIDES


class PersianStackedInline(admin.StackedInline):
    formfield_overrides = PERSIAN_FORMFIELD_OVERRIDES


def jalali_month_filter(field_name: str, title: str):
    """A list filter by Jalali year and month that filters with Gregorian ranges.

    Values: «1405» for a whole year, «1405-04» for Tir 1405. The choices cover the
    Jalali years present in the data.
    """

    class JalaliMonthFilter(admin.SimpleListFilter):
        parameter_name = f"{field_name}_jalali"

        def lookups(self, request, model_admin):
            bounds = model_admin.get_queryset(request).aggregate(lo=Min(field_name), hi=Max(field_name))
            if not bounds["lo"]:
                return []
            first, last = persian.to_jalali(bounds["lo"]).year, persian.to_jalali(bounds["hi"]).year
            choices = []
            for year in range(last, first - 1, -1):
                choices.append((str(year), persian.persian_digits(f"سال {year}")))
                for month in range(1, 13):
                    choices.append((f"{year}-{month:02d}", persian.jalali_month_label(year, month)))
            return choices

        def queryset(self, request, queryset):
            value = self.value()
            if not value:
                return queryset
            try:
                if "-" in value:
                    year, month = (int(p) for p in value.split("-", 1))
                    start, end = persian.jalali_month_range(year, month)
                else:
                    start, end = persian.jalali_year_range(int(value))
            except (ValueError, persian.PersianValueError):
                return queryset.none()
            return queryset.filter(Q(**{f"{field_name}__gte": start}) & Q(**{f"{field_name}__lte": end}))

    JalaliMonthFilter.title = title
    JalaliMonthFilter.__name__ = f"JalaliMonthFilter_{field_name}"
    return JalaliMonthFilter


# ------------------------------------------------------------- every admin page


def _persian_display_for_field(original):
    def display_for_field(value, field, empty_value_display, avoid_link=False):
        if value not in (None, "") and not getattr(field, "flatchoices", None):
            if isinstance(field, models.DateTimeField):
                return persian.format_jalali_datetime(value)
            if isinstance(field, models.DateField):
                return persian.format_jalali(value)
            if isinstance(field, models.DecimalField):
                return persian.format_number(value, field.decimal_places)
            if isinstance(field, models.IntegerField) and not isinstance(field, models.AutoField):
                return persian.format_number(value)
        return original(value, field, empty_value_display, avoid_link)

    return display_for_field


def _persian_display_for_value(original):
    def display_for_value(value, empty_value_display, boolean=False):
        if not boolean and value is not None and not isinstance(value, bool):
            if isinstance(value, datetime.datetime):
                return persian.format_jalali_datetime(value)
            if isinstance(value, datetime.date):
                return persian.format_jalali(value)
            if isinstance(value, int | Decimal):
                return persian.format_number(value)
        return original(value, empty_value_display, boolean)

    return display_for_value


def install_persian_names() -> None:
    """Names people read in the admin, for models the project does not own.

    - A group by its Persian label («کارشناسان اتاق بازرگانی»), not its code name
      (chamber_staff), in the user list's filter, the user form's picker and the group list.
    - A user by their full name where one is set (the «ثبت‌کننده» columns, history's
      «چه کسی», pickers), their username otherwise.
    - django-axes' logs without their date drill-down: it lists Gregorian years and months
      (Django's date_hierarchy knows no other calendar); the times themselves are Jalali.
    """
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    from .roles import GROUP_LABELS

    Group.__str__ = lambda self: GROUP_LABELS.get(self.name, self.name)
    user_model = get_user_model()
    user_model.__str__ = lambda self: self.get_full_name() or self.get_username()

    # Permissions: «تعهد: افزودن», not «commitments | commitment | Can add commitment»; the
    # history tables' own permissions are not offered (history is read through its model).
    Permission.__str__ = _permission_label
    for model in (Group, user_model):
        model_admin = admin.site._registry.get(model)
        if model_admin is not None:
            model_admin.formfield_for_manytomany = _without_history_permissions(model_admin.formfield_for_manytomany)
    user_admin = admin.site._registry.get(user_model)
    if user_admin is not None:
        # Django's split date and time inputs show Gregorian dates: read-only, they are Jalali.
        user_admin.readonly_fields = (*user_admin.readonly_fields, "last_login", "date_joined")

    # Membership rows, listed on a group's or user's delete page («User_groups object (2)»).
    for field, label in (("groups", "عضویت در گروه"), ("user_permissions", "اجازهٔ کاربر")):
        through = user_model._meta.get_field(field).remote_field.through
        through._meta.verbose_name = label
        through._meta.verbose_name_plural = label
    user_model.groups.through.__str__ = lambda self: f"{self.user} در {self.group}"
    user_model.user_permissions.through.__str__ = lambda self: f"{self.user}: {self.permission}"

    group_admin = admin.site._registry.get(Group)
    if group_admin is not None and "__str__" not in group_admin.list_display:
        group_admin.list_display = ["__str__", *[n for n in group_admin.list_display if n != "name"]]
    if apps.is_installed("axes"):
        for model, model_admin in admin.site._registry.items():
            if model._meta.app_label == "axes":
                model_admin.date_hierarchy = None
                # «Access Log for admin @ 2026-11-30 …» in titles and breadcrumbs.
                model.__str__ = _axes_label

    from django.contrib.admin.templatetags import admin_list
    from django.contrib.auth.forms import ReadOnlyPasswordHashWidget

    admin_list._boolean_icon = _boolean_icon
    ReadOnlyPasswordHashWidget.get_context = _password_summary(ReadOnlyPasswordHashWidget.get_context)


def _password_summary(original):
    """A user's password field: whether one is set, not the hash's algorithm, rounds, salt
    and hash (Latin, and of no use to a person)."""

    def get_context(self, name, value, attrs):
        context = original(self, name, value, attrs)
        if len(context.get("summary", [])) > 1:
            context["summary"] = [{"label": "گذرواژه ثبت شده است.", "value": ""}]
        return context

    return get_context


PERMISSION_ACTIONS = {"add": "افزودن", "change": "ویرایش", "delete": "حذف", "view": "دیدن"}


def _permission_label(permission) -> str:
    model = permission.content_type.model_class()
    name = model._meta.verbose_name if model is not None else permission.content_type.model
    action = PERMISSION_ACTIONS.get(permission.codename.split("_", 1)[0])
    return f"{name}: {action}" if action else f"{name}: {permission.name}"


def _without_history_permissions(original):
    def formfield_for_manytomany(db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            from django.contrib.auth.models import Permission

            kwargs["queryset"] = (
                Permission.objects.exclude(content_type__model__startswith="historical")
                .select_related("content_type")
                .order_by("content_type__app_label", "content_type__model", "codename")
            )
        return original(db_field, request, **kwargs)

    return formfield_for_manytomany


def _axes_label(record) -> str:
    who = record.username or "—"
    return f"{who}، {persian.format_jalali_datetime(record.attempt_time)}"


def _boolean_icon(value):
    """Django's yes/no icon with a Persian alt text («True»/«False» before)."""
    from django.templatetags.static import static
    from django.utils.html import format_html

    icon = {True: "yes", False: "no", None: "unknown"}[value]
    alt = {True: "بله", False: "خیر", None: "نامعلوم"}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), alt)


def install_persian_display() -> None:
    """Jalali dates and Persian digits in every admin list and read-only field.

    Why a patch: Django admin formats values in admin.utils.display_for_field/_value,
    which know only Django's (Gregorian) date formats, and offers no hook. Every
    list column and read-only field goes through them — ours, and auth's, axes',
    django-celery-beat's and simple-history's — and showed dates such as
    «27 نوامبر 2026، ساعت 9:57». The modules that imported the functions by name
    are patched too. Form inputs are untouched (they have their own widgets).
    """
    from django.contrib.admin import helpers, utils
    from django.contrib.admin.templatetags import admin_list

    if getattr(utils.display_for_field, "persian", False):
        return
    field_fn = _persian_display_for_field(utils.display_for_field)
    value_fn = _persian_display_for_value(utils.display_for_value)
    field_fn.persian = value_fn.persian = True
    for module in (utils, helpers, admin_list):
        if hasattr(module, "display_for_field"):
            module.display_for_field = field_fn
        if hasattr(module, "display_for_value"):
            module.display_for_value = value_fn
