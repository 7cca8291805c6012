"""Register the daily reminders and the e-mail sweep with django-celery-beat (admins edit them in the admin).

Idempotent: each task is looked up by its name, and an admin's changes are kept. Celery's
crontab runs on CELERY_TIMEZONE (Asia/Tehran).
"""

from django.db import migrations

DAILY = "یادآوری‌ها و پیگیری مهلت‌ها (روزانه)"
SWEEP = "ارسال رایانامه‌های اعلان مانده در صف (هر دقیقه)"


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if not PeriodicTask.objects.filter(name=DAILY).exists():
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="0", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Tehran"
        )
        PeriodicTask.objects.create(
            name=DAILY,
            task="notifications.tasks.run_reminders",
            crontab=crontab,
            enabled=True,
            description="هر روز ساعت ۷ به وقت تهران: یادآوری پایان دورهٔ گزارش، مهلت‌های ۱۰، ۳ و ۱ روز مانده، "
            "مهلت‌های گذشته و پیگیری هفتگی آن‌ها، و خلاصهٔ روزانه. همان کار `manage.py send_reminders`.",
        )
    if not PeriodicTask.objects.filter(name=SWEEP).exists():
        every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
        PeriodicTask.objects.create(
            name=SWEEP,
            task="notifications.tasks.send_pending_deliveries",
            interval=every_minute,
            enabled=True,
            description="رایانامه‌هایی که هنگام قطع بودن سرور رایانامه یا Redis فرستاده نشدند، پس از برقراری فرستاده می‌شوند.",
        )


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[DAILY, SWEEP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
