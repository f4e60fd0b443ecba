"""The open-data API answers what the public pages show, page by page, and refuses bad
input with a JSON error naming the parameter."""

import pytest

from donations.models import Pledge
from donations.services import pledge_receive

pytestmark = pytest.mark.usefixtures("no_rate_limit")

API = "/api/v1"


def get(client, path, **params):
    response = client.get(f"{API}{path}", params)
    return response


def test_it_lists_received_gifts_as_ledger_lines(client, world):
    data = get(client, "/ledger").json()
    by_ref = {row["reference"]: row for row in data["results"]}
    named = by_ref[world.named.reference]
    assert named["donor"] == "Trần Thu Hà"
    assert named["amount"] == 1_250_000
    assert named["received_on"] == "2026-10-05"
    assert named["need_id"] == world.need.pk and named["need_title"] == "Nhà vệ sinh điểm bản Khó Tìm"
    hidden = by_ref[world.hidden.reference]
    assert hidden["donor"] == "ẩn danh" and hidden["anonymous"] is True
    fund_line = by_ref[world.fund_gift.reference]
    assert fund_line["fund_slug"] == world.fund.slug and fund_line["need_id"] is None
    # Pledged and not arrived: not a ledger line; a fund's allocation is listed under allocations.
    assert world.waiting.reference not in by_ref
    allocation = Pledge.objects.get(source_fund=world.fund)
    assert allocation.reference not in by_ref
    assert len(by_ref) == 4


def test_the_ledger_is_filtered_by_place_school_need_fund_and_dates(client, world, area):
    def refs(**params):
        return {row["reference"] for row in get(client, "/ledger", **params).json()["results"]}

    assert refs(school=area.school_b.pk) == {world.guest.reference}
    assert refs(need=world.need.pk) == {world.named.reference, world.hidden.reference}
    assert refs(fund=world.fund.slug) == {world.fund_gift.reference}
    assert refs(unit=area.district_b.pk) == {world.guest.reference}
    assert refs(unit=area.district_a.pk) == {world.named.reference, world.hidden.reference, world.fund_gift.reference}
    assert refs(**{"from": "2026-11-01"}) == {world.guest.reference, world.fund_gift.reference}
    assert refs(**{"to": "2026-10-31"}) == {world.named.reference, world.hidden.reference}


def test_the_ledger_search_finds_by_reference_amount_and_name(client, world):
    def refs(q):
        return {row["reference"] for row in get(client, "/ledger", q=q).json()["results"]}

    assert refs(world.named.reference.lower()) == {world.named.reference}
    assert refs("1.250.000") == {world.named.reference}
    assert refs("tran thu ha") == {world.named.reference}
    # An anonymous donor is never found by the name they gave.
    assert refs("Phạm Bí Mật") == set()
    assert refs("2.000.000") == {world.hidden.reference}
    assert refs("7.777.000") == set()


def test_it_lists_public_needs_with_the_browse_filters(client, world, area):
    data = get(client, "/needs").json()
    ids = {row["id"] for row in data["results"]}
    assert world.need.pk in ids and world.other_need.pk in ids
    assert world.draft_need.pk not in ids
    only_b = get(client, "/needs", district=area.district_b.pk).json()["results"]
    assert [row["id"] for row in only_b] == [world.other_need.pk]
    found = get(client, "/needs", q="kho tim").json()["results"]
    assert [row["id"] for row in found] == [world.need.pk]


def test_one_need_shows_its_items_and_a_draft_is_not_found(client, world):
    data = get(client, f"/needs/{world.need.pk}").json()
    assert data["items"] == [{"description": "Nhà vệ sinh", "quantity": 1, "unit": "cái", "unit_cost": 45_000_000}]
    assert data["amount_received"] == 3_250_000
    response = get(client, f"/needs/{world.draft_need.pk}")
    assert response.status_code == 404 and response.json()["detail"]


def test_funds_allocations_schools_and_totals(client, world, area):
    funds = get(client, "/funds").json()["results"]
    assert [(f["slug"], f["amount_allocated"]) for f in funds] == [(world.fund.slug, 1_000_000)]
    world.fund.refresh_from_db()
    assert get(client, f"/funds/{world.fund.slug}").json()["balance"] == world.fund.balance
    assert get(client, "/funds/no-such-fund").status_code == 404
    allocations = get(client, "/allocations", fund=world.fund.slug).json()["results"]
    assert len(allocations) == 1
    line = allocations[0]
    assert line["need_id"] == world.need_1.pk and line["amount"] == 1_000_000
    assert line["decision"] == world.plan.document.number_text
    schools = get(client, "/schools", district=area.district_a.pk).json()["results"]
    school = next(row for row in schools if row["id"] == area.school_a.pk)
    assert school["pupils"] == area.school_a.pupils and school["sites"][0]["name"] == "Điểm bản Pú Xi 2"
    totals = get(client, "/totals").json()
    assert {(row["month"], row["received"], row["gifts"]) for row in totals} == {
        ("2026-10", 3_250_000, 2),
        ("2026-11", 3_500_000, 2),
    }
    assert all(row["province_id"] == area.province.pk for row in totals)
    assert get(client, "/totals", unit=area.district_b.pk).json() == [
        {
            "province_id": area.province.pk,
            "province": area.province.name,
            "month": "2026-11",
            "received": 3_000_000,
            "gifts": 1,
        }
    ]


def test_csv_downloads_hold_the_same_rows(client, world):
    response = get(client, "/ledger.csv", q="1.250.000")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["id", "reference", "received_on"]
    assert len(lines) == 2 and world.named.reference in lines[1] and "Trần Thu Hà" in lines[1]
    for path in ("/needs.csv", "/schools.csv", "/funds.csv", "/allocations.csv", "/totals.csv"):
        assert get(client, path).status_code == 200, path


def test_a_new_gift_shows_in_the_cached_ledger(client, world, django_capture_on_commit_callbacks):
    before = get(client, "/ledger").json()["results"]
    # Kept: the same page again runs no query.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert get(client, "/ledger").json()["results"] == before
    assert len(queries) == 0
    with django_capture_on_commit_callbacks(execute=True):
        pledge_receive(
            pledge=world.waiting, actor=world.area.staff_a, amount=7_777_000, received_on=world.named.received_on
        )
    after = get(client, "/ledger").json()["results"]
    assert {row["reference"] for row in after} == {row["reference"] for row in before} | {world.waiting.reference}
