"""No personal data leaves through the API: every field of every operation in the schema,
JSON and CSV alike, walked for the e-mails, phones and names of donors, staff, the
principal, the focal point and contest pupils seeded with known values."""

import pytest

from core.text import fold

from .conftest import SECRETS, walk

pytestmark = pytest.mark.usefixtures("no_rate_limit")

# No field may even be named for personal data.
FORBIDDEN_KEYS = ("email", "phone", "principal", "focal", "pupil_name", "user", "message", "created_by", "verified_by")


def operations(client):
    document = client.get("/api/v1/openapi.json").json()
    return [path.removeprefix("/api/v1") for path, item in document["paths"].items() if "get" in item]


def test_every_field_of_every_operation_is_free_of_personal_data(client, world):
    paths = operations(client)
    assert len(paths) == 14
    fills = {"{need_id}": str(world.need.pk), "{slug}": world.fund.slug}
    secrets = [s.lower() for s in SECRETS] + [fold(s) for s in SECRETS]
    for path in paths:
        for placeholder, value in fills.items():
            path = path.replace(placeholder, value)
        for params in ({}, {"q": "Phạm Bí Mật"} if path.startswith("/ledger") else {}):
            response = client.get(f"/api/v1{path}", params)
            assert response.status_code == 200, path
            if path.endswith(".csv"):
                text = response.content.decode("utf-8-sig")
                header = text.splitlines()[0].lower()
                assert not any(key in header for key in FORBIDDEN_KEYS), (path, header)
                values = [text]
            else:
                body = response.json()
                values = [str(v) for v in walk(body)]
                keys = [k for k in walk_keys(body)]
                assert not [k for k in keys if any(f in k.lower() for f in FORBIDDEN_KEYS)], path
            for value in values:
                lowered = value.lower()
                leaked = [s for s in secrets if s in lowered or s in fold(value)]
                assert not leaked, (path, params, leaked)
    # The walk saw the data: the named donor is there, the anonymous one only as "ẩn danh".
    ledger = client.get("/api/v1/ledger").json()["results"]
    assert {row["donor"] for row in ledger} == {"Trần Thu Hà", "ẩn danh", "Công ty Sông Đà", "Quỹ Hảo Tâm"}


def walk_keys(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_keys(item)
