"""Hostile input in the lunch forms (issue 17): the school's lunch figures and the donor's
sponsorship. Never a 500; a refused form saves nothing and says why by the field."""

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given

from donations.models import Pledge, Sponsorship
from needs.lunch import month_start
from needs.models import LunchMonth, Need
from tests.support.fuzz import FUZZ, HOSTILE, clean
from tests.support.lunch import make_lunch_need


@pytest.fixture(autouse=True)
def _no_rate_limits(settings, tmp_path):
    # Hundreds of posts from one test client: the limits are tested in tests/config/test_abuse.py.
    settings.ACCOUNT_RATE_LIMITS = False
    settings.MEDIA_ROOT = tmp_path


@FUZZ
@given(pupils=HOSTILE, first=HOSTILE, months=HOSTILE, cost=HOSTILE)
def test_the_lunch_need_form_refuses_bad_figures(client, area, pupils, first, months, cost):
    client.force_login(area.staff_a)
    before = (Need.objects.count(), LunchMonth.objects.count())
    data = {
        "category": "meals", "title": "Bữa trưa", "description": "Bán trú.", "pupils_benefiting": "",
        "urgency": "1", "lunch": "on", "lunch_pupils": clean(pupils), "lunch_first_month": clean(first),
        "lunch_months": clean(months), "lunch_cost": clean(cost), "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0", "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "30",
    }  # fmt: skip
    response = client.post(reverse("needs:create", args=[area.school_a.pk]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert (Need.objects.count(), LunchMonth.objects.count()) == before
        assert "invalid-feedback" in response.content.decode()
    else:
        need = Need.objects.latest("pk")
        assert need.amount_requested == need.lunch_pupils * need.lunch_months * need.lunch_cost
        assert LunchMonth.objects.filter(need=need).count() == need.lunch_months


@FUZZ
@given(pupils=HOSTILE, span=HOSTILE, first=HOSTILE, months=HOSTILE, schedule=HOSTILE, email=HOSTILE)
def test_the_sponsor_form_refuses_bad_input(client, area, pupils, span, first, months, schedule, email):
    need = Need.objects.filter(lunch_pupils__isnull=False, status="verified").first() or make_lunch_need(
        area, first=month_start(timezone.localdate())
    )
    before = (Sponsorship.objects.count(), Pledge.objects.count())
    data = {
        "pupils": clean(pupils), "span": clean(span), "first_month": clean(first), "months": clean(months),
        "schedule": clean(schedule), "name": "Lê Minh", "email": clean(email), "submission_token": "not-a-uuid",
    }  # fmt: skip
    response = client.post(reverse("donations:sponsor", args=[need.pk]), data)
    assert response.status_code == 200  # the token alone is never valid: nothing can be saved
    assert (Sponsorship.objects.count(), Pledge.objects.count()) == before
    assert "invalid-feedback" in response.content.decode() or "alert-danger" in response.content.decode()
