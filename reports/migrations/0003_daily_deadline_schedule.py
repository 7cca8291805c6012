"""Register the daily deadline task with django-celery-beat (admins edit it in the admin).

Idempotent: the task is looked up by its name, and an admin's changes to its time are
kept. Celery's crontab runs on CELERY_TIMEZONE (Asia/Tehran).
"""

from django.db import migrations

TASK_NAME = "ساخت گزارش‌های مهلت‌دار (روزانه)"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="6", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Tehran"
    )
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="reports.tasks.run_deadline_schedules",
        crontab=crontab,
        enabled=True,
        description="هر روز ساعت ۶:۳۰ به وقت تهران: پیش‌نویس‌ها پیش از مهلت و بستهٔ نهایی در روز مهلت.",
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_deadline_rule_and_report_scope"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
