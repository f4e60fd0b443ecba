from django.urls import reverse

from schools.models import School


def edit_data(school, **changes):
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
    data.update(changes)
    return data


def test_it_lets_school_staff_edit_their_school(client, area):
    client.force_login(area.staff_a)
    url = reverse("schools:edit", args=[area.school_a.pk])

    response = client.post(url, edit_data(area.school_a))

    assert response.status_code == 302
    assert response.url == area.school_a.get_absolute_url()
    area.school_a.refresh_from_db()
    assert area.school_a.pupils == 412
    assert area.school_a.focal_point_name == "Lò Thị Xuân"
    # Saving the profile confirms it current, by this person.
    assert area.school_a.profile_confirmed_by == area.staff_a
    assert not area.school_a.is_profile_stale


def test_it_shows_the_form_in_vietnamese(client, area):
    client.force_login(area.staff_a)
    response = client.get(reverse("schools:edit", args=[area.school_a.pk]))
    assert response.status_code == 200
    assert "Hồ sơ nhà trường" in response.content.decode()


def test_it_refuses_staff_of_another_school_with_403(client, area):
    client.force_login(area.staff_b)
    url = reverse("schools:edit", args=[area.school_a.pk])

    assert client.get(url).status_code == 403
    response = client.post(url, edit_data(area.school_a, pupils=1))

    assert response.status_code == 403
    assert "Bạn không có quyền" in response.content.decode()
    area.school_a.refresh_from_db()
    assert area.school_a.pupils == 300


def test_it_lets_an_officer_edit_a_school_in_their_area(client, area):
    client.force_login(area.officer_a)
    response = client.post(reverse("schools:edit", args=[area.school_a.pk]), edit_data(area.school_a, pupils=500))
    assert response.status_code == 302
    area.school_a.refresh_from_db()
    assert area.school_a.pupils == 500


def test_it_refuses_an_officer_outside_their_area(client, area):
    client.force_login(area.officer_b)
    response = client.post(reverse("schools:edit", args=[area.school_a.pk]), edit_data(area.school_a, pupils=1))
    assert response.status_code == 403
    area.school_a.refresh_from_db()
    assert area.school_a.pupils == 300


def test_it_lets_a_provincial_officer_edit_any_school_in_the_province(client, area):
    client.force_login(area.officer_province)
    response = client.post(reverse("schools:edit", args=[area.school_b.pk]), edit_data(area.school_b, pupils=77))
    assert response.status_code == 302
    area.school_b.refresh_from_db()
    assert area.school_b.pupils == 77


def test_it_sends_anonymous_visitors_to_sign_in(client, area):
    url = reverse("schools:edit", args=[area.school_a.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_it_gives_404_for_a_school_that_does_not_exist(client, area):
    client.force_login(area.officer_province)
    assert client.get(reverse("schools:edit", args=[999999])).status_code == 404


def test_bad_input_is_shown_next_to_the_field_and_keeps_what_was_typed(client, area):
    client.force_login(area.staff_a)
    data = edit_data(area.school_a, pupils="-5", focal_point_phone="12345", focal_point_name="Cà Thị Ngọc")

    response = client.post(reverse("schools:edit", args=[area.school_a.pk]), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_pupils_error"' in html
    assert 'id="id_focal_point_phone_error"' in html
    assert "Nhập số điện thoại Việt Nam" in html
    assert 'value="Cà Thị Ngọc"' in html
    area.school_a.refresh_from_db()
    assert area.school_a.focal_point_name == ""


def test_half_coordinates_are_refused(client, area):
    client.force_login(area.staff_a)
    response = client.post(reverse("schools:edit", args=[area.school_a.pk]), edit_data(area.school_a, longitude=""))
    assert response.status_code == 200
    assert "Nhập cả vĩ độ và kinh độ" in response.content.decode()


def test_confirming_the_profile_needs_post(client, area):
    client.force_login(area.staff_a)
    url = reverse("schools:confirm", args=[area.school_a.pk])
    assert client.get(url).status_code == 405

    response = client.post(url)

    assert response.status_code == 302
    area.school_a.refresh_from_db()
    assert area.school_a.profile_confirmed_at is not None
    assert area.school_a.profile_confirmed_by == area.staff_a


def test_confirming_another_school_is_refused(client, area):
    client.force_login(area.staff_b)
    response = client.post(reverse("schools:confirm", args=[area.school_a.pk]))
    assert response.status_code == 403
    assert School.objects.get(pk=area.school_a.pk).profile_confirmed_at is None
