"""Absurd pages, forged cursors, unknown places, bad dates, NUL bytes: each a JSON error
with its status and the parameter at fault, never a 500; and a flood gets a JSON 429."""

import pytest

API = "/api/v1"


@pytest.mark.usefixtures("no_rate_limit")
@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("/ledger", {"limit": "100000"}, 422, "limit"),
        ("/ledger", {"limit": "-1"}, 422, "limit"),
        ("/ledger", {"limit": "0"}, 422, "limit"),
        ("/needs", {"limit": "ten"}, 422, "limit"),
        ("/ledger.csv", {"limit": "5001"}, 422, "limit"),
        ("/ledger", {"cursor": "garbage"}, 400, "cursor"),
        ("/needs", {"cursor": "MTIz:1abcde:forged"}, 400, "cursor"),
        ("/needs", {"province": "999999"}, 422, "province"),
        ("/needs", {"province": "1e9"}, 422, "province"),
        ("/schools", {"district": "99999999999999999999999"}, 422, "district"),
        ("/needs", {"category": "weapons"}, 422, "category"),
        ("/needs", {"status": "draft"}, 422, "status"),
        ("/needs", {"q": "nhà\x00vệ sinh"}, 422, "q"),
        ("/ledger", {"q": "\x00"}, 422, "q"),
        ("/ledger", {"from": "2026-13-45"}, 422, "from"),
        ("/ledger", {"from": "2026-12-01", "to": "2026-01-01"}, 422, "query"),
        ("/ledger", {"unit": "424242"}, 422, "unit"),
        ("/ledger", {"school": "424242"}, 422, "school"),
        ("/ledger", {"need": "424242"}, 422, "need"),
        ("/ledger", {"fund": "no-such-fund"}, 422, "fund"),
        ("/allocations", {"fund": "bad slug!"}, 422, "fund"),
        ("/totals", {"to": "yesterday"}, 422, "to"),
        ("/funds", {"unit": "0"}, 422, "unit"),
        ("/needs/0", {}, 422, "need_id"),
        ("/needs/abc", {}, 422, "need_id"),
    ],
)
def test_bad_input_is_a_json_error_naming_the_parameter(client, area, path, params, status, field):
    response = client.get(f"{API}{path}", params)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    assert field in body["errors"], body


@pytest.mark.usefixtures("no_rate_limit")
def test_an_unknown_need_or_fund_is_a_json_404(client, area):
    for path in ("/needs/424242", "/funds/no-such-fund"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 404
        assert response.json()["detail"]


def test_a_flood_from_one_address_gets_a_json_429_with_the_wait(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "open_data": "3/m/ip"}
    statuses = [client.get(f"{API}/ledger").status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    refused = client.get(f"{API}/needs.csv")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused.json()["detail"]
    # The schema and its docs page are not counted.
    assert client.get(f"{API}/openapi.json").status_code == 200
