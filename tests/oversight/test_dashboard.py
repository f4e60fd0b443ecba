import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from donations.services import DonorDetails, pledge_create, pledge_receive
from needs.models import Need
from needs.services import need_transition
from oversight.dashboard import (
    Area,
    attention,
    headline,
    league_table,
    needs_by_category,
    needs_by_place,
    school_report,
)
from schools.models import School
from tests.needs.factories import NeedFactory
from tests.schools.factories import CommuneFactory, DistrictFactory, SchoolFactory, SchoolSiteFactory


@pytest.fixture
def counted(area):
    """A hand-counted district: two schools in two communes of district A.

    school_a (300 pupils, 2 sites of 40): a verified 10.000.000 ₫ toilet need with
    4.000.000 pledged of which 1.000.000 received; a submitted water need of 2.000.000;
    a draft. A second commune's school (120 pupils, no site, profile never confirmed)
    has a delivered 6.000.000 ₫ meals need fully received.
    """
    SchoolSiteFactory(school=area.school_a)
    SchoolSiteFactory(school=area.school_a)
    area.school_a.profile_confirmed_at = timezone.now()
    area.school_a.save()
    second = SchoolFactory(commune=CommuneFactory(parent=area.district_a, name="Xã Quài Tở"), pupils=120)
    toilets = NeedFactory(school=area.school_a, category="toilets", items=[("NVS", 1, "công trình", 10_000_000)])
    donor = DonorDetails(name="An", email="an@example.vn")
    first, _ = pledge_create(need=toilets, donor=donor, amount=1_000_000)
    pledge_create(need=toilets, donor=donor, amount=3_000_000)
    pledge_receive(pledge=first, actor=area.staff_a, amount=1_000_000, received_on=timezone.localdate())
    NeedFactory(
        school=area.school_a, category="water", status=Need.Status.SUBMITTED, items=[("Ống", 1, "bộ", 2_000_000)]
    )
    NeedFactory(school=area.school_a, category="books", status=Need.Status.DRAFT)
    meals = NeedFactory(
        school=second, category="meals", status=Need.Status.DELIVERED, items=[("Suất", 500, "suất", 12_000)]
    )
    Need.objects.filter(pk=meals.pk).update(amount_pledged=6_000_000, amount_received=6_000_000)
    NeedFactory(school=area.school_b, category="toilets")  # another district: never counted
    return Area(area.district_a)


def test_headline_figures_match_the_hand_count(counted):
    figures = headline(counted)
    assert (figures["schools"], figures["pupils"], figures["sites"]) == (2, 420, 2)
    assert (figures["requested"], figures["pledged"], figures["received"]) == (16_000_000, 10_000_000, 7_000_000)
    assert figures["share_funded"] == 10 / 16
    assert figures["queue"] == 1
    statuses = {status: count for status, _label, count in figures["needs_by_status"]}
    assert (statuses["verified"], statuses["submitted"], statuses["draft"], statuses["delivered"]) == (1, 1, 1, 1)


def test_category_and_commune_tables_match_the_hand_count(counted):
    categories = {row["category"]: row for row in needs_by_category(counted)}
    assert (categories["toilets"]["count"], categories["toilets"]["pledged"]) == (1, 4_000_000)
    assert (categories["meals"]["received"], categories["water"]["count"]) == (6_000_000, 0)
    communes = {row["name"]: row for row in needs_by_place(counted, "commune")}
    assert set(communes) == {"Xã Pú Xi", "Xã Quài Tở"}
    assert communes["Xã Quài Tở"]["delivered"] == 1
    assert communes["Xã Pú Xi"]["share_funded"] == 0.4


def test_attention_lists_stale_and_silent_schools_and_waiting_pledges(counted, area, settings):
    from donations.models import Pledge

    settings.PLEDGE_REMINDER_DAYS = 7
    Pledge.objects.filter(status="pledged").update(created_at=timezone.now() - timedelta(days=10))
    SchoolFactory(commune=area.commune_a, name="Trường chưa đăng gì")
    figures = attention(counted)
    assert figures["stale_schools"] == 2  # the second school and the silent one
    assert [s["name"] for s in figures["silent_schools"]] == ["Trường chưa đăng gì"]
    assert (figures["pledges_waiting"], figures["pledges_overdue"]) == (1, 1)


def test_the_school_report_flags_the_same_stale_profiles_as_the_school_list(counted, area):
    rows = {row["name"]: row for row in school_report(counted)}
    stale = set(School.objects.stale().values_list("name", flat=True))
    assert {name: row["stale"] for name, row in rows.items()} == {name: name in stale for name in rows}
    assert rows.pop(area.school_a.name)["stale"] is False  # confirmed today
    [second] = rows.values()
    assert second["stale"] is True  # never confirmed


def test_the_provincial_league_ranks_districts(area, counted):
    rows = league_table(Area(area.province))
    assert [row["name"] for row in rows] == ["Huyện Tuần Giáo", "Huyện Mường Ảng"]
    assert rows[0]["queue"] == 1


def test_the_dashboard_page_shows_the_figures_and_links_to_the_lists(client, area, counted):
    client.force_login(area.officer_a)
    html = client.get(reverse("dashboard:home")).content.decode()
    assert 'data-figure="schools">2<' in html
    assert 'data-figure="requested">16.000.000\u00a0₫<' in html
    assert f"{reverse('dashboard:needs')}?unit={area.district_a.pk}&amp;status=submitted" in html
    listed = client.get(reverse("dashboard:needs"), {"unit": area.district_a.pk, "status": "submitted"})
    assert listed.context["page"].paginator.count == 1


def test_the_excel_export_has_the_same_totals_and_no_formulas(client, area, counted):
    school = area.school_a
    school.name = '=HYPERLINK("http://x")'
    school.save()
    client.force_login(area.officer_a)

    response = client.get(reverse("dashboard:export", args=["schools", "xlsx"]), {"unit": area.district_a.pk})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert sum(row[8] for row in rows) == 16_000_000
    assert sum(row[9] for row in rows) == 10_000_000
    names = [row[1] for row in rows]
    assert '\'=HYPERLINK("http://x")' in names
    assert sheet["A1"].font.bold


@pytest.mark.parametrize("payload", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1"])
def test_csv_exports_cannot_run_formulas(client, area, payload):
    area.commune_a.name = payload
    area.commune_a.save()
    NeedFactory(school=area.school_a)
    client.force_login(area.officer_a)
    response = client.get(reverse("dashboard:export", args=["places", "csv"]), {"unit": area.district_a.pk})
    text = response.content.decode("utf-8-sig")
    assert f"'{payload}" in text
    assert not any(line.startswith(("=", "+", "-", "@", "\t")) for line in text.splitlines())


def test_the_dashboard_is_for_officers_of_the_area(client, area):
    client.force_login(area.staff_a)
    assert client.get(reverse("dashboard:home")).status_code == 403
    client.force_login(area.officer_b)
    assert client.get(reverse("dashboard:home"), {"unit": area.district_a.pk}).status_code == 403
    assert (
        client.get(reverse("dashboard:export", args=["schools", "xlsx"]), {"unit": area.district_a.pk}).status_code
        == 403
    )
    client.force_login(area.officer_province)
    assert client.get(reverse("dashboard:home"), {"unit": area.district_a.pk}).status_code == 200


@pytest.mark.parametrize("schools", [2, 25])
def test_the_dashboards_run_a_fixed_number_of_queries(client, area, django_assert_num_queries, schools):
    for index in range(schools):
        commune = CommuneFactory(parent=area.district_a if index % 2 else area.district_b)
        school = SchoolFactory(commune=commune, latitude=21.5, longitude=103.4)
        NeedFactory(school=school)
    client.force_login(area.officer_province)
    client.get(reverse("dashboard:home"))
    cache.clear()
    # Three of them are the programme funds and school lunches (dashboard.funds_and_lunches),
    # three every place of the area with its needs and schools (oversight/places.py).
    with django_assert_num_queries(23):
        assert client.get(reverse("dashboard:home")).status_code == 200
    with django_assert_num_queries(24):
        assert client.get(reverse("dashboard:home"), {"unit": area.district_a.pk}).status_code == 200
    # Kept: the next views only load the session, the user and their memberships.
    with django_assert_num_queries(3):
        assert client.get(reverse("dashboard:home")).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(reverse("dashboard:home"), {"unit": area.district_a.pk}).status_code == 200


def test_kept_figures_change_as_soon_as_a_need_in_the_province_changes(
    client, area, django_capture_on_commit_callbacks
):
    need = NeedFactory(school=area.school_a, status="submitted", amount_requested=5_000_000)
    client.force_login(area.officer_province)
    before = client.get(reverse("dashboard:home")).context["headline"]
    assert before["queue"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        need_transition(need=need, action="verify", actor=area.officer_a)
    after = client.get(reverse("dashboard:home")).context["headline"]
    assert after["queue"] == 0
    assert after["requested"] == before["requested"] + need.amount_requested
    # A write behind the signals' back is not seen while the figures are kept...
    Need.objects.filter(pk=need.pk).update(status="submitted")
    # ...and a change in another province does not invalidate them.
    other = NeedFactory(status="verified")
    assert other.school.province_id != area.province.pk
    with django_capture_on_commit_callbacks(execute=True):
        other.save()
    assert client.get(reverse("dashboard:home")).context["headline"]["queue"] == 0
    # A change in the province does.
    with django_capture_on_commit_callbacks(execute=True):
        NeedFactory(school=area.school_b, status="draft")
    assert client.get(reverse("dashboard:home")).context["headline"]["queue"] == 1


def test_links_carry_ids_above_a_thousand_unformatted(client, area):
    """Regression: with thousands grouping, id 12345 rendered as "12.345" and broke links."""
    big = DistrictFactory(pk=12345, code="888", name="Huyện Số Lớn", parent=area.province)
    client.force_login(area.officer_province)
    html = client.get(reverse("dashboard:home"), {"unit": big.pk}).content.decode()
    assert "unit=12345" in html
    assert "12.345" not in html
    response = client.get(reverse("dashboard:export", args=["schools", "csv"]), {"unit": "12345"})
    assert response.status_code == 200
