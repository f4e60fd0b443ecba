import pytest
from django.urls import reverse

from tests.schools.factories import CommuneFactory, SchoolFactory, SchoolSiteFactory


def test_the_school_page_is_public_and_shows_sites_and_facilities(client, area):
    SchoolSiteFactory(school=area.school_a, name="Điểm trường bản Co Muông", electricity="none")

    response = client.get(area.school_a.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Trường PTDTBT Tiểu học Pú Xi" in html
    assert "Điểm trường bản Co Muông" in html
    assert "Chưa có điện" in html
    assert "Sửa hồ sơ" not in html


def test_the_school_page_offers_editing_only_to_those_who_may(client, area):
    client.force_login(area.staff_a)
    assert "Sửa hồ sơ" in client.get(area.school_a.get_absolute_url()).content.decode()
    client.force_login(area.staff_b)
    assert "Sửa hồ sơ" not in client.get(area.school_a.get_absolute_url()).content.decode()


def test_the_focal_points_phone_is_shown_to_signed_in_users_only(client, area):
    area.school_a.focal_point_name = "Lò Thị Xuân"
    area.school_a.focal_point_phone = "0914 200 107"
    area.school_a.save()

    assert "0914 200 107" not in client.get(area.school_a.get_absolute_url()).content.decode()
    client.force_login(area.outsider)
    assert "0914 200 107" in client.get(area.school_a.get_absolute_url()).content.decode()


def test_an_unknown_school_is_404(client, db):
    response = client.get(reverse("schools:detail", args=[424242]))
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_the_list_filters_by_district(client, area):
    response = client.get(reverse("schools:list"), {"province": area.province.pk, "district": area.district_a.pk})
    html = response.content.decode()
    assert "Trường PTDTBT Tiểu học Pú Xi" in html
    assert "Trường PTDTBT Tiểu học Ẳng Tở" not in html


def test_the_list_search_ignores_accents(client, area):
    response = client.get(reverse("schools:list"), {"q": "ang to"})
    html = response.content.decode()
    assert "Trường PTDTBT Tiểu học Ẳng Tở" in html
    assert "Trường PTDTBT Tiểu học Pú Xi" not in html


def test_the_list_offers_only_the_chosen_provinces_districts(client, area):
    from tests.schools.factories import DistrictFactory

    DistrictFactory(name="Huyện Ở Tỉnh Khác")
    response = client.get(reverse("schools:list"), {"province": area.province.pk})
    html = response.content.decode()
    assert "Huyện Tuần Giáo" in html
    assert "Huyện Ở Tỉnh Khác" not in html


def test_the_list_filters_stale_profiles(client, area):
    from django.utils import timezone

    area.school_a.profile_confirmed_at = timezone.now()
    area.school_a.save()
    html = client.get(reverse("schools:list"), {"stale": "true"}).content.decode()
    assert "Trường PTDTBT Tiểu học Ẳng Tở" in html
    assert "Trường PTDTBT Tiểu học Pú Xi" not in html


def test_my_school_takes_staff_to_their_school(client, area):
    client.force_login(area.staff_a)
    response = client.get(reverse("schools:mine"))
    assert response.status_code == 302
    assert response.url == area.school_a.get_absolute_url()


def test_my_school_is_404_for_someone_without_a_school(client, area):
    client.force_login(area.outsider)
    assert client.get(reverse("schools:mine")).status_code == 404


def _make_schools(commune, count):
    for _ in range(count):
        school = SchoolFactory(commune=commune)
        SchoolSiteFactory(school=school)
        SchoolSiteFactory(school=school)


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_a_fixed_number_of_queries(client, area, django_assert_num_queries, count):
    _make_schools(CommuneFactory(parent=area.district_a), count)
    client.get(reverse("schools:list"))  # warm the session and content types
    # province validation; count; page; two totals; the three place select boxes
    with django_assert_num_queries(8):
        response = client.get(reverse("schools:list"), {"province": area.province.pk})
    assert response.status_code == 200


@pytest.mark.parametrize("sites", [1, 12])
def test_the_school_page_runs_a_fixed_number_of_queries(client, area, django_assert_num_queries, sites):
    for _ in range(sites):
        SchoolSiteFactory(school=area.school_a)
    client.force_login(area.staff_a)
    # session, user, school with places, sites, memberships (roles), needs
    with django_assert_num_queries(6):
        response = client.get(area.school_a.get_absolute_url())
    assert response.status_code == 200
