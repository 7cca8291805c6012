"""Report.enqueued_at, and a one-minute beat task that sends reports Redis never took.

A request made while Redis was down is saved as «در صف» without enqueued_at; the sweep
sends it once Redis is back. The schedule is looked up by name, so an admin's changes
to it are kept.
"""

from django.db import migrations, models

TASK_NAME = "ارسال دوبارهٔ گزارش‌هایی که به صف نرسیدند (هر دقیقه)"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=TASK_NAME).exists():
        return
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.create(
        name=TASK_NAME,
        task="reports.tasks.resend_unqueued_reports",
        interval=every_minute,
        enabled=True,
        description="درخواست گزارشی که هنگام قطع بودن Redis ثبت شد، پس از برقراری دوباره به صف ساخت فرستاده می‌شود.",
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_daily_deadline_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreport",
            name="enqueued_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="زمان ارسال به صف"),
        ),
        migrations.AddField(
            model_name="report",
            name="enqueued_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="زمان ارسال به صف"),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
