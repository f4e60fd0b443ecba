from decimal import Decimal

import pytest
from django.urls import reverse

from schools.models import SchoolSite
from tests.schools.factories import SchoolSiteFactory

SITE = {
    "name": "Điểm trường bản Hua Sát",
    "village": "Bản Hua Sát",
    "distance_km": "12.5",
    "pupils": "34",
    "electricity": "none",
    "water_source": "stream",
    "toilet": "none",
    "notes": "Đường đất, mùa mưa không đi được xe máy.",
}


def test_it_adds_a_site_and_confirms_the_profile(client, area):
    client.force_login(area.staff_a)

    response = client.post(reverse("schools:site_create", args=[area.school_a.pk]), SITE)

    assert response.status_code == 302
    site = SchoolSite.objects.get(school=area.school_a)
    assert site.name == "Điểm trường bản Hua Sát"
    assert site.distance_km == Decimal("12.5")
    assert site.lacks_basics
    area.school_a.refresh_from_db()
    assert area.school_a.profile_confirmed_by == area.staff_a


def test_it_refuses_a_site_for_another_school(client, area):
    client.force_login(area.staff_b)
    response = client.post(reverse("schools:site_create", args=[area.school_a.pk]), SITE)
    assert response.status_code == 403
    assert not SchoolSite.objects.exists()


def test_it_refuses_a_duplicate_site_name_with_a_message(client, area):
    SchoolSiteFactory(school=area.school_a, name="Điểm trường bản Hua Sát")
    client.force_login(area.staff_a)

    response = client.post(reverse("schools:site_create", args=[area.school_a.pk]), SITE)

    assert response.status_code == 200
    assert "Trường đã có điểm trường mang tên này." in response.content.decode()
    assert SchoolSite.objects.count() == 1


def test_a_negative_distance_is_refused(client, area):
    client.force_login(area.staff_a)
    response = client.post(reverse("schools:site_create", args=[area.school_a.pk]), {**SITE, "distance_km": "-3"})
    assert response.status_code == 200
    assert 'id="id_distance_km_error"' in response.content.decode()
    assert not SchoolSite.objects.exists()


def test_it_edits_a_site(client, area):
    site = SchoolSiteFactory(school=area.school_a)
    client.force_login(area.officer_a)

    response = client.post(reverse("schools:site_edit", args=[area.school_a.pk, site.pk]), {**SITE, "toilet": "good"})

    assert response.status_code == 302
    site.refresh_from_db()
    assert site.toilet == "good"


def test_a_site_cannot_be_reached_through_another_school(client, area):
    """The site id is checked against the school in the URL, so ids cannot be mixed."""
    site_b = SchoolSiteFactory(school=area.school_b)
    client.force_login(area.staff_a)
    response = client.post(reverse("schools:site_edit", args=[area.school_a.pk, site_b.pk]), SITE)
    assert response.status_code == 404
    site_b.refresh_from_db()
    assert site_b.name != SITE["name"]


def test_deleting_asks_first_then_removes_on_post(client, area):
    site = SchoolSiteFactory(school=area.school_a)
    client.force_login(area.staff_a)
    url = reverse("schools:site_delete", args=[area.school_a.pk, site.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert SchoolSite.objects.filter(pk=site.pk).exists()

    response = client.post(url)
    assert response.status_code == 302
    assert not SchoolSite.objects.filter(pk=site.pk).exists()


def test_an_officer_outside_the_area_cannot_delete(client, area):
    site = SchoolSiteFactory(school=area.school_a)
    client.force_login(area.officer_b)
    assert client.post(reverse("schools:site_delete", args=[area.school_a.pk, site.pk])).status_code == 403
    assert SchoolSite.objects.filter(pk=site.pk).exists()


@pytest.mark.parametrize("name", ["site_create"])
def test_anonymous_visitors_are_sent_to_sign_in(client, area, name):
    response = client.get(reverse(f"schools:{name}", args=[area.school_a.pk]))
    assert response.status_code == 302
