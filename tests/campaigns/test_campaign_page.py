import pytest
from django.urls import reverse

from campaigns.selectors import target_progress
from needs.models import Need
from tests.campaigns.factories import TargetFactory
from tests.needs.factories import NeedFactory


def test_target_progress_counts_covered_needs_pupils_and_money_in_scope(area, campaign):
    TargetFactory(campaign=campaign, category="toilets", measure="needs", quantity=4, label="nhà vệ sinh")
    TargetFactory(campaign=campaign, category="meals", measure="pupils", quantity=200, label="học sinh")
    TargetFactory(campaign=campaign, category="books", measure="amount", quantity=10_000_000, label="sách")
    NeedFactory(school=area.school_a, category="toilets", status=Need.Status.DELIVERED)
    NeedFactory(school=area.school_a, category="toilets", status=Need.Status.FUNDED)
    NeedFactory(school=area.school_a, category="toilets", status=Need.Status.VERIFIED)  # not covered yet
    NeedFactory(school=area.school_b, category="toilets", status=Need.Status.DELIVERED)  # outside the scope
    NeedFactory(school=area.school_a, category="meals", status=Need.Status.CLOSED, pupils_benefiting=150)
    books = NeedFactory(school=area.school_a, category="books", status=Need.Status.VERIFIED)
    Need.objects.filter(pk=books.pk).update(amount_pledged=5_000_000, amount_received=2_500_000)

    progress = {row["target"].category: (row["achieved"], row["fraction"]) for row in target_progress(campaign)}

    assert progress == {"toilets": (2, 0.5), "meals": (150, 0.75), "books": (2_500_000, 0.25)}


def test_the_public_page_shows_progress_featured_needs_and_honour_roll(client, area, campaign):
    TargetFactory(campaign=campaign, quantity=4, label="nhà vệ sinh mới")
    need = NeedFactory(school=area.school_a, title="Nhà vệ sinh điểm trường Hua Sát")
    campaign.featured_needs.add(need)

    response = client.get(campaign.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "4 nhà vệ sinh mới" in html
    assert "Nhà vệ sinh điểm trường Hua Sát" in html
    assert "Tôn vinh nhà hảo tâm" in html


def test_an_unpublished_campaign_is_404_except_for_its_officers(client, area, campaign):
    campaign.is_published = False
    campaign.save()
    assert client.get(campaign.get_absolute_url()).status_code == 404
    client.force_login(area.officer_b)
    assert client.get(campaign.get_absolute_url()).status_code == 404
    client.force_login(area.officer_a)
    assert client.get(campaign.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("needs", [1, 12])
def test_the_campaign_page_runs_a_fixed_number_of_queries(client, area, campaign, django_assert_num_queries, needs):
    for _ in range(needs):
        campaign.featured_needs.add(NeedFactory(school=area.school_a))
    TargetFactory(campaign=campaign)
    # 14: the campaign's programme funds are one more.
    with django_assert_num_queries(14):
        assert client.get(campaign.get_absolute_url()).status_code == 200


def test_the_campaign_list_shows_published_campaigns(client, campaign):
    assert campaign.name in client.get(reverse("campaigns:list")).content.decode()
