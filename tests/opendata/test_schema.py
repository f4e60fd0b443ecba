"""The API's OpenAPI schema is valid, and every operation in it, fed what the schema allows
and what it does not (schemathesis, property-based), answers without a 500 and as the
schema says: documented statuses, content types and JSON shapes."""

from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

from donations.models import Fund
from donations.services import DonorDetails, pledge_create, pledge_receive
from tests.needs.factories import NeedFactory
from tests.schools.factories import SchoolSiteFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def test_the_openapi_schema_validates(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)  # raises on an invalid OpenAPI 3.1 document
    assert document["openapi"].startswith("3.1")
    paths = set(document["paths"])
    for name in ("needs", "schools", "funds", "allocations", "ledger", "totals"):
        assert {f"/api/v1/{name}", f"/api/v1/{name}.csv"} <= paths
    assert {"/api/v1/needs/{need_id}", "/api/v1/funds/{slug}"} <= paths


def test_the_docs_page_loads_its_scripts_from_the_portal(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()


@pytest.fixture
def one_connection():
    """Schemathesis calls the WSGI application itself, whose request signals would close
    the test's database connection (and its transaction) after each request; Django's
    test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def small_world(area, settings, one_connection):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "open_data": ""}
    SchoolSiteFactory(school=area.school_a)
    need = NeedFactory(school=area.school_a, items=[("Chăn", 10, "cái", 250_000)])
    fund = Fund.objects.create(office=area.office_a, name="Quỹ Tuần Giáo", slug="quy-tuan-giao")
    for target in ({"need": need}, {"fund": fund}):
        pledge, _ = pledge_create(**target, donor=DonorDetails(name="Hà", email="ha@example.vn"), amount=500_000)
        pledge_receive(pledge=pledge, actor=area.staff_a, amount=500_000, received_on=date(2026, 11, 1))
    return area


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_as_its_schema_says(case, small_world):
    # A schema cannot say which ids exist: an unknown place is refused (422) by design,
    # so "every schema-valid request is accepted" is not asked; everything else is.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
