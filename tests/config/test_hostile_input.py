"""Bad input everywhere: random and hostile values in the public filters and the forms
that write. Never a 500; a refused form saves nothing and says why."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from donations.models import Pledge
from needs.models import Need
from tests.needs.factories import NeedFactory

HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "", " ", "-1", "0", "1e9", "99999999999999999999", "NaN", "null", "<script>alert(1)</script>",
            "' OR 1=1 --", "%00", "\x00", "../../etc/passwd", "=HYPERLINK(\"x\")", "１２３", "đ" * 500,
        ]
    ),
)  # fmt: skip
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # Hundreds of posts from one test client: the limits are tested in test_abuse.py.
    settings.ACCOUNT_RATE_LIMITS = False


def _clean(value: str) -> str:
    return value.replace("\x00", "")  # the test client itself refuses NUL in a query


@pytest.mark.parametrize("url_name", ["needs:list", "schools:list"])
@FUZZ
@given(params=st.dictionaries(
    st.sampled_from(["q", "category", "province", "district", "commune", "level", "urgency", "status",
                     "pupils_min", "progress", "sort", "page", "stale"]),
    HOSTILE,
    max_size=5,
))  # fmt: skip
def test_public_lists_answer_any_query(client, area, url_name, params):
    response = client.get(reverse(url_name), {k: _clean(v) for k, v in params.items()})
    assert response.status_code in (200, 404)


@FUZZ
@given(amount=HOSTILE, name=HOSTILE, email=HOSTILE, kind=HOSTILE)
def test_the_give_form_refuses_bad_input_and_saves_nothing(client, area, amount, name, email, kind):
    need = Need.objects.filter(status="verified").first() or NeedFactory(school=area.school_a)
    before = Pledge.objects.count()
    response = client.post(
        reverse("donations:give", args=[need.pk]),
        {"amount": _clean(amount), "name": _clean(name), "email": _clean(email), "kind": _clean(kind),
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
        "category": "equipment", "title": _clean(title), "description": "Thiếu chăn.",
        "pupils_benefiting": _clean(pupils), "urgency": _clean(urgency), "wanted_by": _clean(wanted_by),
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "30", "items-0-description": "Chăn", "items-0-quantity": _clean(quantity),
        "items-0-unit": "cái", "items-0-unit_cost": _clean(cost),
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
        "name": school.name, "level": school.level, "address": "", "pupils": _clean(pupils),
        "ethnic_minority_percent": _clean(percent), "boarding": "none", "latitude": _clean(latitude),
        "longitude": _clean(longitude), "focal_point_name": "", "focal_point_phone": _clean(phone),
        "focal_point_email": _clean(email),
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
        "name": _clean(name), "village": "", "distance_km": _clean(distance), "pupils": _clean(pupils),
        "electricity": _clean(electricity), "water_source": "stream", "toilet": "none", "notes": "",
    }  # fmt: skip
    response = client.post(reverse("schools:site_create", args=[area.school_a.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert SchoolSite.objects.count() == before
