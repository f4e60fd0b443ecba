from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from schools.models import Membership, School
from tests.schools.factories import (
    CommuneFactory,
    DistrictFactory,
    MembershipFactory,
    OfficeFactory,
    ProvinceFactory,
    SchoolFactory,
)

pytestmark = pytest.mark.django_db


def test_it_denormalises_province_and_district_down_the_tree():
    province = ProvinceFactory()
    district = DistrictFactory(parent=province)
    commune = CommuneFactory(parent=district)
    school = SchoolFactory(commune=commune)

    assert (district.province_id, district.district_id) == (province.pk, None)
    assert (commune.province_id, commune.district_id) == (province.pk, district.pk)
    assert (school.province_id, school.district_id) == (province.pk, district.pk)


def test_it_accepts_a_commune_directly_under_a_province_as_after_the_2025_reform():
    province = ProvinceFactory()
    ward = CommuneFactory(parent=province)
    school = SchoolFactory(commune=ward)

    assert ward.province_id == province.pk
    assert ward.district_id is None
    assert school.district_id is None
    assert province.contains(ward)
    assert school.is_in(province)


def test_containment_is_by_tree_not_by_name():
    province = ProvinceFactory()
    district_a, district_b = DistrictFactory(parent=province), DistrictFactory(parent=province)
    commune_a = CommuneFactory(parent=district_a)

    assert district_a.contains(commune_a)
    assert not district_b.contains(commune_a)
    assert province.contains(district_b)
    assert not commune_a.contains(district_a)


def test_school_filter_selects_only_schools_inside_the_unit():
    district_a, district_b = DistrictFactory(), DistrictFactory()
    inside = SchoolFactory(commune=CommuneFactory(parent=district_a))
    SchoolFactory(commune=CommuneFactory(parent=district_b))

    assert list(School.objects.filter(district_a.school_filter())) == [inside]
    assert list(School.objects.filter(inside.commune.school_filter())) == [inside]


def test_a_province_cannot_have_a_parent_in_the_database():
    province = ProvinceFactory()
    with pytest.raises(IntegrityError):
        ProvinceFactory(parent=province)


def test_a_membership_must_match_its_role_in_the_database():
    school = SchoolFactory()
    with pytest.raises(IntegrityError):
        MembershipFactory(role="officer", school=school)


def test_an_officer_cannot_join_a_non_education_office():
    from django.core.exceptions import ValidationError

    office = OfficeFactory(kind="post")
    membership = Membership(user=MembershipFactory(role="school_staff", school=SchoolFactory()).user, role="officer")
    membership.office = office
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "office" in error.value.message_dict


@pytest.mark.parametrize(
    ("confirmed_days_ago", "stale"),
    [(None, True), (10, False), (179, False), (181, True)],
)
def test_profile_is_stale_after_the_set_days(settings, confirmed_days_ago, stale):
    settings.SCHOOL_PROFILE_STALE_DAYS = 180
    confirmed = None if confirmed_days_ago is None else timezone.now() - timedelta(days=confirmed_days_ago)
    school = SchoolFactory(profile_confirmed_at=confirmed)

    assert school.is_profile_stale is stale
    assert (school in School.objects.stale()) is stale
    assert (school in School.objects.current()) is not stale


def test_search_text_is_folded_for_accent_insensitive_search():
    school = SchoolFactory(name="Trường PTDTBT Tiểu học Đồng Tâm", code="DB001")
    assert "truong ptdtbt tieu hoc dong tam" in school.search_text
    assert "db001" in school.search_text


def test_office_digest_addresses_are_validated_one_per_line():
    from django.core.exceptions import ValidationError

    office = OfficeFactory(digest_emails="a@example.vn\nnot-an-address")
    with pytest.raises(ValidationError) as error:
        office.full_clean()
    assert "not-an-address" in str(error.value)
    office.digest_emails = "a@example.vn\n b@example.vn \n"
    office.full_clean()
    assert office.digest_email_list == ["a@example.vn", "b@example.vn"]
