"""load_units: the official current map over the registry (schools/units.py)."""

import pytest
from django.core.management import CommandError, call_command

from schools.models import AdministrativeUnit, School
from tests.schools.factories import CommuneFactory, DistrictFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def load(*args):
    from io import StringIO

    out = StringIO()
    call_command("load_units", *args, stdout=out, stderr=out)
    return out.getvalue()


def snapshot():
    return sorted(
        AdministrativeUnit.objects.values_list(
            "pk", "code", "name", "level", "parent_id", "abolished_on", "former_names"
        )
    )


def test_a_slice_of_the_current_map_loads_with_codes_at_fixed_width():
    output = load("--province", "11")
    assert "46 were created" in output
    province = AdministrativeUnit.objects.get(level="province", code="11")
    assert province.name == "Tỉnh Điện Biên"
    communes = AdministrativeUnit.objects.filter(level="commune", parent=province)
    assert communes.count() == 45
    assert {len(code) for code in communes.values_list("code", flat=True)} == {5}
    tuan_giao = communes.get(code="03253")
    assert tuan_giao.name == "Xã Tuần Giáo"
    assert (tuan_giao.province_id, tuan_giao.district_id) == (province.pk, None)
    assert not AdministrativeUnit.objects.exclude(province__code="11").exclude(code="11").exists()


def test_loading_twice_changes_nothing():
    load("--province", "11,24")
    before = snapshot()
    output = load("--province", "11", "--province", "24")
    assert "0 were created, 0 were renamed, 0 were abolished" in output
    assert "Nothing to change" in output
    assert snapshot() == before


def test_dry_run_writes_nothing():
    output = load("--province", "11", "--dry-run")
    assert "46 would be created" in output
    assert not AdministrativeUnit.objects.exists()


def test_unknown_province_is_an_error():
    with pytest.raises(CommandError) as raised:
        load("--province", "99")
    assert raised.value.returncode == 2
    assert not AdministrativeUnit.objects.exists()


def test_existing_short_codes_are_padded_on_save():
    province = ProvinceFactory(code="1", name="Thành phố Hà Nội")
    commune = CommuneFactory(parent=DistrictFactory(parent=province, code="1"), code="4")
    assert (province.code, commune.parent.code, commune.code) == ("01", "001", "00004")


def test_the_padding_migration_pads_short_codes():
    from importlib import import_module

    from django.apps import apps

    province = ProvinceFactory(code="11")
    AdministrativeUnit.objects.filter(pk=province.pk).update(code="7")
    import_module("schools.migrations.0006_pad_unit_codes").pad_codes(apps, None)
    province.refresh_from_db()
    assert province.code == "07"


def test_the_school_importer_accepts_a_short_commune_code(area):
    from schools.services import import_schools

    report = import_schools("code,name,level,commune_code\nS1,Trường Thử,primary,3269\n")
    assert report.created == 1
    assert School.objects.get(code="S1").commune == area.commune_a
