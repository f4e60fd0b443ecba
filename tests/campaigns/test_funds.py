"""A campaign's programme funds (issue 17, item 1): added from the plan page by the
officers of an office of the campaign, shown on its public page with their money."""

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns import services
from campaigns.models import CampaignFund
from donations.funds import FundRefused, fund_save
from donations.models import Fund
from donations.services import DonorDetails, pledge_create, pledge_receive
from tests.schools.factories import CommuneFactory, MembershipFactory, OfficeFactory


def fund_data(office, **overrides):
    return {
        "fund-office": office.pk,
        "fund-name": "Quỹ Điều ước cho em – Tuần Giáo 2026",
        "fund-slug": "dieu-uoc-tuan-giao-2026",
        "fund-description": "Bữa trưa cho học sinh bán trú.",
        "fund-is_open": "on",
        "add_fund": "1",
        **overrides,
    }


def test_a_fund_is_added_with_its_link_in_one_go(area, campaign):
    link = services.campaign_fund_add(
        campaign=campaign, office=area.office_a, name="Quỹ Tuần Giáo", slug="quy-tg", actor=area.officer_a
    )
    assert (link.campaign, link.fund.office, link.fund.created_by) == (campaign, area.office_a, area.officer_a)
    assert link.fund.history.get().history_user == area.officer_a


def test_a_commune_office_inside_the_scope_may_hold_a_fund(area, campaign):
    commune_office = OfficeFactory(unit=area.commune_a, name="Phòng Văn hóa - Xã hội xã Pú Xi")
    link = services.campaign_fund_add(
        campaign=campaign, office=commune_office, name="Quỹ Pú Xi", slug="quy-pu-xi", actor=area.officer_a
    )
    assert link.fund.office == commune_office


@pytest.mark.parametrize("office", ["office_b", "office_province"])
def test_an_office_outside_the_campaign_holds_none_of_its_funds(area, campaign, office):
    with pytest.raises(FundRefused):
        services.campaign_fund_add(
            campaign=campaign, office=getattr(area, office), name="Quỹ", slug="quy", actor=area.officer_a
        )
    assert not Fund.objects.exists() and not CampaignFund.objects.exists()


def test_a_taken_address_leaves_neither_fund_nor_link(area, campaign):
    Fund.objects.create(office=area.office_a, name="Quỹ cũ", slug="quy")
    with pytest.raises(FundRefused):
        services.campaign_fund_add(campaign=campaign, office=area.office_a, name="Quỹ", slug="quy", actor=None)
    assert Fund.objects.count() == 1 and not CampaignFund.objects.exists()


def test_the_officer_adds_a_fund_from_the_plan_page(client, area, campaign):
    client.force_login(area.officer_a)
    page = client.get(reverse("campaigns:plan", args=[campaign.slug])).content.decode()
    assert 'name="add_fund"' in page

    response = client.post(reverse("campaigns:plan", args=[campaign.slug]), fund_data(area.office_a))

    assert response.status_code == 302
    link = CampaignFund.objects.select_related("fund").get()
    assert (link.campaign, link.fund.slug, link.fund.office) == (campaign, "dieu-uoc-tuan-giao-2026", area.office_a)
    page = client.get(reverse("campaigns:plan", args=[campaign.slug])).content.decode()
    assert link.fund.get_absolute_url() in page


def test_a_bad_fund_is_told_by_its_field_and_nothing_is_saved(client, area, campaign):
    Fund.objects.create(office=area.office_a, name="Quỹ cũ", slug="dieu-uoc-tuan-giao-2026")
    client.force_login(area.officer_a)
    response = client.post(
        reverse("campaigns:plan", args=[campaign.slug]), fund_data(area.office_a, **{"fund-name": ""})
    )
    assert response.status_code == 200
    errors = response.context["fund_form"].errors
    assert set(errors) == {"name", "slug"}
    assert "Bữa trưa cho học sinh bán trú." in response.content.decode()
    assert not CampaignFund.objects.exists()


def test_a_manager_of_the_campaign_from_above_keeps_no_fund_of_the_district(client, area, campaign):
    # The province's officer manages the campaign (its scope is in the province), but the
    # funds are the district office's money: no form, and a forged post saves nothing.
    client.force_login(area.officer_province)
    page = client.get(reverse("campaigns:plan", args=[campaign.slug])).content.decode()
    assert 'name="add_fund"' not in page
    response = client.post(reverse("campaigns:plan", args=[campaign.slug]), fund_data(area.office_a))
    assert response.status_code == 200
    assert not Fund.objects.exists()
    # Someone who does not manage the campaign at all.
    client.force_login(area.officer_b)
    assert client.post(reverse("campaigns:plan", args=[campaign.slug]), fund_data(area.office_b)).status_code == 403
    assert not Fund.objects.exists()


def test_the_public_page_shows_the_funds_with_their_money(client, area, campaign):
    link = services.campaign_fund_add(
        campaign=campaign, office=area.office_a, name="Quỹ Tuần Giáo", slug="quy-tg", actor=area.officer_a
    )
    gift, _ = pledge_create(fund=link.fund, donor=DonorDetails(name="Lê Minh", email="m@example.vn"), amount=4_000_000)
    pledge_receive(pledge=gift, actor=area.officer_a, amount=4_000_000, received_on=timezone.localdate())

    page = client.get(campaign.get_absolute_url()).content.decode()

    assert "Quỹ Tuần Giáo" in page
    assert "4.000.000\u00a0₫" in page
    assert reverse("donations:fund_give", args=["quy-tg"]) in page


def test_a_commune_inside_the_scope_is_offered_to_its_officers(client, area, campaign):
    commune_office = OfficeFactory(unit=CommuneFactory(parent=area.district_a, code="03270"), name="Phòng xã")

    officer = MembershipFactory(role="officer", office=commune_office).user
    MembershipFactory(role="officer", office=area.office_a, user=officer)
    client.force_login(officer)
    response = client.get(reverse("campaigns:plan", args=[campaign.slug]))
    offices = set(response.context["fund_form"].fields["office"].queryset)
    assert offices == {area.office_a, commune_office}


def test_a_new_or_closed_fund_shows_on_the_campaign_page_at_once(
    client, area, campaign, django_capture_on_commit_callbacks
):
    assert "Quỹ Tuần Giáo" not in client.get(campaign.get_absolute_url()).content.decode()  # kept in the cache
    with django_capture_on_commit_callbacks(execute=True):
        link = services.campaign_fund_add(
            campaign=campaign, office=area.office_a, name="Quỹ Tuần Giáo", slug="quy-tg", actor=area.officer_a
        )
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "Quỹ Tuần Giáo" in page and reverse("donations:fund_give", args=["quy-tg"]) in page

    with django_capture_on_commit_callbacks(execute=True):
        fund_save(
            office=area.office_a,
            actor=area.officer_a,
            name="Quỹ Tuần Giáo",
            slug="quy-tg",
            is_open=False,
            fund=link.fund,
        )
    assert (
        reverse("donations:fund_give", args=["quy-tg"]) not in client.get(campaign.get_absolute_url()).content.decode()
    )
