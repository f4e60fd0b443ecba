"""Existing needs are recorded where their school stood when they were made: the school's
history row of that moment (a school moved by `load_units` before this ran keeps its old
needs under its old commune), else its earliest history row (needs dated before the
school's first row, as the demo's backdated ones), else where it stands now (schools
written without history, as the scale data)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    Need = apps.get_model("needs", "Need")
    AdministrativeUnit = apps.get_model("schools", "AdministrativeUnit")
    School = apps.get_model("schools", "School")
    HistoricalSchool = apps.get_model("schools", "HistoricalSchool")
    rows = HistoricalSchool.objects.filter(id=OuterRef("school_id"))
    then = rows.filter(history_date__lte=OuterRef("created_at")).order_by("-history_date", "-history_id")
    first = rows.order_by("history_date", "history_id")
    now = School.objects.filter(pk=OuterRef("school_id"))

    def place(column):
        return Coalesce(
            Subquery(then.values(column)[:1]), Subquery(first.values(column)[:1]), Subquery(now.values(column)[:1])
        )

    Need.objects.filter(commune__isnull=True).update(commune_id=place("commune_id"))
    # The province and district of that commune: a unit keeps its parent for good
    # (schools/units.py), and a commune of the two-tier map has no district.
    unit = AdministrativeUnit.objects.filter(pk=OuterRef("commune_id"))
    Need.objects.filter(province__isnull=True).update(
        province_id=Subquery(unit.values("province_id")[:1]), district_id=Subquery(unit.values("district_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("needs", "0009_need_recorded_place")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
