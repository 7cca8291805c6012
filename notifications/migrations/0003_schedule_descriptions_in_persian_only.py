"""The beat tasks' descriptions without Latin words («Redis», «manage.py send_reminders»):
admins read them in the admin. A description an admin has since edited is left alone."""

from django.db import migrations

DAILY = "یادآوری‌ها و پیگیری مهلت‌ها (روزانه)"
SWEEP = "ارسال رایانامه‌های اعلان مانده در صف (هر دقیقه)"
DESCRIPTIONS = {
    DAILY: (
        "هر روز ساعت ۷ به وقت تهران: یادآوری پایان دورهٔ گزارش، مهلت‌های ۱۰، ۳ و ۱ روز مانده، "
        "مهلت‌های گذشته و پیگیری هفتگی آن‌ها، و خلاصهٔ روزانه. همان کار `manage.py send_reminders`.",
        "هر روز ساعت ۷ به وقت تهران: یادآوری پایان دورهٔ گزارش، مهلت‌های ۱۰، ۳ و ۱ روز مانده، "
        "مهلت‌های گذشته و پیگیری هفتگی آن‌ها، و خلاصهٔ روزانه. همان کاری که فرمان یادآوری‌ها در خط فرمان سرور می‌کند.",
    ),
    SWEEP: (
        "رایانامه‌هایی که هنگام قطع بودن سرور رایانامه یا Redis فرستاده نشدند، پس از برقراری فرستاده می‌شوند.",
        "رایانامه‌هایی که هنگام قطع بودن سرور رایانامه یا سرور صف فرستاده نشدند، پس از برقراری فرستاده می‌شوند.",
    ),
}


def forward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (old, new) in DESCRIPTIONS.items():
        PeriodicTask.objects.filter(name=name, description=old).update(description=new)


def backward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (old, new) in DESCRIPTIONS.items():
        PeriodicTask.objects.filter(name=name, description=new).update(description=old)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_daily_reminders_schedule")]

    operations = [migrations.RunPython(forward, backward)]
