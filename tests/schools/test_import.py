from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from schools.models import AdministrativeUnit, School
from schools.services import import_schools, import_units
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

UNITS = """code,name,level,parent_code
03269,Xã Pú Xi,commune,099
11,Tỉnh Điện Biên,province,
099,Huyện Tuần Giáo,district,11
03253,Thị trấn Tuần Giáo,Xã,099
77,Tỉnh Sai,province,11
03999,Xã Mồ Côi,commune,555
,Không mã,commune,099
"""

SCHOOLS = """\ufeffcode,name,level,commune_code,address,latitude,longitude,pupils,ethnic_minority_percent,boarding,focal_point_name,focal_point_phone,focal_point_email
11099012,Trường PTDTBT Tiểu học Pú Xi,Tiểu học,03269,Bản Pú Xi,21.6321,103.4716,356,100,Bán trú,Lò Văn Thành,0912 345 601,thanh@example.vn
11099001,Trường Mầm non Thị trấn Tuần Giáo,preschool,03253,,,,412,38,none,,,
11099050,Trường Không Xã,primary,99999,,,,10,0,none,,,
11099051,Trường Sai Số,primary,03269,,,,-3,150,none,,abc,
11099052,Trường Sai Cấp,university,03269,,,,10,0,none,,,
"""


def test_units_are_imported_parents_first_and_bad_rows_reported():
    report = import_units(UNITS)

    assert report.created == 4
    commune = AdministrativeUnit.objects.get(code="03269")
    assert commune.parent.code == "099"
    assert commune.province.code == "11"
    # Levels may be given by their Vietnamese label ("Xã").
    assert AdministrativeUnit.objects.get(code="03253").level == "commune"
    rejected = dict(report.rejected)
    assert len(rejected) == 3
    assert "A province has no parent unit." in rejected[6] or "Tỉnh không có đơn vị cấp trên." in rejected[6]
    assert "555" in rejected[7]
    assert "code" in rejected[8]


def test_a_second_import_updates_instead_of_duplicating():
    import_units(UNITS)
    report = import_units(UNITS.replace("Xã Pú Xi", "Xã Pú Xi mới"))
    assert report.created == 0
    assert report.updated == 4
    assert AdministrativeUnit.objects.get(code="03269").name == "Xã Pú Xi mới"


def test_schools_are_imported_with_labels_and_rejections_explained():
    import_units(UNITS)

    report = import_schools(SCHOOLS.encode("utf-8"))

    assert (report.created, report.updated) == (2, 0)
    school = School.objects.get(code="11099012")
    assert school.level == "primary"
    assert school.boarding == "semi"
    assert school.district.code == "099"
    rejected = dict(report.rejected)
    assert set(rejected) == {4, 5, 6}
    assert "99999" in rejected[4]
    assert "pupils" in rejected[5] and "ethnic_minority_percent" in rejected[5] and "focal_point_phone" in rejected[5]
    assert "level" in rejected[6]


def test_a_dry_run_checks_everything_and_changes_nothing():
    report = import_units(UNITS, dry_run=True)
    assert report.created == 4
    assert not AdministrativeUnit.objects.exists()


def test_missing_columns_reject_the_file():
    report = import_schools("code,name\nX,Y\n")
    assert report.accepted == 0
    assert "commune_code" in report.rejected[0][1]


def test_the_command_reports_rejected_rows_and_exits_non_zero(tmp_path):
    units = tmp_path / "units.csv"
    units.write_text(UNITS, encoding="utf-8")
    out = StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_registry", units=units, stdout=out)

    assert error.value.returncode == 2
    text = out.getvalue()
    assert "units: 4 were created, 0 were updated, 3 rejected" in text
    assert "units.csv line 7" in text
    assert AdministrativeUnit.objects.count() == 4


def test_the_command_needs_a_file():
    with pytest.raises(CommandError):
        call_command("import_registry")


def test_the_schools_history_names_who_imported_them_and_from_which_file(tmp_path):
    import_units(UNITS)
    officer = UserFactory(email="can.bo@example.vn")
    schools = tmp_path / "truong.csv"
    schools.write_text(SCHOOLS, encoding="utf-8")

    with pytest.raises(CommandError):  # three rows of the file are rejected
        call_command("import_registry", schools=schools, by="CAN.BO@example.vn", stdout=StringIO())

    history = School.objects.get(code="11099012").history.get()
    assert history.history_user == officer
    assert history.history_change_reason == "import_registry truong.csv"


def test_an_unknown_importer_is_refused_before_anything_is_read(tmp_path):
    schools = tmp_path / "truong.csv"
    schools.write_text(SCHOOLS, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_registry", schools=schools, by="ai@example.vn", stdout=StringIO())
    assert error.value.returncode == 2 and "ai@example.vn" in str(error.value)
    assert not School.objects.exists()
