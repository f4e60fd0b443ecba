"""Login and abuse: failed logins delay that account at that address, not the school's
shared address;
pledges and uploads are rate limited with an honest 429."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.needs.factories import NeedFactory

PASSWORD = "mat-khau-dung-2026"


@pytest.fixture
def people(db):
    first = UserFactory(email="co.lan@truong.edu.vn")
    second = UserFactory(email="thay.minh@truong.edu.vn")
    for user in (first, second):
        user.set_password(PASSWORD)
        user.save()
    return first, second


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_five_wrong_passwords_delay_that_account_only(client, people):
    locked, colleague = people
    for _ in range(5):
        assert _login(client, locked.email, "sai-mat-khau").status_code == 200
    # The right password no longer works for a while from here (accounts.lockout)...
    response = _login(client, locked.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Nhập sai mật khẩu quá nhiều lần" in response.content.decode()
    # ...but a colleague behind the same school address still signs in.
    response = _login(client, colleague.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_a_flood_of_pledges_from_one_address_gets_a_429(client, area):
    need = NeedFactory(school=area.school_a)
    url = reverse("donations:give", args=[need.pk])
    statuses = [client.post(url, {"kind": "money", "amount": ""}).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10  # the form with its errors
    assert statuses[10] == 429
    response = client.post(url, {})
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Quá nhiều yêu cầu trong thời gian ngắn" in response.content.decode()
    # Looking at the form is never limited.
    assert client.get(url).status_code == 200


def test_uploads_are_limited_per_account(client, area):
    client.force_login(area.staff_a)
    url = reverse("needs:create", args=[area.school_a.pk])
    statuses = [client.post(url, {}).status_code for _ in range(21)]
    # An empty form is answered with its errors (it was a 500 before), twenty times.
    assert statuses[:20] == [200] * 20
    assert statuses[20] == 429
    # Another school's clerk is not held back by this one.
    client.force_login(area.staff_b)
    assert client.post(reverse("needs:create", args=[area.school_b.pk]), {}).status_code != 429


def test_delivery_proofs_are_limited_per_account(client, area):
    """Issue 19, finding 2: a delivery carries photos to decode, like a need; it had no
    limit at all."""
    from needs.models import Need

    need = NeedFactory(school=area.school_a, status=Need.Status.FUNDED)
    client.force_login(area.staff_a)
    url = reverse("needs:act", args=[need.pk, "deliver"])
    statuses = [client.post(url, {"note": ""}).status_code for _ in range(11)]
    assert statuses[:10] == [302] * 10  # back to the need, with the form's errors
    assert statuses[10] == 429
    # Only deliveries count: the need's other actions are not held back.
    assert (
        client.post(reverse("needs:act", args=[need.pk, "cancel"]), {"note": "Trùng.", "confirmed": "yes"}).status_code
        != 429
    )
    # Nor is another school's clerk.
    other = NeedFactory(school=area.school_b, status=Need.Status.FUNDED)
    client.force_login(area.staff_b)
    assert client.post(reverse("needs:act", args=[other.pk, "deliver"]), {"note": ""}).status_code == 302


def test_with_redis_down_people_still_sign_in_and_pledge(client, people, area):
    down = {
        "default": {
            "BACKEND": "core.cache_backend.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    need = NeedFactory(school=area.school_a)
    with override_settings(CACHES=down):
        assert cache.get("anything", "default") == "default"
        assert _login(client, people[0].email, PASSWORD).status_code == 302
        assert client.get(reverse("needs:list")).status_code == 200
        assert client.get(reverse("donations:give", args=[need.pk])).status_code == 200


def test_the_load_benchmark_turns_the_limits_off_for_its_server():
    from ops.processes import server_env

    assert server_env(8000, "q")["RATE_LIMITS_OFF"] == "1"
