"""BusinessFigure.due_from, filled from the row's own start and latest check, and the
two indexes the worklist reads (its counts per commitment, its order)."""

import datetime

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    """due_from of every row, in SQL. A database that had businesses before 0007 has no
    rows yet (0007 could not write them with this column missing): they are all written
    here, by the same recomputation as `check_summaries --repair`."""
    business = apps.get_model("registry", "HomeBusiness").objects.using(schema_editor.connection.alias)
    figure = apps.get_model("registry", "BusinessFigure").objects.using(schema_editor.connection.alias)
    if business.exists() and not figure.exists():
        from registry import summaries
        from registry.models import BusinessFigure

        columns = {f.column for f in apps.get_model("registry", "BusinessFigure")._meta.concrete_fields}
        if columns == {f.column for f in BusinessFigure._meta.concrete_fields}:
            summaries.repair()
            return
    # The same as registry.summaries.due_from, in SQL: a million rows in one statement.
    if schema_editor.connection.vendor == "postgresql":
        later = "GREATEST(started_on, last_checked + 1)"
    else:
        later = "MAX(started_on, date(last_checked, '+1 day'))"
    schema_editor.execute(
        f"UPDATE registry_businessfigure SET due_from = "
        f"CASE WHEN last_checked IS NULL THEN started_on ELSE {later} END"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_summary_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="businessfigure",
            name="due_from",
            field=models.DateField(null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="businessfigure",
            name="due_from",
            field=models.DateField(),
        ),
        migrations.AddIndex(
            model_name="businessfigure",
            index=models.Index(fields=["commitment", "due_from"], name="bfig_commitment_due"),
        ),
        migrations.AddIndex(
            model_name="businessfigure",
            index=models.Index(
                Coalesce(F("last_checked"), Value(datetime.date(1, 1, 1)), output_field=models.DateField()),
                F("started_on"),
                F("business"),
                name="bfig_worklist_order",
                include=["commitment", "due_from", "last_checked"],
            ),
        ),
    ]
