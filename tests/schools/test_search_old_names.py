"""The school list, search and filters find a school by its old or its new place name
(issue 15, item 2): a school's search text holds its commune's name, former names and
the names of the units it succeeded (schools/models.py `AdministrativeUnit.place_names`)."""

import pytest
from django.urls import reverse

from schools.models import AdministrativeUnit, School
from tests.schools.factories import CommuneFactory, ProvinceFactory, SchoolFactory
from tests.schools.test_reform import load, old_dien_bien

pytestmark = pytest.mark.django_db


def found(client, query) -> set[str]:
    response = client.get(reverse("schools:list"), {"q": query})
    assert response.status_code == 200
    return {school.name for school in response.context["page"].object_list}


def test_a_moved_school_is_found_by_its_old_and_its_new_place_names(client, django_capture_on_commit_callbacks):
    old = old_dien_bien()
    school = SchoolFactory(commune=old["03253c"], name="Trường Tiểu học Số 1", address="Khối Tân Tiến")
    assert found(client, "thi tran tuan giao") == {school.name}

    with django_capture_on_commit_callbacks(execute=True):  # the cached list is dropped on commit
        load("--province", "11")

    school.refresh_from_db()
    assert school.commune.name == "Xã Tuần Giáo"
    for query in ("Xã Tuần Giáo", "xa tuan giao", "Thị trấn Tuần Giáo", "thi tran tuan giao", "huyện tuần giáo"):
        assert found(client, query) == {school.name}, query
    # A later save (a profile edit) keeps the old names.
    school.save()
    assert "thi tran tuan giao" in School.objects.get(pk=school.pk).search_text


def test_a_renamed_commune_finds_its_schools_by_both_names(tmp_path, client):
    units = tmp_path / "units.csv"
    units.write_text("code,name,level,parent_code\n11,Tỉnh Điện Biên,province,\n03253,Xã Tuần Giáo,commune,11\n")
    load("--units", str(units))
    school = SchoolFactory(commune=AdministrativeUnit.objects.get(code="03253"), name="Trường Mầm non Hoa Ban")
    units.write_text("code,name,level,parent_code\n11,Tỉnh Điện Biên,province,\n03253,Xã Hoa Ban Mới,commune,11\n")
    load("--units", str(units), "--on", "2026-01-01")

    assert found(client, "hoa ban moi") == {school.name}
    assert found(client, "xa tuan giao") == {school.name}


def test_a_school_on_the_old_map_is_searched_as_before():
    province = ProvinceFactory(name="Tỉnh Điện Biên", code="11")
    commune = CommuneFactory(parent=province, name="Xã Pú Xi")
    school = SchoolFactory(commune=commune, name="Trường Tiểu học Pú Xi", code="S1", address="Bản Pú Xi")
    assert school.search_text == "truong tieu hoc pu xi s1 xa pu xi ban pu xi"
    assert commune.place_names() == ["Xã Pú Xi"]
