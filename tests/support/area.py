"""The standing users of STYLE.md and the places they belong to, built in the database.

The `area` fixture (tests/conftest.py) builds one per test; the permission matrix builds
one for a whole class of tests."""

from types import SimpleNamespace

from tests.accounts.factories import UserFactory
from tests.schools.factories import (
    CommuneFactory,
    DistrictFactory,
    MembershipFactory,
    OfficeFactory,
    ProvinceFactory,
    SchoolFactory,
)


def build_area() -> SimpleNamespace:
    """A province with two districts, a commune in each, and a school in each commune.

    The standing users hang off it: staff of school A (insider with rights), staff of
    school B (insider without), a district officer of A's district, an officer of B's
    district, a provincial officer, and an outsider with no role.
    """
    a = SimpleNamespace()
    a.province = ProvinceFactory(name="Tỉnh Điện Biên", code="11")
    a.district_a = DistrictFactory(parent=a.province, name="Huyện Tuần Giáo", code="099")
    a.district_b = DistrictFactory(parent=a.province, name="Huyện Mường Ảng", code="102")
    a.commune_a = CommuneFactory(parent=a.district_a, name="Xã Pú Xi", code="03269")
    a.commune_b = CommuneFactory(parent=a.district_b, name="Xã Ẳng Tở", code="03292")
    a.school_a = SchoolFactory(commune=a.commune_a, name="Trường PTDTBT Tiểu học Pú Xi")
    a.school_b = SchoolFactory(commune=a.commune_b, name="Trường PTDTBT Tiểu học Ẳng Tở")
    a.office_a = OfficeFactory(unit=a.district_a, name="Phòng GD&ĐT Tuần Giáo")
    a.office_b = OfficeFactory(unit=a.district_b, name="Phòng GD&ĐT Mường Ảng")
    a.office_province = OfficeFactory(unit=a.province, kind="education_department", name="Sở GD&ĐT Điện Biên")
    a.staff_a = MembershipFactory(role="school_staff", school=a.school_a).user
    a.staff_b = MembershipFactory(role="school_staff", school=a.school_b).user
    a.officer_a = MembershipFactory(role="officer", office=a.office_a).user
    a.officer_b = MembershipFactory(role="officer", office=a.office_b).user
    a.officer_province = MembershipFactory(role="officer", office=a.office_province).user
    a.outsider = UserFactory()
    return a
