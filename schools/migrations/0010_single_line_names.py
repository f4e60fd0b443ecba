"""Names written before names had to be one line (issue 19): a line break or another
control character in a school's, an office's or a unit's name becomes a space, so no
old row can reach a mail header broken. Rows already clean are not touched."""

import unicodedata

from django.db import migrations

FIELDS = {"School": ["name"], "Office": ["name", "short_name"], "AdministrativeUnit": ["name"]}


def one_line(text: str) -> str:
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return " ".join(text.split())


def has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text)


def clean_names(apps, schema_editor):
    for model_name, fields in FIELDS.items():
        model = apps.get_model("schools", model_name)
        for row in model.objects.only("pk", *fields).iterator():
            changed = {f: one_line(getattr(row, f)) for f in fields if has_control(getattr(row, f) or "")}
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [("schools", "0009_allocation_approvers")]

    operations = [migrations.RunPython(clean_names, migrations.RunPython.noop)]
