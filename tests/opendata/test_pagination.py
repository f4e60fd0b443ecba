"""A walk by cursor sees every row once, in id order, whatever the page size."""

from datetime import date

import pytest

from donations.services import DonorDetails, pledge_create, pledge_receive
from tests.needs.factories import NeedFactory
from tests.schools.factories import SchoolFactory

pytestmark = pytest.mark.usefixtures("no_rate_limit")


def walk_pages(client, path, **params):
    seen, cursor, pages = [], None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        data = client.get(f"/api/v1{path}", query).json()
        seen += [row["id"] for row in data["results"]]
        pages += 1
        cursor = data["next_cursor"]
        if not cursor:
            return seen, pages


@pytest.fixture
def many(area):
    need = NeedFactory(school=area.school_a, items=[("Sách", 100, "bộ", 1_000_000)])
    for n in range(23):
        pledge, _ = pledge_create(
            need=need, donor=DonorDetails(name=f"Nhà hảo tâm {n}", email=f"d{n}@example.vn"), amount=100_000 + n
        )
        pledge_receive(pledge=pledge, actor=area.staff_a, amount=100_000 + n, received_on=date(2026, 11, 1))
    for _school in range(11):
        SchoolFactory(commune=area.commune_b)
    return need


@pytest.mark.parametrize("limit", [1, 7, 23, 200])
def test_the_ledger_walked_by_cursor_gives_every_line_once(client, many, limit):
    seen, pages = walk_pages(client, "/ledger", limit=limit)
    assert len(seen) == 23 and len(set(seen)) == 23
    assert seen == sorted(seen)
    assert pages == -(-23 // limit)


def test_schools_and_needs_walk_with_their_filters(client, many, area):
    seen, _pages = walk_pages(client, "/schools", limit=4, commune=area.commune_b.pk)
    assert len(seen) == 12 and len(set(seen)) == 12
    needs, _pages = walk_pages(client, "/needs", limit=1)
    assert needs == [many.pk]


def test_the_csv_says_where_the_next_file_starts(client, many):
    response = client.get("/api/v1/ledger.csv", {"limit": 20})
    assert len(response.content.decode("utf-8-sig").splitlines()) == 21
    rest = client.get("/api/v1/ledger.csv", {"limit": 20, "cursor": response["X-Next-Cursor"]})
    assert len(rest.content.decode("utf-8-sig").splitlines()) == 4
    assert "X-Next-Cursor" not in rest
