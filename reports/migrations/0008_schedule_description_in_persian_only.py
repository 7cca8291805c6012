"""The resend task's description without «Redis»: admins read it in the admin. A
description an admin has since edited is left alone."""

from django.db import migrations

TASK_NAME = "ارسال دوبارهٔ گزارش‌هایی که به صف نرسیدند (هر دقیقه)"
OLD = "درخواست گزارشی که هنگام قطع بودن Redis ثبت شد، پس از برقراری دوباره به صف ساخت فرستاده می‌شود."
NEW = "درخواست گزارشی که هنگام قطع بودن سرور صف ثبت شد، پس از برقراری دوباره به صف ساخت فرستاده می‌شود."


def forward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME, description=OLD).update(
        description=NEW
    )


def backward(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME, description=NEW).update(
        description=OLD
    )


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_report_answers_milestone")]

    operations = [migrations.RunPython(forward, backward)]
