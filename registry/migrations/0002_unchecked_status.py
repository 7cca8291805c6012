"""«پایش‌نشده» (unchecked): a business's status until its first continuity check.

Until now a business was created «فعال» and stayed so until a check said otherwise,
so every never-checked business counted as still active. Businesses that have no
check become «پایش‌نشده»; the others keep their latest check's status, as before.
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef


def never_checked_become_unchecked(apps, schema_editor):
    HomeBusiness = apps.get_model("registry", "HomeBusiness")
    ContinuityCheck = apps.get_model("registry", "ContinuityCheck")
    checked = ContinuityCheck.objects.filter(business=OuterRef("pk"))
    # One UPDATE, no history row per business: nobody changed them, the word did.
    HomeBusiness.objects.filter(~Exists(checked)).update(status="unchecked")


def unchecked_become_active_again(apps, schema_editor):
    # The old schema has no «پایش‌نشده»: its default, «فعال», is what they were.
    HomeBusiness = apps.get_model("registry", "HomeBusiness")
    HomeBusiness.objects.filter(status="unchecked").update(status="active")


STATUS_CHOICES = [
    ("unchecked", "پایش\u200cنشده"),
    ("active", "فعال"),
    ("semi_closed", "نیمه\u200cتعطیل"),
    ("inactive", "غیرفعال"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="homebusiness",
            name="business_status_valid",
        ),
        migrations.AlterField(
            model_name="historicalhomebusiness",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, default="unchecked", max_length=20, verbose_name="وضعیت"),
        ),
        migrations.AlterField(
            model_name="homebusiness",
            name="status",
            field=models.CharField(choices=STATUS_CHOICES, default="unchecked", max_length=20, verbose_name="وضعیت"),
        ),
        migrations.RunPython(never_checked_become_unchecked, unchecked_become_active_again, elidable=False),
        migrations.AddConstraint(
            model_name="homebusiness",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["unchecked", "active", "semi_closed", "inactive"])),
                name="business_status_valid",
            ),
        ),
    ]
