"""django-celery-beat's admin (the worker's timetable) in Persian.

Its words go through gettext and are translated in core/locale (Persian msgstrs that
replace the package's own, which say «تسک»). What gettext cannot reach is done here:
- the schedules' names («30 6 * * * (m/h/dM/MY/d) Asia/Tehran», «2026-11-30 14:47:00+03:30»,
  «sunset (30.280000, 57.070000)», «every 1 minutes»): a Persian description, Jalali
  times, Persian digits;
- the tasks, listed by their code names («reports.tasks.run_deadline_schedules»): each task
  carries a `persian_name` (@shared_task(persian_name=…)), shown wherever a task is named;
- inputs: Jalali date and time, Persian digits in numbers and cron fields (read back in
  any digit script), the time zone offered as Tehran or universal time, not 600 zone names;
- messages built with Latin digits or English plurals, and an untranslatable f-string;
- the periodic task page's own template, whose inline script the site's CSP blocks anyway.
"""

from __future__ import annotations

import re
import zoneinfo

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import persian
from .admin import PERSIAN_FORMFIELD_OVERRIDES, PersianAdminMixin
from .fields import AsciiDigitsCharField, JalaliDateTimeField, PersianDecimalField

TIME_ZONES = {"Asia/Tehran": "به وقت تهران", "UTC": "به وقت جهانی (گرینویچ)"}
# Cron counts the week from Sunday (0, and 7 again).
WEEKDAYS = ("یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")
CRON_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")


def _tasks():
    from celery import current_app

    current_app.loader.import_default_modules()
    return current_app.tasks


def task_label(name: str) -> str:
    """A task's Persian name; an unknown task keeps its code name (data)."""
    task = _tasks().get(name)
    return getattr(task, "persian_name", None) or name


def _cron_part(value: str) -> str:
    return "هر" if value == "*" else persian.persian_digits(value)


def crontab_description(crontab) -> str:
    """«هر روز، ساعت ۶:۳۰ به وقت تهران» for 30 6 * * * in Asia/Tehran."""
    m, h, dom, moy, dow = (str(getattr(crontab, f)).replace(" ", "") for f in CRON_FIELDS)
    d = persian.persian_digits
    if m.isdigit() and h.isdigit():
        time = f"ساعت {d(f'{int(h)}:{int(m):02d}')}"
    elif m == "*" and h == "*":
        time = "هر دقیقه"
    elif m.startswith("*/") and h == "*":
        time = f"هر {d(m[2:])} دقیقه"
    elif m.isdigit() and h == "*":
        time = f"دقیقهٔ {d(m)} هر ساعت"
    else:
        time = f"دقیقهٔ {_cron_part(m)} از ساعت {_cron_part(h)}"
    days = []
    if dow != "*":
        if re.fullmatch(r"[0-7](,[0-7])*", dow):
            days.append("روزهای " + "، ".join(WEEKDAYS[int(n)] for n in dow.split(",")))
        else:
            days.append(f"روزهای هفتهٔ {d(dow)}")
    if dom != "*":
        days.append(f"روز {d(dom)} ماه")
    if moy != "*":
        days.append(f"در ماه {d(moy)} میلادی")  # cron's months are Gregorian months
    zone = str(crontab.timezone)
    return f"{' و '.join(days) or 'هر روز'}، {time} {TIME_ZONES.get(zone, 'به وقت ' + zone)}"


def _solar_label(solar) -> str:
    where = f"عرض {persian.format_number(solar.latitude, 2)}، طول {persian.format_number(solar.longitude, 2)}"
    return f"{solar.get_event_display()} ({where})"


def _install_names() -> None:
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )

    CrontabSchedule.__str__ = crontab_description
    CrontabSchedule.human_readable = property(crontab_description)
    interval_str = IntervalSchedule.__str__
    if not getattr(interval_str, "persian", False):
        IntervalSchedule.__str__ = lambda self: persian.persian_digits(interval_str(self))
        IntervalSchedule.__str__.persian = True
    ClockedSchedule.__str__ = lambda self: persian.format_jalali_datetime(self.clocked_time)
    SolarSchedule.__str__ = _solar_label
    # «Task Name»: the package's one label without gettext.
    PeriodicTask._meta.get_field("task").verbose_name = "کار"


# ---------------------------------------------------------------- the admin classes


def _admin_classes():
    from django.db import models
    from django_celery_beat import admin as beat

    overrides = {
        **PERSIAN_FORMFIELD_OVERRIDES,
        models.DateTimeField: {"form_class": JalaliDateTimeField, "widget": JalaliDateTimeField.widget},
        models.DecimalField: {"form_class": PersianDecimalField, "widget": PersianDecimalField.widget},
    }

    class PersianTaskSelect(beat.TaskSelectWidget):
        def tasks_as_choices(self):
            names = sorted(n for n in _tasks() if not n.startswith("celery."))
            return (("", "---------"), *((n, task_label(n)) for n in names))

    class PeriodicTaskForm(beat.PeriodicTaskForm):
        regtask = beat.TaskChoiceField(label="کار", required=False, widget=PersianTaskSelect)
        # The code name is kept, not typed: it follows the choice above.
        task = forms.CharField(label="کار", required=False, max_length=200, widget=forms.HiddenInput)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            current = self.instance.task if self.instance.pk else ""
            if current:
                self.fields["regtask"].initial = current
                widget = self.fields["regtask"].widget
                if current not in dict(widget.choices):
                    widget._choices = (*widget.choices, (current, current))

    class TaskFilter(admin.SimpleListFilter):
        title = "کار"
        parameter_name = "task"

        def lookups(self, request, model_admin):
            names = model_admin.get_queryset(request).values_list("task", flat=True).distinct()
            return sorted(((n, task_label(n)) for n in names), key=lambda pair: pair[1])

        def queryset(self, request, queryset):
            return queryset.filter(task=self.value()) if self.value() else queryset

    class TaskInline(beat.PeriodicTaskInline):
        fields = ("name", "task_shown", "enabled")
        readonly_fields = fields

        @admin.display(description="کار")
        def task_shown(self, obj):
            return task_label(obj.task)

    class ScheduleAdmin(PersianAdminMixin, admin.ModelAdmin):
        formfield_overrides = overrides
        inlines = [TaskInline]

    class PeriodicTaskAdmin(PersianAdminMixin, beat.PeriodicTaskAdmin):
        form = PeriodicTaskForm
        formfield_overrides = overrides
        change_form_template = None
        # Django's date drill-down lists Gregorian years and months.
        date_hierarchy = None
        list_display = ("name", "task_shown", "enabled", "schedule_shown", "start_time", "last_run_at", "one_off")
        list_filter = ["enabled", "one_off", TaskFilter, "start_time", "last_run_at"]
        readonly_fields = ("last_run_at", "total_run_count")
        fieldsets = (
            (None, {"fields": ("name", "regtask", "task", "enabled", "description")}),
            (_("Schedule"), {"fields": ("interval", "crontab", "solar", "clocked", "start_time", "one_off")}),
            (
                "اجرا تا کنون",
                {"fields": ("last_run_at", "total_run_count")},
            ),
            (_("Arguments"), {"fields": ("args", "kwargs"), "classes": ("collapse",)}),
            (
                _("Execution Options"),
                {
                    "fields": (
                        "expires",
                        "expire_seconds",
                        "queue",
                        "exchange",
                        "routing_key",
                        "priority",
                        "headers",
                    ),
                    "classes": ("collapse",),
                },
            ),
        )

        @admin.display(description="کار", ordering="task")
        def task_shown(self, obj):
            return task_label(obj.task)

        @admin.display(description="زمان‌بندی")
        def schedule_shown(self, obj):
            return obj.scheduler or "—"

        def message_user(self, request, message, *args, **kwargs):
            # The package writes counts with Latin digits and, for a task it cannot find,
            # builds its message with an f-string before gettext sees it.
            text = str(message)
            missing = re.fullmatch(r'task "(.+)" not found', text)
            if missing:
                text = f"کار «{missing.group(1)}» در برنامه پیدا نشد؛ هیچ کاری اجرا نشد."
            super().message_user(request, persian.persian_digits(text), *args, **kwargs)

    class CrontabScheduleAdmin(ScheduleAdmin):
        list_display = ("__str__",)
        fields = ("description", *CRON_FIELDS, "timezone")
        readonly_fields = ("description",)

        @admin.display(description="به زبان ساده")
        def description(self, obj):
            return crontab_description(obj) if obj.pk else "—"

        def formfield_for_dbfield(self, db_field, request, **kwargs):
            if db_field.name in CRON_FIELDS:
                return AsciiDigitsCharField(
                    label=db_field.verbose_name,
                    help_text=db_field.help_text,
                    max_length=db_field.max_length,
                    initial=db_field.default,
                )
            if db_field.name == "timezone":
                choices = list(TIME_ZONES.items())
                return forms.TypedChoiceField(
                    label=db_field.verbose_name,
                    help_text="کارها به وقت تهران اجرا می‌شوند، مگر آنکه وقت جهانی را برگزینید.",
                    choices=choices,
                    coerce=zoneinfo.ZoneInfo,
                    initial="Asia/Tehran",
                )
            return super().formfield_for_dbfield(db_field, request, **kwargs)

        def get_form(self, request, obj=None, **kwargs):
            form = super().get_form(request, obj, **kwargs)
            zone = str(obj.timezone) if obj is not None else ""
            field = form.base_fields["timezone"]
            if zone and zone not in TIME_ZONES:  # a zone set elsewhere stays choosable (its name is data)
                field.choices = [*field.choices, (zone, zone)]
            return form

    class ClockedScheduleAdmin(ScheduleAdmin):
        fields = ("clocked_time",)
        list_display = ("clocked_time",)

    class SolarScheduleAdmin(ScheduleAdmin):
        list_display = ("__str__",)

    class IntervalScheduleAdmin(ScheduleAdmin):
        list_display = ("__str__",)

    return {
        "PeriodicTask": PeriodicTaskAdmin,
        "CrontabSchedule": CrontabScheduleAdmin,
        "ClockedSchedule": ClockedScheduleAdmin,
        "SolarSchedule": SolarScheduleAdmin,
        "IntervalSchedule": IntervalScheduleAdmin,
    }


def install_persian_beat_admin() -> None:
    from django_celery_beat import models as beat_models

    _install_names()
    for name, admin_class in _admin_classes().items():
        model = getattr(beat_models, name)
        if admin.site.is_registered(model):
            admin.site.unregister(model)
        admin.site.register(model, admin_class)
