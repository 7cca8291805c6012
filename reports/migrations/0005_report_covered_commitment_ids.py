"""Report.covered_commitment_ids: the commitments a restricted report was built over.

Its files are handed out only while the requester still reports on all of them. Reports
built before this field get the commitments their requester reports on today (what was
covered then is not known); province-wide reports keep None.
"""

from django.db import migrations, models


def record_current_scope(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    Commitment = apps.get_model("commitments", "Commitment")
    for report in Report.objects.filter(is_restricted=True, requested_by__isnull=False).exclude(status="pending"):
        report.covered_commitment_ids = sorted(
            Commitment.objects.filter(reporters=report.requested_by_id).values_list("pk", flat=True)
        )
        report.save(update_fields=["covered_commitment_ids"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_report_enqueued_at"),
        ("commitments", "0002_baseline_record"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalreport",
            name="covered_commitment_ids",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="تعهدهای دربرگرفته"),
        ),
        migrations.AddField(
            model_name="report",
            name="covered_commitment_ids",
            field=models.JSONField(blank=True, editable=False, null=True, verbose_name="تعهدهای دربرگرفته"),
        ),
        migrations.RunPython(record_current_scope, migrations.RunPython.noop),
    ]
