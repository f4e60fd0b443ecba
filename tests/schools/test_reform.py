"""The reform as data: loading the new map over the old one (schools/units.py)."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from schools.models import AdministrativeUnit, School
from schools.services import import_units
from tests.schools.factories import SchoolFactory

pytestmark = pytest.mark.django_db

DEMO_UNITS = Path(__file__).resolve().parents[2] / "schools" / "demo" / "units.csv"


def load(*args, tmp_path=None, mapping=None):
    out = StringIO()
    if mapping is not None:
        path = tmp_path / "mapping.csv"
        path.write_text(mapping, encoding="utf-8")
        args = (*args, "--mapping", str(path))
    call_command("load_units", *args, stdout=out, stderr=out)
    return out.getvalue()


def old_dien_bien():
    """The old three-tier Điện Biên of the demo (before 1 July 2025)."""
    text = DEMO_UNITS.read_text(encoding="utf-8")
    districts = tuple(f"{code}," for code in range(94, 104))
    lines = [line for line in text.splitlines()[1:] if line.startswith(("11,", "03", "09", "10", *districts))]
    report = import_units("code,name,level,parent_code\n" + "\n".join(lines) + "\n")
    assert not report.rejected
    return {unit.code + unit.level[0]: unit for unit in AdministrativeUnit.objects.all()}


def rows_of(unit):
    return (unit.code, unit.name, unit.level, unit.parent_id)


def test_the_new_map_over_the_old_keeps_every_old_unit(tmp_path):
    old = old_dien_bien()
    township = old["03253c"]
    school = SchoolFactory(commune=township, name="Trường Tiểu học Thị trấn Tuần Giáo")
    before = {unit.pk: rows_of(unit) for unit in AdministrativeUnit.objects.all()}

    output = load("--province", "11")

    assert "45 were created, 0 were renamed" in output
    for pk, row in before.items():
        unit = AdministrativeUnit.objects.get(pk=pk)
        assert rows_of(unit) == row  # nothing overwritten
    province = AdministrativeUnit.objects.get(pk=old["11p"].pk)
    assert province.abolished_on is None  # Điện Biên is the same province
    township.refresh_from_db()
    assert township.name == "Thị trấn Tuần Giáo"
    assert township.abolished_on == datetime.date(2025, 7, 1)
    new = AdministrativeUnit.objects.get(code="03253", abolished_on__isnull=True)
    assert new.name == "Xã Tuần Giáo" and new.pk != township.pk and new.parent == province
    assert list(township.successors.all()) == [new]
    assert new in AdministrativeUnit.objects.get(pk=old["099d"].pk).successors.all()
    every_old = AdministrativeUnit.objects.filter(pk__in=before).exclude(level="province")
    assert not every_old.filter(abolished_on__isnull=True).exists()

    school.refresh_from_db()
    assert (school.commune, school.province_id, school.district_id) == (new, province.pk, None)
    history = list(school.history.order_by("history_date"))
    assert history[-1].commune_id == new.pk and history[-2].commune_id == township.pk
    assert history[-1].history_change_reason == "administrative map"


def test_loading_the_reform_twice_changes_nothing(tmp_path):
    old = old_dien_bien()
    school = SchoolFactory(commune=old["03269c"])  # Pú Xi: no commune has its code now
    mapping = "old_code,new_code,school_id\n03269,03253,\n"
    load("--province", "11", tmp_path=tmp_path, mapping=mapping)
    school.refresh_from_db()
    assert school.commune.code == "03253" and school.commune.abolished_on is None
    before = sorted(AdministrativeUnit.objects.values_list("pk", "code", "name", "abolished_on", "parent_id"))
    links = sorted(AdministrativeUnit.successors.through.objects.values_list("pk", flat=True))
    output = load("--province", "11", tmp_path=tmp_path, mapping=mapping)
    assert "Nothing to change" in output
    assert sorted(AdministrativeUnit.objects.values_list("pk", "code", "name", "abolished_on", "parent_id")) == before
    assert sorted(AdministrativeUnit.successors.through.objects.values_list("pk", flat=True)) == links


def test_a_split_commune_moves_each_school_where_the_mapping_says(tmp_path):
    old = old_dien_bien()
    first, second = SchoolFactory(commune=old["03269c"]), SchoolFactory(commune=old["03269c"])
    mapping = f"old_code,new_code,school_id\n3269,03253,\n3269,03256,\n3269,03256,{second.pk}\n"
    output = load("--province", "11", tmp_path=tmp_path, mapping=mapping + f"3269,03253,{first.pk}\n")
    assert "2 were moved" in output
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.commune.code, second.commune.code) == ("03253", "03256")
    pu_xi = AdministrativeUnit.objects.get(pk=old["03269c"].pk)
    assert sorted(pu_xi.successors.values_list("code", flat=True)) == ["03253", "03256"]


def test_a_school_of_a_split_commune_without_a_row_is_reported(tmp_path):
    old = old_dien_bien()
    SchoolFactory(commune=old["03269c"], name="Trường Pú Xi")
    before = sorted(AdministrativeUnit.objects.values_list("pk", "abolished_on"))
    with pytest.raises(CommandError):
        load("--province", "11", tmp_path=tmp_path, mapping="old_code,new_code\n03269,03253\n03269,03256\n")
    assert sorted(AdministrativeUnit.objects.values_list("pk", "abolished_on")) == before


def test_same_unit_with_a_new_name_is_renamed_and_keeps_its_row(tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("code,name,level,parent_code\n11,Tỉnh Điện Biên,province,\n03253,Xã Tuần Giáo,commune,11\n")
    load("--units", str(units))
    commune = AdministrativeUnit.objects.get(code="03253")
    units.write_text("code,name,level,parent_code\n11,Tỉnh Điện Biên,province,\n03253,Xã Tuần Giáo Mới,commune,11\n")
    output = load("--units", str(units), "--on", "2026-01-01")
    assert "0 were created, 1 were renamed, 0 were abolished" in output
    commune.refresh_from_db()
    assert commune.name == "Xã Tuần Giáo Mới" and commune.abolished_on is None
    assert commune.former_names == [{"name": "Xã Tuần Giáo", "until": "2026-01-01"}]


def test_a_merged_province_under_its_code_is_a_new_unit(tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("code,name,level,parent_code\n24,Tỉnh Bắc Giang,province,\n07306,Thị trấn Nhã Nam,commune,24\n")
    load("--units", str(units))
    old_province = AdministrativeUnit.objects.get(code="24")
    units.write_text("code,name,level,parent_code\n24,Tỉnh Bắc Ninh,province,\n07306,Xã Nhã Nam,commune,24\n")
    load("--units", str(units))
    old_province.refresh_from_db()
    assert old_province.name == "Tỉnh Bắc Giang" and old_province.abolished_on is not None
    assert [unit.name for unit in old_province.successors.all()] == ["Tỉnh Bắc Ninh"]


def test_current_units_only_in_the_school_filter():
    old = old_dien_bien()
    load("--province", "11")
    from schools.filters import SchoolFilter

    communes = SchoolFilter({"province": str(old["11p"].pk)}).filters["commune"].queryset
    assert communes.count() == 45 and not communes.filter(abolished_on__isnull=False).exists()


# --- bad input: each problem by line, nothing written, a non-zero exit ---------------


def bad(tmp_path, *args, mapping=None):
    before = sorted(AdministrativeUnit.objects.values_list("pk", "name", "abolished_on"))
    schools = sorted(School.objects.values_list("pk", "commune_id"))
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        if mapping is not None:
            (tmp_path / "mapping.csv").write_text(mapping, encoding="utf-8")
            args = (*args, "--mapping", str(tmp_path / "mapping.csv"))
        call_command("load_units", *args, stdout=StringIO(), stderr=err)
    assert raised.value.returncode == 2
    assert sorted(AdministrativeUnit.objects.values_list("pk", "name", "abolished_on")) == before
    assert sorted(School.objects.values_list("pk", "commune_id")) == schools
    return err.getvalue()


def test_a_unit_file_with_unknown_codes(tmp_path):
    units = tmp_path / "units.csv"
    units.write_text(
        "code,name,level,parent_code\n11,Tỉnh Điện Biên,province,\n03253,Xã Tuần Giáo,commune,12\nx1,Xã Lạ,commune,11\n"
    )
    errors = bad(tmp_path, "--units", str(units))
    assert "units.csv line 3: unknown province code '12'" in errors
    assert "units.csv line 4: code 'x1' is not a commune code (5 digits)" in errors


def test_a_mapping_with_an_unknown_old_code(tmp_path):
    old_dien_bien()
    errors = bad(tmp_path, "--province", "11", mapping="old_code,new_code\n03253,03253\n09999,03253\n")
    assert "mapping.csv line 3: unknown old commune code '09999'" in errors


def test_a_successor_that_does_not_exist(tmp_path):
    old_dien_bien()
    errors = bad(tmp_path, "--province", "11", mapping="old_code,new_code\n03269,03999\n")
    assert "mapping.csv line 2: successor '03999' does not exist in the map" in errors


def test_a_school_mapped_to_two_communes(tmp_path):
    old = old_dien_bien()
    school = SchoolFactory(commune=old["03269c"])
    errors = bad(
        tmp_path,
        "--province",
        "11",
        mapping=f"old_code,new_code,school_id\n03269,03253,{school.pk}\n03269,03256,{school.pk}\n",
    )
    assert f"mapping.csv line 3: school {school.pk} is mapped to two communes: 03253 (mapping.csv line 2)" in errors


def test_a_cycle_of_successors(tmp_path):
    old_dien_bien()
    errors = bad(tmp_path, "--province", "11", mapping="old_code,new_code\n03253,03256\n03256,03253\n")
    assert "mapping.csv line 2, mapping.csv line 3: successors form a cycle: 03253 -> 03256 -> 03253" in errors
