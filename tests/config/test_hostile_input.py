"""Bad input everywhere: random and hostile values in the public filters and the forms
that write. Never a 500; a refused form saves nothing and says why."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from donations.models import Pledge
from needs.models import Need
from tests.needs.factories import NeedFactory
from tests.support.fuzz import FUZZ, HOSTILE, clean


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # Hundreds of posts from one test client: the limits are tested in test_abuse.py.
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.mark.parametrize("url_name", ["needs:list", "schools:list"])
@FUZZ
@given(params=st.dictionaries(
    st.sampled_from(["q", "category", "province", "district", "commune", "level", "urgency", "status",
                     "pupils_min", "progress", "sort", "page", "stale"]),
    HOSTILE,
    max_size=5,
))  # fmt: skip
def test_public_lists_answer_any_query(client, area, url_name, params):
    response = client.get(reverse(url_name), {k: clean(v) for k, v in params.items()})
    assert response.status_code in (200, 404)


@FUZZ
@given(amount=HOSTILE, name=HOSTILE, email=HOSTILE, kind=HOSTILE)
def test_the_give_form_refuses_bad_input_and_saves_nothing(client, area, amount, name, email, kind):
    need = Need.objects.filter(status="verified").first() or NeedFactory(school=area.school_a)
    before = Pledge.objects.count()
    response = client.post(
        reverse("donations:give", args=[need.pk]),
        {"amount": clean(amount), "name": clean(name), "email": clean(email), "kind": clean(kind),
         "submission_token": "not-a-uuid"},
    )  # fmt: skip
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Pledge.objects.count() == before
        assert "invalid-feedback" in response.content.decode()


@FUZZ
@given(title=HOSTILE, pupils=HOSTILE, quantity=HOSTILE, cost=HOSTILE, wanted_by=HOSTILE, urgency=HOSTILE)
def test_the_need_form_refuses_bad_input_and_saves_nothing(client, area, title, pupils, quantity, cost, wanted_by,
                                                           urgency):  # fmt: skip
    client.force_login(area.staff_a)
    before = Need.objects.count()
    data = {
        "category": "equipment", "title": clean(title), "description": "Thiếu chăn.",
        "pupils_benefiting": clean(pupils), "urgency": clean(urgency), "wanted_by": clean(wanted_by),
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "30", "items-0-description": "Chăn", "items-0-quantity": clean(quantity),
        "items-0-unit": "cái", "items-0-unit_cost": clean(cost),
    }  # fmt: skip
    response = client.post(reverse("needs:create", args=[area.school_a.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Need.objects.count() == before


@FUZZ
@given(pupils=HOSTILE, percent=HOSTILE, latitude=HOSTILE, longitude=HOSTILE, phone=HOSTILE, email=HOSTILE)
def test_the_school_profile_refuses_bad_input_and_keeps_the_school(client, area, pupils, percent, latitude,
                                                                   longitude, phone, email):  # fmt: skip
    client.force_login(area.staff_a)
    school = area.school_a
    school.refresh_from_db()
    before = (school.pupils, school.latitude, school.focal_point_phone)
    data = {
        "name": school.name, "level": school.level, "address": "", "pupils": clean(pupils),
        "ethnic_minority_percent": clean(percent), "boarding": "none", "latitude": clean(latitude),
        "longitude": clean(longitude), "focal_point_name": "", "focal_point_phone": clean(phone),
        "focal_point_email": clean(email),
    }  # fmt: skip
    response = client.post(reverse("schools:edit", args=[school.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        school.refresh_from_db()
        assert (school.pupils, school.latitude, school.focal_point_phone) == before


@FUZZ
@given(name=HOSTILE, distance=HOSTILE, pupils=HOSTILE, electricity=HOSTILE)
def test_the_site_form_refuses_bad_input_and_saves_nothing(client, area, name, distance, pupils, electricity):
    from schools.models import SchoolSite

    client.force_login(area.staff_a)
    before = SchoolSite.objects.count()
    data = {
        "name": clean(name), "village": "", "distance_km": clean(distance), "pupils": clean(pupils),
        "electricity": clean(electricity), "water_source": "stream", "toilet": "none", "notes": "",
    }  # fmt: skip
    response = client.post(reverse("schools:site_create", args=[area.school_a.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert SchoolSite.objects.count() == before
