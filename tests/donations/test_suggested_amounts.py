"""Suggested amounts on the give form (donations.selectors.suggested_amounts): never more
than the need lacks, the whole of it offered, and a suggestion link that pre-fills."""

from django.urls import reverse

from donations.models import Pledge
from donations.selectors import round_down_nicely, suggested_amounts


def test_it_rounds_down_to_two_figures_never_up():
    assert [round_down_nicely(n) for n in (1_875_000, 32_398_750, 9_999, 12_345)] == [
        1_800_000,
        32_000_000,
        9_000,
        12_000,
    ]


def test_it_offers_what_is_left_half_and_tiers_never_more(need):
    assert need.amount_missing == 10_000_000
    offered = suggested_amounts(need)
    amounts = [s["amount"] for s in offered]
    assert amounts == sorted(amounts) and len(amounts) == len(set(amounts)) <= 5
    assert {"amount": 10_000_000, "kind": "left"} in offered
    assert {"amount": 5_000_000, "kind": "half"} in offered
    assert max(amounts) == 10_000_000 and min(amounts) >= 1_000


def test_a_need_with_almost_nothing_left_is_offered_only_that(need):
    need.amount_pledged = need.amount_requested - 1_500
    need.save(update_fields=["amount_pledged"])
    assert suggested_amounts(need) == [{"amount": 1_500, "kind": "left"}]


def test_a_suggestion_link_prefills_the_amount_and_a_larger_one_does_not(client, need):
    url = reverse("donations:give", args=[need.pk])
    page = client.get(url, {"amount": "5000000"}).content.decode()
    assert 'name="amount" value="5.000.000"' in page and 'href="?amount=10000000"' in page
    page = client.get(url, {"amount": "10.000.001"}).content.decode()
    assert 'name="amount" value=' not in page
    assert not Pledge.objects.exists()
