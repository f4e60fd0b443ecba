"""Posting a school-lunch need (issue 17): pupils × months × cost per pupil per month, one
school year; its one item and its months follow from the four figures."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from needs import lunch
from needs.models import LunchMonth, Need, NeedItem


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


NEXT_YEAR = timezone.localdate().year + 1


def lunch_post(**changes):
    data = {
        "category": "meals",
        "site": "",
        "title": "Bữa trưa cho học sinh bán trú năm học tới",
        "description": "45 em bán trú ở lại trường cả tuần, cần bữa trưa đủ chất.",
        "pupils_benefiting": "",
        "urgency": "2",
        "wanted_by": "",
        "lunch": "on",
        "lunch_pupils": "45",
        "lunch_first_month": f"09/{NEXT_YEAR}",
        "lunch_months": "9",
        "lunch_cost": "300.000",
        "items-TOTAL_FORMS": "0",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "30",
        "upload_token": "",
        "draft": "1",
    }
    data.update(changes)
    return data


def test_a_school_posts_45_pupils_for_9_months_at_300_000(client, area):
    client.force_login(area.staff_a)
    response = client.post(reverse("needs:create", args=[area.school_a.pk]), lunch_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    need = Need.objects.get()
    assert need.is_lunch
    assert (need.lunch_pupils, need.lunch_months, need.lunch_cost) == (45, 9, 300_000)
    assert need.lunch_first_month == date(NEXT_YEAR, 9, 1)
    assert need.amount_requested == 121_500_000
    assert need.pupils_benefiting == 45  # counted once: the pupils fed
    item = NeedItem.objects.get(need=need)
    assert (item.description, item.quantity, item.unit, item.unit_cost) == (
        "Bữa ăn bán trú",
        405,
        "suất-tháng",
        300_000,
    )
    months = list(LunchMonth.objects.filter(need=need).values_list("month", "pupils", "pupils_pledged"))
    assert [m for m, _p, _s in months] == lunch.month_range(date(NEXT_YEAR, 9, 1), 9)
    assert months[-1][0] == date(NEXT_YEAR + 1, 5, 1)
    assert {(p, s) for _m, p, s in months} == {(45, 0)}

    # Edited while a draft: 40 pupils for 10 months; the months follow, the item too.
    edit = lunch_post(lunch_pupils="40", lunch_months="10", lunch_cost="300000")
    response = client.post(reverse("needs:edit", args=[need.pk]), edit)
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.amount_requested == 40 * 10 * 300_000
    assert LunchMonth.objects.filter(need=need).count() == 10
    assert set(LunchMonth.objects.filter(need=need).values_list("pupils", flat=True)) == {40}
    assert NeedItem.objects.filter(need=need).count() == 1

    # And the need page shows its year as a calendar.
    response = client.get(need.get_absolute_url())
    html = response.content.decode()
    assert 'data-testid="lunch-calendar"' in html and f'data-month="{NEXT_YEAR + 1}-06"' in html


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("lunch_months", "13", "tối đa 12 tháng"),
        ("lunch_months", "0", "Ít nhất một tháng"),
        ("lunch_first_month", f"15/09/{NEXT_YEAR}", "ngày 1"),
        ("lunch_first_month", "tháng chín", "mm/yyyy"),
        ("lunch_first_month", "01/2020", "đã qua"),
        ("lunch_pupils", "0", "Ít nhất một học sinh"),
        ("lunch_cost", "300.000,5", "số tiền"),
        ("lunch_cost", "", "Cần cho bữa trưa"),
    ],
)
def test_a_wrong_figure_is_refused_by_its_field_and_nothing_is_saved(client, area, field, value, message):
    client.force_login(area.staff_a)
    response = client.post(reverse("needs:create", args=[area.school_a.pk]), lunch_post(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    assert message in " ".join(form.errors[field])
    assert not Need.objects.exists() and not LunchMonth.objects.exists()
    # Nothing typed is lost.
    assert 'value="Bữa trưa cho học sinh bán trú năm học tới"' in response.content.decode()


def test_lunches_belong_to_school_meals(client, area):
    client.force_login(area.staff_a)
    response = client.post(reverse("needs:create", args=[area.school_a.pk]), lunch_post(category="books"))
    assert response.status_code == 200
    assert "lunch" in response.context["form"].errors
    assert not Need.objects.exists()


def test_an_ordinary_meals_need_keeps_its_items_and_has_no_months(client, area):
    client.force_login(area.staff_a)
    data = lunch_post(
        lunch="",
        pupils_benefiting="60",
        **{
            "items-TOTAL_FORMS": "1",
            "items-0-description": "Nồi nấu cơm",
            "items-0-quantity": "2",
            "items-0-unit": "cái",
            "items-0-unit_cost": "1500000",
        },
    )
    response = client.post(reverse("needs:create", args=[area.school_a.pk]), data)
    assert response.status_code == 302
    need = Need.objects.get()
    assert not need.is_lunch and need.lunch_cost is None
    assert need.amount_requested == 3_000_000
    assert not LunchMonth.objects.exists()
