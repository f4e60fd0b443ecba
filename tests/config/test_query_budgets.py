"""Every public page runs a fixed number of queries, whatever the amount of data.

Each page is measured on an area with a little data and again with much more, from a
cold cache (the worst case) and then warm (what most visitors get). The two sizes must
agree, and both must equal the page's budget: a new query per row fails here."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from needs.models import Need
from tests.campaigns.factories import TargetFactory
from tests.donations.factories import PledgeFactory
from tests.needs.factories import NeedFactory
from tests.schools.factories import CommuneFactory, SchoolFactory, SchoolSiteFactory

# page: (cold, warm) queries. Warm pages come whole from the page cache (0) or skip
# the figures kept in the cache (totals, rolls).
BUDGETS = {
    # The registry's totals, the needs nearly funded (and their photos), the year's money.
    "home": (6, 0),
    "needs": (4, 0),
    "needs-search": (4, 0),  # ranked by relevance: the best few hundred matches, one query
    "need": (5, 0),
    "schools": (5, 0),
    "school": (3, 0),
    "campaigns": (1, 1),
    "campaign": (14, 8),  # its programme funds: one query more when cold
    "honour": (4, 1),
    "transparency": (5, 1),
    "transparency-school": (8, 2),  # its published settlement reports: read fresh, warm too
    "transparency-index": (3, 0),  # the year's money (two sums) and the provinces
    "honour-index": (3, 0),
}


def _grow(area, size: int):
    commune = CommuneFactory(parent=area.district_a)
    for index in range(size):
        school = SchoolFactory(commune=commune)
        SchoolSiteFactory(school=school)
        need = NeedFactory(school=school, status=Need.Status.VERIFIED, items=[("Chăn", 10, "cái", 200_000)])
        PledgeFactory(need=need, amount=500_000, status="received", received_amount=500_000, anonymous=index % 2 == 0)


def _urls(area, campaign) -> dict[str, str]:
    need = Need.objects.filter(school=area.school_a).first()
    return {
        "home": reverse("home"),
        "needs": reverse("needs:list") + "?sort=newest",
        "needs-search": reverse("needs:list") + "?q=ve+sinh",
        "need": need.get_absolute_url(),
        "schools": reverse("schools:list"),
        "school": area.school_a.get_absolute_url(),
        "campaigns": reverse("campaigns:list"),
        "campaign": campaign.get_absolute_url(),
        "honour": reverse("donations:honour", args=[area.province.pk]),
        "transparency": reverse("donations:transparency", args=[area.province.pk]),
        "transparency-school": reverse("donations:transparency_school", args=[area.school_a.pk]),
        "transparency-index": reverse("donations:transparency_index"),
        "honour-index": reverse("donations:honour_index"),
    }


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def campaign(campaign):
    """The shared campaign of district A (tests/conftest.py), with a target on its page."""
    TargetFactory(campaign=campaign)
    return campaign


@pytest.mark.parametrize("page", list(BUDGETS))
def test_a_public_page_runs_the_same_queries_at_any_size(client, area, campaign, page):
    NeedFactory(school=area.school_a, status=Need.Status.VERIFIED)
    measured = []
    for size in (1, 12):
        _grow(area, size)
        campaign.featured_needs.set(Need.objects.public()[: size + 1])
        url = _urls(area, campaign)[page]
        cache.clear()
        cold = _count(client, url)
        warm = _count(client, url)
        measured.append((cold, warm))
    assert measured[0] == measured[1], f"{page}: {measured[0]} queries with little data, {measured[1]} with more"
    assert measured[0] == BUDGETS[page]
