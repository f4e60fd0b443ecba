import pytest

from schools.permissions import can_act_on_school, can_act_on_unit, roles_of
from tests.accounts.factories import UserFactory


@pytest.mark.parametrize(
    ("user_name", "school_name", "allowed"),
    [
        ("staff_a", "school_a", True),
        ("staff_a", "school_b", False),
        ("officer_a", "school_a", True),
        ("officer_a", "school_b", False),
        ("officer_b", "school_b", True),
        ("officer_province", "school_a", True),
        ("officer_province", "school_b", True),
        ("outsider", "school_a", False),
    ],
)
def test_can_act_on_school(area, user_name, school_name, allowed):
    assert can_act_on_school(getattr(area, user_name), getattr(area, school_name)) is allowed


@pytest.mark.parametrize(
    ("user_name", "unit_name", "allowed"),
    [
        ("officer_a", "district_a", True),
        ("officer_a", "commune_a", True),
        ("officer_a", "commune_b", False),
        ("officer_a", "province", False),
        ("officer_province", "commune_b", True),
        ("staff_a", "commune_a", False),
        ("outsider", "commune_a", False),
    ],
)
def test_can_act_on_unit(area, user_name, unit_name, allowed):
    assert can_act_on_unit(getattr(area, user_name), getattr(area, unit_name)) is allowed


def test_a_superuser_acts_everywhere(area):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert can_act_on_school(admin, area.school_b)
    assert can_act_on_unit(admin, area.province)


def test_anonymous_users_have_no_roles(area):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not can_act_on_school(anonymous, area.school_a)
    assert roles_of(anonymous).memberships == []


def test_roles_are_loaded_once_per_user_object(area, django_assert_num_queries):
    user = area.officer_a
    with django_assert_num_queries(1):
        roles_of(user)
        can_act_on_school(user, area.school_a)
        can_act_on_unit(user, area.commune_b)
