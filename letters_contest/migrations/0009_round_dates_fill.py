"""Every round gets the day its entries open (the round's life follows the clock,
letters_contest.lifecycle): its launch ceremony, else 60 days before its deadline; a
round whose results are public gets the moment they were published (now, for rounds
published before the moment was kept). Their history rows too; the next migration then
makes the opening day required."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone


def fill(apps, schema_editor):
    for name in ("ContestRound", "HistoricalContestRound"):
        model = apps.get_model("letters_contest", name)
        for row in model.objects.filter(opens_on__isnull=True).only("pk", "launch_on", "school_deadline"):
            opens_on = row.launch_on if row.launch_on and row.launch_on <= row.school_deadline else None
            model.objects.filter(pk=row.pk).update(opens_on=opens_on or row.school_deadline - timedelta(days=60))
        model.objects.filter(results_published=True, results_published_at__isnull=True).update(
            results_published_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [("letters_contest", "0008_contest_whole")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
