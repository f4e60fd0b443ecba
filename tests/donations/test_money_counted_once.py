"""A đồng given to a programme fund is money raised once: in the fund when it comes in.
Its allocation to a need shows in the need's progress and as money from programme funds,
never again as donors' money; the office that allocated it is not a donor. And a lunch
sponsorship lists as one line in "My pledges", with the month to pay next."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from donations.models import Fund, Pledge, Sponsorship
from needs.models import LunchMonth, Need
from tests.accounts.factories import UserFactory
from tests.donations.factories import PledgeFactory
from tests.needs.factories import NeedFactory

R = Pledge.Status


def make_fund(office, **fields) -> Fund:
    return Fund.objects.create(
        office=office, name=f"Quỹ Điều ước cho em – {office.name}", slug=f"quy-{office.pk}", **fields
    )


@pytest.fixture
def money(area):
    """5.000.000 ₫ given to district A's fund and arrived; 3.000.000 ₫ of it allocated to
    a need of school A and arrived there; 2.000.000 ₫ given straight to that need."""
    fund = make_fund(area.office_a, amount_pledged=5_000_000, amount_received=5_000_000, amount_allocated=3_000_000)
    PledgeFactory(
        need=None,
        fund=fund,
        donor_name="Công ty Hoa Ban",
        donor_email="hoaban@example.vn",
        amount=5_000_000,
        status=R.RECEIVED,
        received_amount=5_000_000,
        received_on=timezone.localdate(),
    )
    need = NeedFactory(school=area.school_a, items=[("Chăn ấm", 40, "cái", 250_000)])
    PledgeFactory(
        need=need,
        source_fund=fund,
        donor_name=area.office_a.name,
        donor_email="phong@example.vn",
        amount=3_000_000,
        status=R.RECEIVED,
        received_amount=3_000_000,
        received_on=timezone.localdate(),
    )
    PledgeFactory(
        need=need,
        donor_name="Trần Thu Hà",
        donor_email="ha@example.vn",
        amount=2_000_000,
        status=R.RECEIVED,
        received_amount=2_000_000,
        received_on=timezone.localdate(),
    )
    Need.objects.filter(pk=need.pk).update(amount_pledged=5_000_000, amount_received=5_000_000)
    return fund


def test_the_transparency_page_counts_a_fund_gift_once(client, area, money):
    page = client.get(reverse("donations:transparency", args=[area.province.pk]))
    figures = page.context["figures"]
    # Donors straight to needs: only Ms Hà's 2.000.000 ₫; the allocation is its own row.
    assert figures["money"]["received"] == 2_000_000
    assert figures["allocated"]["received"] == 3_000_000
    [row] = figures["funds"]
    assert (row["received"], row["allocated"], row["balance"]) == (5_000_000, 3_000_000, 2_000_000)
    # Raised by donors: 2.000.000 to the need + 5.000.000 to the fund = 7.000.000, not 10.
    assert figures["money"]["received"] + figures["funds_total"]["received"] == 7_000_000
    html = page.content.decode()
    assert "5.000.000\u00a0₫" in html and "Quỹ Điều ước cho em" in html
    assert 'id="allocated-received">3.000.000\u00a0₫' in html


def test_a_commune_sees_no_fund_of_another_district(client, area, money):
    figures = client.get(reverse("donations:transparency", args=[area.commune_b.pk])).context["figures"]
    assert figures["funds"] == []
    assert figures["allocated"]["received"] == 0


def test_the_honour_roll_honours_the_fund_donor_once_and_never_the_office(client, area, money):
    roll = client.get(reverse("donations:honour", args=[area.province.pk])).context["roll"]
    names = {donor["name"]: donor["total"] for donor in roll["donors"]}
    assert names == {"Công ty Hoa Ban": 5_000_000, "Trần Thu Hà": 2_000_000}
    assert roll["total"] == 7_000_000
    # A school's own page honours who gave to its needs; the fund's allocation is not a gift.
    school_roll = client.get(reverse("donations:transparency_school", args=[area.school_a.pk])).context["roll"]
    assert [d["name"] for d in school_roll["donors"]] == ["Trần Thu Hà"]


def lunch_need(school, *, pupils=45, months=9, cost=300_000, first=date(2026, 9, 1)) -> Need:
    need = NeedFactory(
        school=school,
        category="meals",
        title="Bữa trưa bán trú",
        items=[("Bữa ăn bán trú", pupils * months, "suất-tháng", cost)],
    )
    Need.objects.filter(pk=need.pk).update(
        lunch_pupils=pupils, lunch_months=months, lunch_first_month=first, lunch_cost=cost
    )
    need.refresh_from_db()
    LunchMonth.objects.bulk_create(
        LunchMonth(need=need, month=month, pupils=pupils) for month in selectors_month_range(first, months)
    )
    return need


def selectors_month_range(first, months):
    from donations.services import month_range

    return month_range(first, months)


def sponsor_monthly(need, donor, *, pupils=10, first=date(2026, 9, 1), months=9) -> Sponsorship:
    sponsorship = Sponsorship.objects.create(
        need=need,
        donor=donor,
        donor_name=donor.full_name,
        donor_email=donor.email,
        pupils=pupils,
        first_month=first,
        months=months,
        cost_per_month=need.lunch_cost,
        schedule=Sponsorship.Schedule.MONTHLY,
    )
    for month in selectors_month_range(first, months):
        PledgeFactory(
            need=need,
            sponsorship=sponsorship,
            donor=donor,
            donor_email=donor.email,
            amount=pupils * need.lunch_cost,
            month=month,
            due_on=month,
            expires_on=month + timedelta(days=14),
        )
    return sponsorship


def test_my_pledges_lists_a_sponsorship_once_with_the_month_to_pay_next(client, area, money):
    donor = UserFactory(full_name="Nguyễn Văn An")
    need = lunch_need(area.school_a)
    sponsorship = sponsor_monthly(need, donor)
    september = sponsorship.instalments.get(month=date(2026, 9, 1))
    Pledge.objects.filter(pk=september.pk).update(status=R.DELIVERED, received_amount=3_000_000)
    PledgeFactory(need=None, fund=money, donor=donor, donor_email=donor.email, amount=1_500_000)
    client.force_login(donor)
    page = client.get(reverse("donations:mine"))
    assert page.status_code == 200
    html = page.content.decode()
    # Nine instalments, one line: the sponsorship, with October to pay next.
    [listed] = page.context["sponsorships"]
    assert listed.months_paid == 1
    october = sponsorship.instalments.get(month=date(2026, 10, 1))
    assert listed.next_due == october
    main = html[html.find("<main") :]
    assert october.reference in main, main[:3000]
    assert "10/2026" in html and "3.000.000\u00a0₫" in html
    assert september.reference not in html
    # The gift to the fund is listed by the fund's name and office.
    assert escape(money.name) in html and escape(area.office_a.name) in html
    assert [p.fund_id for p in page.context["pledges"]] == [money.pk]


def test_my_pledges_reads_a_fixed_number_of_queries(client, area, money, django_assert_max_num_queries):
    donor = UserFactory()
    need = lunch_need(area.school_a)
    for first in (date(2026, 9, 1), date(2027, 1, 1)):
        sponsor_monthly(need, donor, pupils=2, first=first, months=3)
    for _gift in range(3):
        PledgeFactory(need=None, fund=money, donor=donor, donor_email=donor.email, amount=100_000)
    client.force_login(donor)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("donations:mine")).status_code == 200
