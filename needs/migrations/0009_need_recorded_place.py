"""Needs record where their school stood when they were made (issue 15: records keep the
unit they were made under). Added nullable here, filled in 0010, required in 0011: on
PostgreSQL a table cannot be altered in the transaction that updated its rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("needs", "0008_item_and_photo_history"),
        ("schools", "0007_site_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="need",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="schools.administrativeunit",
            ),
        ),
        migrations.AddField(
            model_name="need",
            name="district",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="schools.administrativeunit",
            ),
        ),
        migrations.AddField(
            model_name="need",
            name="commune",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="schools.administrativeunit",
            ),
        ),
    ]
