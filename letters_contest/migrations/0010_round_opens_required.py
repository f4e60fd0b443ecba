from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("letters_contest", "0009_round_dates_fill")]

    operations = [
        migrations.AlterField(
            model_name="contestround",
            name="opens_on",
            field=models.DateField(verbose_name="entries open on"),
        ),
        migrations.AlterField(
            model_name="historicalcontestround",
            name="opens_on",
            field=models.DateField(verbose_name="entries open on"),
        ),
    ]
