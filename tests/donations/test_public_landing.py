"""The home page's money and the transparency and honour roll landing pages (issue 20):
this year's money raised and delivered, counted once, the same figures everywhere."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from core.formatting import format_vnd
from donations.models import Fund, Pledge
from donations.selectors import transparency
from needs.models import Need
from schools.models import School
from tests.donations.factories import PledgeFactory
from tests.needs.factories import NeedFactory

R = Pledge.Status


@pytest.fixture
def money(area):
    """5.000.000 ₫ given to district A's fund; 3.000.000 ₫ of it allocated to a need of
    school A and 2.000.000 ₫ given straight to it, both delivered; 1.000.000 ₫ given to
    a need of school B, received, not yet delivered."""
    today = timezone.localdate()
    fund = Fund.objects.create(
        office=area.office_a,
        name="Quỹ Điều ước cho em – Tuần Giáo",
        slug="quy-tuan-giao",
        amount_pledged=5_000_000,
        amount_received=5_000_000,
        amount_allocated=3_000_000,
    )
    gift = dict(received_on=today, donor_name="Trần Thu Hà")
    PledgeFactory(need=None, fund=fund, amount=5_000_000, status=R.RECEIVED, received_amount=5_000_000, **gift)
    delivered = NeedFactory(school=area.school_a, status=Need.Status.DELIVERED, items=[("Chăn", 20, "cái", 250_000)])
    Need.objects.filter(pk=delivered.pk).update(
        amount_pledged=5_000_000, amount_received=5_000_000, delivered_at=timezone.now()
    )
    PledgeFactory(
        need=delivered, source_fund=fund, amount=3_000_000, status=R.DELIVERED, received_amount=3_000_000, **gift
    )
    PledgeFactory(need=delivered, amount=2_000_000, status=R.DELIVERED, received_amount=2_000_000, **gift)
    waiting = NeedFactory(school=area.school_b, items=[("Bàn", 10, "cái", 500_000)])
    PledgeFactory(need=waiting, amount=1_000_000, status=R.RECEIVED, received_amount=1_000_000, **gift)
    return fund


def test_the_home_page_shows_the_transparency_figures_of_the_year(client, area, money):
    figures = transparency(School.objects.all(), funds=Fund.objects.all())
    # Raised once: donors' money to needs and to funds, never a fund's allocation again.
    raised = figures["money"]["received"] + figures["funds_total"]["received"]
    # Delivered: donors' money and funds' money that reached a school.
    delivered = figures["money"]["delivered"] + figures["allocated"]["delivered"]
    assert (raised, delivered) == (8_000_000, 5_000_000)

    home = client.get(reverse("home"))
    assert (home.context["figures"]["raised"], home.context["figures"]["delivered"]) == (raised, delivered)
    html = home.content.decode()
    assert f'data-figure="raised">{format_vnd(raised)}<' in html
    assert f'data-figure="delivered">{format_vnd(delivered)}<' in html
    assert f"năm {timezone.localdate().year}" in html
    # Reachable from home: both landing pages, each with the same figures.
    for name in ("donations:transparency_index", "donations:honour_index"):
        url = reverse(name)
        assert f'href="{url}"' in html
        landing = client.get(url)
        assert landing.context["figures"] == home.context["figures"]
        page = landing.content.decode()
        assert f'data-figure="raised">{format_vnd(raised)}<' in page
        # Every province, with its own transparency page and honour roll.
        assert area.province.name in page
        assert reverse("donations:transparency", args=[area.province.pk]) in page
        assert reverse("donations:honour", args=[area.province.pk]) in page


def test_money_of_another_year_is_not_this_years(client, area, money):
    last_year = date(timezone.localdate().year - 1, 6, 1)
    need = NeedFactory(school=area.school_a)
    PledgeFactory(need=need, amount=9_000_000, status=R.RECEIVED, received_amount=9_000_000, received_on=last_year)
    cache.clear()
    assert client.get(reverse("home")).context["figures"]["raised"] == 8_000_000


def test_the_home_page_lists_the_needs_closest_to_their_goal(client, area):
    def need(title, pledged, status=Need.Status.VERIFIED):
        made = NeedFactory(school=area.school_a, title=title, status=status, items=[("Chăn", 10, "cái", 100_000)])
        Need.objects.filter(pk=made.pk).update(amount_pledged=pledged)
        return made

    need("Một phần mười", 100_000)
    need("Chín phần mười", 900_000)
    need("Một nửa", 500_000)
    need("Đã đủ", 1_000_000, status=Need.Status.FUNDED)
    need("Bản nháp", 900_000, status=Need.Status.DRAFT)

    listed = [n.title for n in client.get(reverse("home")).context["nearly_there"]]
    assert listed == ["Chín phần mười", "Một nửa", "Một phần mười"]
    html = client.get(reverse("home")).content.decode()
    assert "Sắp đủ rồi" in html
    assert html.index("<h1") < html.index('id="nearly-there"') < html.index("Chín phần mười")
