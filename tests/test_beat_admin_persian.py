"""django-celery-beat's admin (the worker's timetable) in Persian, and its forms still
saving what the worker reads: ASCII cron fields, task code names, aware times."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import ClockedSchedule, PeriodicTask

from core.beat_admin import crontab_description

pytestmark = pytest.mark.django_db

DAILY = "ساخت گزارش‌های مهلت‌دار (روزانه)"


def form_data(html: str) -> dict:
    """What the browser would send back from the change form, unchanged."""
    data = {}
    tags = re.findall(r"<input\b[^>]*>|<textarea\b.*?</textarea>|<select\b.*?</select>", html, flags=re.S)
    for tag in tags:
        name = re.search(r'\bname="([^"]+)"', tag)
        if not name or 'type="submit"' in tag or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        if tag.startswith("<textarea"):
            value = re.search(r">(.*?)</textarea>", tag, flags=re.S).group(1).strip()
        elif tag.startswith("<select"):
            chosen = re.search(r'<option value="([^"]*)"[^>]*selected', tag)
            value = chosen.group(1) if chosen else ""
        else:
            found = re.search(r'\bvalue="([^"]*)"', tag)
            value = found.group(1) if found else ("on" if 'type="checkbox"' in tag else "")
        data[name.group(1)] = value.replace("&amp;", "&").replace("&quot;", '"')
    return data


def test_crontab_reads_as_persian_and_saves_ascii(admin_client):
    crontab = PeriodicTask.objects.get(name=DAILY).crontab
    assert crontab_description(crontab) == "هر روز، ساعت ۶:۳۰ به وقت تهران"
    url = reverse("admin:django_celery_beat_crontabschedule_change", args=[crontab.pk])
    html = admin_client.get(url).content.decode()
    assert 'value="۳۰"' in html and ">Asia/Tehran<" not in html and "Africa/" not in html
    data = form_data(html)
    data.update(minute="۱۵", hour="۸,۲۰", day_of_week="۶")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    crontab.refresh_from_db()
    assert (crontab.minute, crontab.hour, crontab.day_of_week, str(crontab.timezone)) == (
        "15",
        "8,20",
        "6",
        "Asia/Tehran",
    )
    assert crontab_description(crontab) == "روزهای شنبه، دقیقهٔ ۱۵ از ساعت ۸,۲۰ به وقت تهران"


def test_periodic_task_unchanged_form_changes_nothing_and_names_tasks_in_persian(admin_client):
    task = PeriodicTask.objects.get(name=DAILY)
    url = reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    html = admin_client.get(url).content.decode()
    assert '<option value="reports.tasks.run_deadline_schedules" selected>ساخت گزارش‌های مهلت‌دار</option>' in html
    before = PeriodicTask.objects.filter(pk=task.pk).values().get()
    response = admin_client.post(url, form_data(html))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert PeriodicTask.objects.filter(pk=task.pk).values().get() == before


def test_clocked_time_is_typed_and_shown_in_jalali(admin_client):
    url = reverse("admin:django_celery_beat_clockedschedule_add")
    response = admin_client.post(url, {"clocked_time": "۱۴۰۵/۰۱/۱۵ ۰۹:۳۰", "periodic_tasks-TOTAL_FORMS": "0"})
    if response.status_code != 302:  # the inline's management form, by whatever prefix it has
        data = form_data(admin_client.get(url).content.decode())
        data["clocked_time"] = "۱۴۰۵/۰۱/۱۵ ۰۹:۳۰"
        response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    clocked = ClockedSchedule.objects.get()
    local = timezone.localtime(clocked.clocked_time)
    assert (local.date(), local.time()) == (datetime.date(2026, 4, 4), datetime.time(9, 30))
    assert str(clocked) == "۱۴۰۵/۰۱/۱۵ ۰۹:۳۰"


def test_admin_action_messages_are_persian(admin_client):
    ids = list(PeriodicTask.objects.values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:django_celery_beat_periodictask_changelist"),
        {"action": "disable_tasks", "_selected_action": ids},
        follow=True,
    )
    assert (
        f"{len(ids)} کار غیرفعال شد.".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in response.content.decode()
    )
    assert not PeriodicTask.objects.filter(enabled=True).exists()


def test_every_task_of_the_project_has_a_persian_name():
    """The admin's task picker and lists name tasks by persian_name; a new task without one
    would show its code name («reports.tasks.…»)."""
    from core.beat_admin import _tasks

    nameless = [n for n, t in _tasks().items() if not n.startswith("celery.") and not getattr(t, "persian_name", "")]
    assert not nameless, nameless


def test_a_task_added_from_the_persian_picker_keeps_its_code_name(admin_client):
    from django_celery_beat.models import IntervalSchedule

    every_minute = IntervalSchedule.objects.get(every=1, period="minutes")
    url = reverse("admin:django_celery_beat_periodictask_add")
    data = form_data(admin_client.get(url).content.decode())
    data.update(name="آزمایش", regtask="reports.tasks.run_deadline_schedules", interval=str(every_minute.pk))
    data.update(start_time="۱۴۰۵/۰۱/۱۵ ۰۹:۳۰", priority="۵")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    task = PeriodicTask.objects.get(name="آزمایش")
    assert (task.task, task.priority, timezone.localtime(task.start_time).hour) == (
        "reports.tasks.run_deadline_schedules",
        5,
        9,
    )
    # Nothing chosen: a Persian error, nothing saved.
    data.update(name="بی‌کار", regtask="")
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "یک کار را از فهرست برگزینید." in response.content.decode()
    assert not PeriodicTask.objects.filter(name="بی‌کار").exists()
