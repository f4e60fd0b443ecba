"""Every page that changes a school's profile or its sites goes through schools.services,
and each change leaves a history row naming the person who made it, in a request or not
(issue 14)."""

from decimal import Decimal

from django.urls import reverse

from schools import services
from schools.models import School, SchoolSite
from tests.schools.factories import SchoolSiteFactory

# The schools pages that write; each has a test below that posts a valid change and
# checks the rows and their history.
WRITING_VIEWS = {
    "schools:edit",
    "schools:confirm",
    "schools:site_create",
    "schools:site_edit",
    "schools:site_delete",
}

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


def history_of(instance_or_model, pk=None):
    """The history rows of one object, oldest first, as (type, user) pairs."""
    model = instance_or_model if pk is not None else type(instance_or_model)
    pk = pk if pk is not None else instance_or_model.pk
    return [(row.history_type, row.history_user) for row in model.history.filter(id=pk).order_by("history_id")]


def test_it_records_who_edited_the_profile(client, area):
    school = area.school_a
    client.force_login(area.staff_a)
    data = {
        "name": school.name,
        "level": school.level,
        "address": "Bản Hua Sát",
        "pupils": 412,
        "ethnic_minority_percent": 98,
        "boarding": "semi",
        "latitude": "21.632100",
        "longitude": "103.471600",
        "focal_point_name": "Lò Thị Xuân",
        "focal_point_phone": "0914 200 107",
        "focal_point_email": "xuan@example.vn",
    }

    response = client.post(reverse("schools:edit", args=[school.pk]), data)

    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.pupils, school.focal_point_name, school.profile_confirmed_by) == (412, "Lò Thị Xuân", area.staff_a)
    # Created by the factory, outside any request; then edited by the school's staff.
    assert history_of(school) == [("+", None), ("~", area.staff_a)]
    row = school.history.latest("history_id")
    assert (row.pupils, row.boarding, row.profile_confirmed_by) == (412, "semi", area.staff_a)


def test_it_records_who_confirmed_the_profile(client, area):
    school = area.school_a
    client.force_login(area.officer_a)

    response = client.post(reverse("schools:confirm", args=[school.pk]))

    assert response.status_code == 302
    school.refresh_from_db()
    assert school.profile_confirmed_by == area.officer_a and not school.is_profile_stale
    assert history_of(school) == [("+", None), ("~", area.officer_a)]
    assert school.history.latest("history_id").profile_confirmed_by == area.officer_a


def test_a_refused_confirmation_records_nothing(client, area):
    client.force_login(area.staff_b)
    assert client.post(reverse("schools:confirm", args=[area.school_a.pk])).status_code == 403
    area.school_a.refresh_from_db()
    assert area.school_a.profile_confirmed_by is None
    assert history_of(area.school_a) == [("+", None)]


def test_it_records_who_added_a_site(client, area):
    client.force_login(area.staff_a)

    response = client.post(reverse("schools:site_create", args=[area.school_a.pk]), SITE)

    assert response.status_code == 302
    site = SchoolSite.objects.get(school=area.school_a)
    site.refresh_from_db()
    assert (site.name, site.distance_km, site.pupils) == ("Điểm trường bản Hua Sát", Decimal("12.5"), 34)
    assert history_of(site) == [("+", area.staff_a)]
    # A site is part of the profile: adding it confirms the profile, recorded too.
    assert history_of(area.school_a) == [("+", None), ("~", area.staff_a)]


def test_it_records_who_changed_a_site(client, area):
    site = SchoolSiteFactory(school=area.school_a, name="Điểm trường bản Hua Sát", pupils=40)
    client.force_login(area.officer_a)

    response = client.post(
        reverse("schools:site_edit", args=[area.school_a.pk, site.pk]), {**SITE, "pupils": "52", "toilet": "good"}
    )

    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.pupils, site.toilet) == (52, "good")
    assert history_of(site) == [("+", None), ("~", area.officer_a)]
    assert [(row.pupils, row.toilet) for row in site.history.order_by("history_id")] == [(40, "degraded"), (52, "good")]
    assert history_of(area.school_a)[-1] == ("~", area.officer_a)


def test_it_records_who_removed_a_site(client, area):
    site = SchoolSiteFactory(school=area.school_a)
    pk = site.pk
    client.force_login(area.staff_a)

    response = client.post(reverse("schools:site_delete", args=[area.school_a.pk, pk]))

    assert response.status_code == 302
    assert not SchoolSite.objects.filter(pk=pk).exists()
    assert history_of(SchoolSite, pk) == [("+", None), ("-", area.staff_a)]
    area.school_a.refresh_from_db()
    assert area.school_a.profile_confirmed_by == area.staff_a
    assert history_of(area.school_a)[-1] == ("~", area.staff_a)


def test_a_refused_site_change_records_nothing(client, area):
    site = SchoolSiteFactory(school=area.school_a, pupils=40)
    client.force_login(area.staff_b)

    url = reverse("schools:site_edit", args=[area.school_a.pk, site.pk])
    assert client.post(url, {**SITE, "pupils": "1"}).status_code == 403
    assert client.post(reverse("schools:site_delete", args=[area.school_a.pk, site.pk])).status_code == 403

    site.refresh_from_db()
    assert site.pupils == 40
    assert history_of(site) == [("+", None)]
    assert history_of(area.school_a) == [("+", None)]


# --- The services outside any request (a command, a task, the shell) ---------------------


def test_the_services_outside_a_request_record_the_user_they_are_given(area):
    school = School.objects.get(pk=area.school_a.pk)
    school.pupils = 415
    services.school_save_profile(school=school, user=area.officer_a)
    site = services.site_save(site=SchoolSite(school=school, **{**SITE, "pupils": 34}), user=area.staff_a)
    site_pk = site.pk
    services.site_delete(site=site, user=area.officer_province)

    school.refresh_from_db()
    assert (school.pupils, school.profile_confirmed_by) == (415, area.officer_province)
    assert history_of(school) == [
        ("+", None),
        ("~", area.officer_a),
        ("~", area.staff_a),
        ("~", area.officer_province),
    ]
    assert history_of(SchoolSite, site_pk) == [("+", area.staff_a), ("-", area.officer_province)]
