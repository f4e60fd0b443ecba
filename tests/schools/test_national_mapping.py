"""The shipped national mapping of pre-2025 communes (schools/data/communes_2025.csv,
derived by ops/unit_mapping.py): loading the current map moves every school of the old
map without an operator's file; a split commune's schools go to its main successor and
are listed for checking; the operator's mapping still decides where it names a school."""

import csv
import io
import json
import sqlite3
import zipfile
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from ops.unit_mapping import derive, to_csv
from schools.models import AdministrativeUnit
from schools.services import import_units
from schools.units import NATIONAL_MAPPING, package_rows
from tests.schools.factories import SchoolFactory
from tests.schools.test_reform import load, old_dien_bien


def test_the_shipped_mapping_names_one_main_successor_of_every_old_commune_in_the_current_map():
    rows = list(csv.DictReader(NATIONAL_MAPPING.open(encoding="utf-8")))
    current = {row.code for row in package_rows() if row.level == "commune"}

    assert {row["new_code"] for row in rows} <= current
    assert len({row["new_code"] for row in rows}) > 3300  # of 3,321: nearly every new commune had a predecessor
    olds = Counter(row["old_code"] for row in rows)
    assert len(olds) == 10035  # the communes, wards and townships of the three-tier map
    mains = Counter(row["old_code"] for row in rows if row["default"] == "1")
    assert mains == Counter(olds.keys())  # exactly one main successor each
    assert all(len(code) == 5 and code.isdigit() for row in rows for code in (row["old_code"], row["new_code"]))


@pytest.mark.django_db
def test_every_old_tuan_giao_school_moves_to_its_real_commune_without_a_mapping_file():
    old = old_dien_bien()
    pu_xi = SchoolFactory(commune=old["03269c"], name="Trường PTDTBT Tiểu học Pú Xi")
    quai_cang = SchoolFactory(commune=old["03289c"], name="Trường Tiểu học Quài Cang")

    output = load("--province", "11")

    assert "stays in the abolished" not in output and "was split" not in output
    pu_xi.refresh_from_db(), quai_cang.refresh_from_db()
    # Resolution 1661/NQ-UBTVQH15: Mùn Chung, Mường Mùn and Pú Xi became Xã Mường Mùn;
    # Thị trấn Tuần Giáo, Quài Nưa and Quài Cang became Xã Tuần Giáo.
    assert (pu_xi.commune.name, pu_xi.commune.code, pu_xi.commune.abolished_on) == ("Xã Mường Mùn", "03268", None)
    assert (quai_cang.commune.name, quai_cang.commune.code) == ("Xã Tuần Giáo", "03253")
    muong_mun = pu_xi.commune
    assert sorted(muong_mun.predecessors.filter(level="commune").values_list("name", flat=True)) == [
        "Xã Mùn Chung",
        "Xã Mường Mùn",
        "Xã Pú Xi",
    ]
    # The old district's successors are its communes' successors.
    district = AdministrativeUnit.objects.get(pk=old["099d"].pk)
    assert {"Xã Mường Mùn", "Xã Tuần Giáo"} <= set(district.successors.values_list("name", flat=True))

    assert "Nothing to change" in load("--province", "11")


@pytest.mark.django_db
def test_without_the_national_mapping_a_school_whose_code_did_not_carry_over_stays_and_is_reported():
    old = old_dien_bien()
    pu_xi = SchoolFactory(commune=old["03269c"])
    output = load("--province", "11", "--no-national-mapping")
    assert "stays in the abolished Xã Pú Xi (03269)" in output
    pu_xi.refresh_from_db()
    assert pu_xi.commune.pk == old["03269c"].pk


def old_doi_can():
    """Phường Đội Cấn of quận Ba Đình, which the reform split between Ngọc Hà and Giảng Võ."""
    report = import_units(
        "code,name,level,parent_code\n01,Thành phố Hà Nội,province,\n001,Quận Ba Đình,district,01\n"
        "00007,Phường Đội Cấn,commune,001\n"
    )
    assert not report.rejected
    return AdministrativeUnit.objects.get(code="00007")


@pytest.mark.django_db
def test_a_split_commune_sends_its_schools_to_its_main_successor_and_lists_them():
    doi_can = old_doi_can()
    school = SchoolFactory(commune=doi_can, name="Trường Tiểu học Đội Cấn")

    output = load("--province", "01")

    school.refresh_from_db()
    assert (school.commune.name, school.commune.code) == ("Phường Ngọc Hà", "00008")
    assert f"school {school.pk} Trường Tiểu học Đội Cấn: Phường Đội Cấn (00007) was split" in output
    assert sorted(doi_can.successors.values_list("name", flat=True)) == ["Phường Giảng Võ", "Phường Ngọc Hà"]


@pytest.mark.django_db
def test_the_operators_mapping_decides_for_the_schools_it_names(tmp_path):
    doi_can = old_doi_can()
    named, other = SchoolFactory(commune=doi_can), SchoolFactory(commune=doi_can)
    mapping = (
        f"old_code,new_code,school_id\n00007,00008,\n00007,00025,\n00007,00025,{named.pk}\n00007,00008,{other.pk}\n"
    )

    output = load("--province", "01", tmp_path=tmp_path, mapping=mapping)

    named.refresh_from_db(), other.refresh_from_db()
    assert (named.commune.name, other.commune.name) == ("Phường Giảng Võ", "Phường Ngọc Hà")
    assert "was split" not in output


@pytest.mark.django_db
def test_the_national_mapping_leaves_communes_of_the_current_map_alone(tmp_path):
    # A current commune (under its province, no district) with an old commune's code is
    # not an old commune: the mapping does not move it, a reload changes nothing.
    load("--province", "11")
    before = sorted(AdministrativeUnit.objects.values_list("pk", "code", "name", "abolished_on"))
    assert "Nothing to change" in load("--province", "11")
    assert sorted(AdministrativeUnit.objects.values_list("pk", "code", "name", "abolished_on")) == before


def fake_wheel(path):
    """A vietnamadminunits wheel in miniature: two old communes of one district into one
    new commune, one old commune split in two, an island district without communes, and
    a new commune whose code in the package is not the current one."""
    database = path / "dataset.db"
    connection = sqlite3.connect(database)
    connection.execute(
        "CREATE TABLE admin_units_legacy (provinceKey, districtKey, wardKey, provinceCode, districtCode, wardCode)"
    )
    connection.execute("CREATE TABLE admin_units (provinceKey, wardKey, provinceCode, wardCode, ward)")
    connection.executemany(
        "INSERT INTO admin_units_legacy VALUES (?, ?, ?, ?, ?, ?)",
        [
            ("tinhx", "huyena", "xamot", "11", "099", "3262"),
            ("tinhx", "huyena", "xahai", "11", "099", "03269"),
            ("tinhx", "huyena", "xaba", "11", "099", "03271"),
            ("tinhx", "huyendao", None, "11", "100", None),
        ],
    )
    connection.executemany(
        "INSERT INTO admin_units VALUES (?, ?, ?, ?, ?)",
        [
            ("tinhx", "xamuongmun", "11", "03268", "Xã Mường Mùn"),
            ("tinhx", "xapunhung", "11", "03999", "Xã Pú  Nhung"),  # recoded, spelled with two spaces
            ("tinhx", "xamat", "11", "03998", "Xã Mất"),  # not in the current map
        ],
    )
    connection.commit()
    connection.close()
    converter = {
        "DICT_PROVINCE": {"tinhx": ["tinhx"]},
        "DICT_PROVINCE_WARD_NO_DIVIDED": {
            "tinhx": {"xamuongmun": ["tinhx_huyena_xamot", "tinhx_huyena_xahai"], "xamat": ["tinhx_huyendao_"]}
        },
        "DICT_PROVINCE_WARD_DIVIDED": {
            "tinhx": {
                "tinhx_huyena_xaba": [
                    {"newWardKey": "xamuongmun", "isDefaultNewWard": False},
                    {"newWardKey": "xapunhung", "isDefaultNewWard": True},
                ]
            }
        },
    }
    wheel = path / "vietnamadminunits-1.0.4-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("vietnamadminunits/data/converter_2025.json", json.dumps(converter))
        archive.write(database, "vietnamadminunits/data/dataset.db")
    return wheel


def test_the_mapping_is_derived_by_code_and_new_codes_are_checked_against_the_current_map(tmp_path):
    current = {"03268": ("11", "Xã Mường Mùn"), "03260": ("11", "Xã Pú Nhung")}

    derived = derive(fake_wheel(tmp_path), current)

    assert list(csv.reader(io.StringIO(to_csv(derived.rows)))) == [
        ["old_code", "new_code", "default"],
        ["03262", "03268", "1"],
        ["03269", "03268", "1"],
        ["03271", "03260", "1"],  # the main part, under its current code
        ["03271", "03268", "0"],
    ]
    assert derived.recoded == 1
    assert derived.unmatched == ["03998 Xã Mất"]


def test_the_command_writes_the_file_and_says_what_it_found(tmp_path):
    out = tmp_path / "communes.csv"
    stdout = StringIO()
    call_command("build_unit_mapping", str(fake_wheel(tmp_path)), "--out", str(out), stdout=stdout)
    assert out.read_text(encoding="utf-8").startswith("old_code,new_code,default\n")
    assert "new codes matched by name" in stdout.getvalue()
