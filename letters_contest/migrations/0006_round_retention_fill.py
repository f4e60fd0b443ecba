"""Every round gets the date its unawarded entries are deleted (issue 19): rounds opened
without one get 365 days after their deadline for schools (the default of the time,
then the CONTEST_RETENTION_DAYS setting), their history rows too; the next migration
then makes the column required."""

from datetime import timedelta

from django.db import migrations


def fill_retention(apps, schema_editor):
    days = timedelta(days=365)
    for name in ("ContestRound", "HistoricalContestRound"):
        model = apps.get_model("letters_contest", name)
        for row in model.objects.filter(delete_entries_on__isnull=True).only("pk", "school_deadline"):
            model.objects.filter(pk=row.pk).update(delete_entries_on=row.school_deadline + days)


class Migration(migrations.Migration):
    dependencies = [("letters_contest", "0005_award_certificate")]

    operations = [migrations.RunPython(fill_retention, migrations.RunPython.noop)]
