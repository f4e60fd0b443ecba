"""Who gets a digest (issue 15, item 5): on the current map every commune office that
handles a school of its commune and every department with schools; on the map before
2025 the district offices still do; an office of an abolished unit, or one with no
school to handle, gets none."""

from datetime import date

import pytest
from django.core import mail

from needs.models import Need
from oversight.dashboard import Area
from oversight.digests import digest_offices
from oversight.models import DigestRun
from oversight.tasks import send_due_digests
from schools.models import Office, School
from tests.needs.factories import NeedFactory
from tests.schools.factories import (
    CommuneFactory,
    DistrictFactory,
    MembershipFactory,
    OfficeFactory,
    ProvinceFactory,
    SchoolFactory,
)

L = School.Level


def _handles_a_school(office: Office) -> bool:
    """The rule as `School.handled_by` states it, asked office by office."""
    return office.unit.is_current and Area.of_office(office).schools().exists()


@pytest.fixture
def current_map(db):
    """A province of the current map: Xã Tuần Giáo with a primary and an upper-secondary
    school, Xã Quài Tở with only an upper-secondary school (the department's), Xã Chiềng
    Sinh with none; an office for each and the department; and the office of the abolished
    Tuần Giáo district, whose schools have moved."""
    province = ProvinceFactory(name="Tỉnh Điện Biên", code="11")
    old_district = DistrictFactory(parent=province, name="Huyện Tuần Giáo", code="099", abolished_on=date(2025, 7, 1))
    tuan_giao = CommuneFactory(parent=province, name="Xã Tuần Giáo", code="03253")
    quai_to = CommuneFactory(parent=province, name="Xã Quài Tở", code="03274")
    chieng_sinh = CommuneFactory(parent=province, name="Xã Chiềng Sinh", code="03295")
    primary = SchoolFactory(commune=tuan_giao, level=L.PRIMARY, name="Trường Tiểu học Tuần Giáo")
    SchoolFactory(commune=tuan_giao, level=L.UPPER_SECONDARY, name="Trường THPT Tuần Giáo")
    SchoolFactory(commune=quai_to, level=L.UPPER_SECONDARY, name="Trường THPT Quài Tở")
    offices = {
        "commune": OfficeFactory(unit=tuan_giao, name="Phòng Văn hóa - Xã hội UBND xã Tuần Giáo"),
        "upper_only": OfficeFactory(unit=quai_to, name="Phòng Văn hóa - Xã hội UBND xã Quài Tở"),
        "no_school": OfficeFactory(unit=chieng_sinh, name="Phòng Văn hóa - Xã hội UBND xã Chiềng Sinh"),
        "department": OfficeFactory(unit=province, kind="education_department", name="Sở GD&ĐT Điện Biên"),
        "abolished": OfficeFactory(unit=old_district, name="Phòng GD&ĐT Tuần Giáo"),
    }
    officers = {key: MembershipFactory(role="officer", office=office).user for key, office in offices.items()}
    NeedFactory(school=primary, status=Need.Status.SUBMITTED, title="Bàn ghế cho lớp 1")
    return offices, officers


def test_on_the_current_map_commune_offices_and_the_department_with_schools_get_digests(current_map):
    offices, _officers = current_map
    assert set(digest_offices()) == {offices["commune"], offices["department"]}
    for office in Office.objects.filter(kind__in=Office.EDUCATION_KINDS):
        assert (office in digest_offices()) == _handles_a_school(office), office


def test_the_weekly_job_sends_to_those_offices_only(current_map):
    offices, officers = current_map
    assert send_due_digests("weekly", "2026-11-30")["done"] == 2
    assert set(DigestRun.objects.values_list("office", "status")) == {
        (offices["commune"].pk, "sent"),
        (offices["department"].pk, "sent"),
    }
    sent_to = {address for message in mail.outbox for address in message.to}
    assert officers["commune"].email in sent_to and officers["department"].email in sent_to
    assert not {officers["upper_only"].email, officers["no_school"].email, officers["abolished"].email} & sent_to
    department = next(m for m in mail.outbox if officers["department"].email in m.to)
    # The department compares its three communes, the one without schools too (in Excel).
    assert "Tổng cộng 3 xã, phường" in department.body
    commune = next(m for m in mail.outbox if officers["commune"].email in m.to)
    assert "Nhu cầu chờ xác minh: 1" in commune.body and "So sánh" not in commune.body


def test_on_the_old_map_district_offices_still_get_digests(area):
    assert set(digest_offices()) == {area.office_a, area.office_b, area.office_province}
    for office in Office.objects.filter(kind__in=Office.EDUCATION_KINDS):
        assert (office in digest_offices()) == _handles_a_school(office), office
    NeedFactory(school=area.school_a, status=Need.Status.SUBMITTED)
    assert send_due_digests("weekly", "2026-11-30")["done"] == 3
    assert DigestRun.objects.filter(status="sent").count() == 3
    district = next(m for m in mail.outbox if area.officer_a.email in m.to)
    assert "Nhu cầu chờ xác minh: 1" in district.body
    # A district office compares its communes; the department its districts.
    assert "Tổng cộng 1 xã, phường" in district.body
    province = next(m for m in mail.outbox if area.officer_province.email in m.to)
    assert "So sánh các huyện" in province.body and "Tổng cộng 2 huyện" in province.body
