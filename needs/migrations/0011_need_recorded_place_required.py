import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("needs", "0010_fill_need_recorded_place")]

    operations = [
        migrations.AlterField(
            model_name="need",
            name="province",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="schools.administrativeunit",
            ),
        ),
        migrations.AlterField(
            model_name="need",
            name="commune",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="schools.administrativeunit",
            ),
        ),
        migrations.AddIndex(
            model_name="need",
            index=models.Index(fields=["province", "created_at"], name="needs_need_province_created"),
        ),
        migrations.AddIndex(
            model_name="need",
            index=models.Index(fields=["district", "created_at"], name="needs_need_district_created"),
        ),
        migrations.AddIndex(
            model_name="need",
            index=models.Index(fields=["commune", "created_at"], name="needs_need_commune_created"),
        ),
    ]
