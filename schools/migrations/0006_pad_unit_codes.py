"""Official codes at a fixed width: province 2 digits, district 3, commune 5 (zero-padded).

Codes typed into earlier imports could be short ("3253" for "03253"); one width makes a
code match whatever file it comes from."""

from django.db import migrations

WIDTH = {"province": 2, "district": 3, "commune": 5}


def pad_codes(apps, schema_editor):
    AdministrativeUnit = apps.get_model("schools", "AdministrativeUnit")
    changed = []
    for unit in AdministrativeUnit.objects.only("pk", "level", "code").iterator():
        code = unit.code.strip()
        width = WIDTH.get(unit.level)
        if width and code.isascii() and code.isdigit() and code.zfill(width) != unit.code:
            unit.code = code.zfill(width)
            changed.append(unit)
    AdministrativeUnit.objects.bulk_update(changed, ["code"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("schools", "0005_unit_successors")]

    operations = [migrations.RunPython(pad_codes, migrations.RunPython.noop)]
