"""The donor's public name folded (core.text.fold) beside each pledge, for the ledger's
search box (donations.selectors.ledger_search); filled for the pledges already there."""

from django.db import migrations, models

from core.text import fold


def fill(apps, schema_editor):
    Pledge = apps.get_model("donations", "Pledge")
    batch = []
    for pledge in Pledge.objects.filter(anonymous=False).only("pk", "donor_name").iterator(chunk_size=2000):
        pledge.search_name = fold(pledge.donor_name)
        batch.append(pledge)
        if len(batch) == 2000:
            Pledge.objects.bulk_update(batch, ["search_name"])
            batch = []
    Pledge.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("donations", "0005_funds_allocations_sponsorships"),
    ]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="search_name",
            field=models.CharField(db_default="", default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
