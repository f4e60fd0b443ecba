"""Each operation runs a fixed number of queries, however many rows it lists; and a page
already kept in the cache runs none."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.services import DonorDetails, pledge_create, pledge_receive
from tests.needs.factories import NeedFactory
from tests.schools.factories import SchoolFactory, SchoolSiteFactory

pytestmark = pytest.mark.usefixtures("no_rate_limit")

# Operation → queries: the rows (with their joins), plus one per prefetch or lookup.
EXPECTED = {
    "/needs": 1,
    "/needs.csv": 1,
    "/needs?district={district}": 2,  # the district, checked by the browse filter
    "/needs/{need}": 2,  # the need with its school and places, its items
    "/schools": 2,  # schools with their places, their sites
    "/schools.csv": 2,
    "/funds": 1,
    "/funds/{fund}": 1,
    "/allocations": 1,
    "/allocations?fund={fund}": 2,
    "/ledger": 1,
    "/ledger.csv": 1,
    "/ledger?unit={district}&q=1.250.000": 2,  # the place, the lines
    "/totals": 2,  # the sums, the places' names
    "/totals.csv": 2,
}


def counts(client, world, area) -> dict:
    found = {}
    for template, _expected in EXPECTED.items():
        path = template.format(district=area.district_a.pk, need=world.need.pk, fund=world.fund.slug)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1{path}")
        assert response.status_code == 200, path
        found[template] = len(queries)
    return found


def more_rows(world, area):
    for n in range(5):
        school = SchoolFactory(commune=area.commune_a)
        SchoolSiteFactory(school=school)
        need = NeedFactory(school=school, items=[("Sách", 10, "bộ", 500_000)])
        pledge, _ = pledge_create(
            need=need, donor=DonorDetails(name=f"Người {n}", email=f"n{n}@example.vn"), amount=1_250_000
        )
        pledge_receive(pledge=pledge, actor=area.staff_a, amount=1_250_000, received_on=date(2026, 9, 1 + n))


def test_each_operation_runs_a_fixed_number_of_queries(client, world, area):
    assert counts(client, world, area) == EXPECTED
    more_rows(world, area)
    assert counts(client, world, area) == EXPECTED


def test_a_kept_page_runs_no_query(client, world):
    for path in ("/needs", "/ledger", "/totals", f"/needs/{world.need.pk}"):
        client.get(f"/api/v1{path}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1{path}").status_code == 200
        assert len(queries) == 0, path
