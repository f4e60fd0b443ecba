"""The pages of lunch sponsorships: the need's calendar, the "Sponsor lunches" form (with
its server-side figures), and an instalment's page with the sponsorship's other months."""

import uuid
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from donations import sponsorships
from donations.models import Pledge, Sponsorship
from donations.permissions import guest_key
from donations.services import DonorDetails, pledge_receive
from needs.lunch import month_start
from tests.support.lunch import make_lunch_need

GUEST = DonorDetails(name="Lê Minh", email="minh@example.vn")


@pytest.fixture
def open_need(area):
    """A lunch need whose year runs from this month: the form's months are real months."""
    return make_lunch_need(area, first=month_start(timezone.localdate()), pupils=45, months=9)


def sponsor_post(**changes):
    data = {
        "pupils": "10",
        "span": "months",
        "first_month": month_start(timezone.localdate()).isoformat(),
        "months": "3",
        "schedule": "monthly",
        "name": "Lê Minh",
        "email": "minh@example.vn",
        "phone": "",
        "message": "",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("sponsors", [1, 4])
def test_the_need_page_shows_the_calendar_in_a_fixed_number_of_queries(
    client, lunch_need, area, django_assert_num_queries, sponsors
):
    for n in range(sponsors):
        sponsorship, _ = sponsorships.sponsorship_create(
            need=lunch_need,
            donor=DonorDetails(name=f"Người {n}", email=f"n{n}@example.vn"),
            pupils=5,
            first_month=date(2027, 9, 1),
            months=9,
            schedule="monthly",
            message="",
            anonymous=False,
            submission_token=None,
            today=date(2027, 8, 20),
        )
    first = sponsorship.instalments.order_by("month").first()
    pledge_receive(pledge=first, actor=area.staff_a, amount=first.amount, received_on=date(2027, 9, 2))
    # need with places; items; photos; history; the usage plan (receiving); the months
    with django_assert_num_queries(6):
        response = client.get(lunch_need.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    calendar = response.context["calendar"]
    assert [c.pledged for c in calendar.months] == [5 * sponsors] * 9
    assert calendar.months[0].paid == 5 and calendar.pupil_months_paid == 5
    assert 'data-month="2027-09" data-paid="5"' in html
    assert reverse("donations:sponsor", args=[lunch_need.pk]) in html
    assert f'href="{reverse("donations:give", args=[lunch_need.pk])}"' not in html


def test_a_fully_paid_month_looks_different(client, lunch_need, area):
    sponsorship, _ = sponsorships.sponsorship_create(
        need=lunch_need,
        donor=GUEST,
        pupils=45,
        first_month=date(2027, 9, 1),
        months=1,
        schedule="monthly",
        today=date(2027, 8, 20),
    )
    pledge = sponsorship.instalments.get()
    pledge_receive(pledge=pledge, actor=area.staff_a, amount=pledge.amount, received_on=date(2027, 9, 2))
    html = client.get(lunch_need.get_absolute_url()).content.decode()
    assert html.count("lunch-month-covered") == 1


def test_the_sponsor_form_works_out_the_amount_without_scripts_and_saves_nothing(client, open_need):
    response = client.post(reverse("donations:sponsor", args=[open_need.pk]), sponsor_post(preview="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "3.000.000" in html and "9.000.000" in html  # each month, in all
    assert not Sponsorship.objects.exists()
    assert 'value="Lê Minh"' in html


def test_a_guest_sponsors_the_rest_of_the_year_month_by_month(client, open_need):
    response = client.post(reverse("donations:sponsor", args=[open_need.pk]), sponsor_post(span="year", months=""))
    sponsorship = Sponsorship.objects.get()
    assert (sponsorship.pupils, sponsorship.months, sponsorship.first_month) == (10, 9, open_need.lunch_first_month)
    first = sponsorship.instalments.order_by("month").first()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('donations:detail', args=[first.reference])}?key={guest_key(first)}"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert len(page.context["instalments"]) == 9
    for instalment in page.context["instalments"]:
        assert instalment.reference in html and f"key={guest_key(instalment)}" in html
    assert "Khoản chuyển này dành cho bữa trưa tháng" in html


def test_too_many_pupils_is_said_by_the_field_and_nothing_is_saved(client, open_need):
    sponsorships.sponsorship_create(
        need=open_need, donor=GUEST, pupils=40, first_month=open_need.lunch_first_month, months=9
    )
    response = client.post(reverse("donations:sponsor", args=[open_need.pk]), sponsor_post(pupils="6"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "chỉ còn 5 học sinh" in " ".join(form.errors["pupils"])
    assert Sponsorship.objects.count() == 1 and Pledge.objects.count() == 9
    assert 'value="6"' in response.content.decode()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"pupils": "0"}, "pupils"),
        ({"pupils": "46"}, "pupils"),
        ({"months": "13"}, "months"),
        ({"months": "10"}, "months"),
        ({"first_month": "1999-01-01"}, "first_month"),
        ({"email": "không phải thư"}, "email"),
    ],
)
def test_bad_input_is_refused_by_its_field(client, open_need, changes, field):
    response = client.post(reverse("donations:sponsor", args=[open_need.pk]), sponsor_post(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Sponsorship.objects.exists()


def test_the_sponsor_page_is_for_lunch_needs_only(client, need, open_need):
    assert client.get(reverse("donations:sponsor", args=[open_need.pk])).status_code == 200
    response = client.get(reverse("donations:sponsor", args=[need.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("donations:give", args=[need.pk])
