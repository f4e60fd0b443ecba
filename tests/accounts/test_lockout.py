"""The login lockout (accounts/lockout.py): every login form, per account and address
together, growing delays, counted in the database (issue 19, finding 1)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import lockout
from accounts.models import LoginThrottle
from tests.accounts.factories import PASSWORD, UserFactory

ATTACKER = "203.0.113.7"
VICTIM = "198.51.100.20"


@pytest.fixture
def admin_user(db):
    return UserFactory(email="quan.tri@example.vn", is_staff=True, is_superuser=True)


@pytest.fixture
def clock(monkeypatch):
    """The lockout's clock, moved by the test instead of waiting."""

    class Clock:
        moment = timezone.now()

        def advance(self, seconds):
            self.moment += timedelta(seconds=seconds)

    clock = Clock()
    monkeypatch.setattr(lockout, "now", lambda: clock.moment)
    return clock


def admin_login(client, email, password, address=ATTACKER):
    return client.post(reverse("admin:login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def portal_login(client, email, password, address=ATTACKER):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_delays_the_admin_login_after_five_wrong_passwords(client, admin_user, clock):
    for _ in range(5):
        assert admin_login(client, admin_user.email, "sai-mat-khau").status_code == 200
    # The right password is refused for a minute, with a page that says until when...
    response = admin_login(client, admin_user.email, PASSWORD)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    text = response.content.decode()
    assert "Nhập sai mật khẩu quá nhiều lần" in text
    until = timezone.localtime(clock.moment + timedelta(seconds=60))
    assert f"tạm dừng đến {until:%H:%M} ngày {until:%d/%m/%Y} (khoảng 1 phút nữa)" in text
    assert not signed_in(client)
    clock.advance(59)
    assert admin_login(client, admin_user.email, PASSWORD).status_code == 429
    assert not signed_in(client)
    # ...and accepted once the delay has passed.
    clock.advance(1)
    response = admin_login(client, admin_user.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_the_victim_at_another_address_still_signs_in(client, admin_user, clock):
    for _ in range(8):
        clock.advance(3600)  # the attacker waits out every delay
        admin_login(client, admin_user.email, "sai-mat-khau")
    assert admin_login(client, admin_user.email, PASSWORD).status_code == 429
    victim = client.__class__()
    response = admin_login(victim, admin_user.email, PASSWORD, address=VICTIM)
    assert response.status_code == 302
    assert victim.session["_auth_user_id"] == str(admin_user.pk)
    # The attacker's address is still held back.
    assert admin_login(client, admin_user.email, PASSWORD).status_code == 429


def test_the_delay_doubles_with_each_further_failure_up_to_the_cap(client, admin_user, clock):
    waits = []
    for _ in range(20):  # bounded: 12 counted attempts and 8 refusals are expected
        if len(waits) == 8:
            break
        response = admin_login(client, admin_user.email, "sai-mat-khau")
        if response.status_code == 429:  # refused, not counted: wait as told
            waits.append(int(response["Retry-After"]))
            clock.advance(waits[-1])
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    # Five free attempts, then one after each wait; the refused ones were not counted.
    assert LoginThrottle.objects.get().failures == 12


def test_a_successful_login_forgets_the_failures_of_that_account_and_address(client, admin_user, clock):
    for _ in range(4):
        admin_login(client, admin_user.email, "sai-mat-khau")
    assert admin_login(client, admin_user.email, PASSWORD).status_code == 302
    assert not LoginThrottle.objects.exists()
    client.logout()
    for _ in range(5):
        assert admin_login(client, admin_user.email, "sai-mat-khau").status_code == 200
    assert admin_login(client, admin_user.email, PASSWORD).status_code == 429


def test_the_portal_login_is_delayed_the_same_way(client, admin_user, clock):
    for _ in range(5):
        assert portal_login(client, admin_user.email.upper(), "sai-mat-khau").status_code == 200
    response = portal_login(client, admin_user.email, PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    # The same account on the admin's form, same address: the same counter.
    assert admin_login(client, admin_user.email, PASSWORD).status_code == 429
    assert portal_login(client.__class__(), admin_user.email, PASSWORD, address=VICTIM).status_code == 302


def test_re_authentication_is_delayed_too(client, admin_user, clock):
    client.force_login(admin_user)
    url = reverse("account_reauthenticate")
    for _ in range(5):
        assert client.post(url, {"password": "sai-mat-khau"}, REMOTE_ADDR=ATTACKER).status_code == 200
    response = client.post(url, {"password": PASSWORD}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert "Nhập sai mật khẩu quá nhiều lần" in response.content.decode()
    clock.advance(60)
    assert client.post(url, {"password": PASSWORD}, REMOTE_ADDR=ATTACKER).status_code == 302
    assert not LoginThrottle.objects.exists()  # the right password forgot the count


def test_a_wrong_current_password_on_the_change_password_form_counts_too(client, admin_user, clock, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "change_password": ""}  # ours alone
    client.force_login(admin_user)
    url = reverse("account_change_password")
    new = {"password1": "mat-khau-moi-2026", "password2": "mat-khau-moi-2026"}
    for _ in range(5):
        assert client.post(url, {"oldpassword": "sai-mat-khau", **new}, REMOTE_ADDR=ATTACKER).status_code == 200
    response = client.post(url, {"oldpassword": PASSWORD, **new}, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 429
    assert "Nhập sai mật khẩu quá nhiều lần" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(PASSWORD)
    clock.advance(60)
    assert client.post(url, {"oldpassword": PASSWORD, **new}, REMOTE_ADDR=ATTACKER).status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password("mat-khau-moi-2026")


def test_a_parallel_burst_gets_no_more_tries_than_a_patient_guesser(admin_user, clock, rf):
    """Attempts are counted before the password is checked: the sixth is refused even if
    the first five are still being checked."""
    from django.contrib.auth import authenticate

    request = rf.post("/admin/login/", REMOTE_ADDR=ATTACKER)
    for _ in range(5):
        lockout.attempt(request, admin_user.email)  # five in flight, none answered yet
    with pytest.raises(lockout.LoginDelayed):
        authenticate(request, username=admin_user.email, password=PASSWORD)


def test_rows_are_forgotten_a_day_after_their_last_attempt(client, admin_user, clock):
    for _ in range(5):
        admin_login(client, admin_user.email, "sai-mat-khau")
    clock.advance(86400 + 1)
    admin_login(client, "someone.else@example.vn", "sai-mat-khau")  # a new row cleans up
    assert LoginThrottle.objects.count() == 1
    assert admin_login(client, admin_user.email, PASSWORD).status_code == 302
