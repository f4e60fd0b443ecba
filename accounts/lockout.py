"""The login lockout: one rule for every form that checks a password (allauth's login
and re-authentication, the admin's login, any Django login form), because they all go
through django.contrib.auth.authenticate() and `LockoutBackend` is its first backend.

Counted per account AND address together, so nobody can lock someone else out: a
guesser's address is held back, the account's owner at their own address (or a
colleague behind the school's shared address, who types another login) still signs in.
The first LOGIN_FAILURES_BEFORE_DELAY attempts are free; each one after that waits
LOGIN_DELAY_SECONDS, doubling per attempt up to LOGIN_DELAY_MAX_SECONDS. An attempt is
counted before the password is checked (under a row lock), so a burst of parallel
guesses gets no more tries than a patient one; a success (the adapter's authenticate,
user_logged_in) forgets the row. Attempts refused during a delay are not counted: a
person who tries again too early does not make their own wait longer.

The counter lives in the database, not in Redis: the cache fails open
(core/cache_backend.py), and a lockout that opens when Redis stops is no lockout. A sign-in
costs a password hash (tenths of a second of CPU); the row lookup and write beside it are
nothing, so there is no cache in front of it either (a second copy that can disagree).
Rows are deleted LOGIN_FAILURES_KEPT_SECONDS after their last attempt, on write.
"""

import ipaddress
import math
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.clientip import client_ip

from .models import LoginThrottle


def now() -> datetime:
    return timezone.now()


class LoginDelayed(Exception):
    """Raised out of authenticate() (not PermissionDenied, which it would swallow into a
    plain "wrong password") and answered by `LoginDelayMiddleware` with a 429 page."""

    def __init__(self, until: datetime):
        super().__init__(until)
        self.until = until


def delay_after(failures: int) -> timedelta | None:
    """How long the next attempt waits after this many counted attempts."""
    free = settings.LOGIN_FAILURES_BEFORE_DELAY
    if failures < free:
        return None
    seconds = settings.LOGIN_DELAY_SECONDS * 2 ** min(failures - free, 32)
    return timedelta(seconds=min(seconds, settings.LOGIN_DELAY_MAX_SECONDS))


def _login_of(credentials: dict) -> str:
    for field in (get_user_model().USERNAME_FIELD, "username", "email", "phone"):
        value = credentials.get(field)
        if value:
            return str(value).strip().lower()
    return ""


def _key(request, login: str) -> dict:
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        pass
    else:
        if parsed.version == 6:  # one household or phone has a whole /64
            address = str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    digest = salted_hmac("accounts.lockout", login, algorithm="sha256").hexdigest()
    return {"login_digest": digest, "address": address}


def attempt(request, login: str) -> None:
    """Count one attempt for this login from this address, or raise LoginDelayed."""
    key = _key(request, login)
    moment = now()
    forgotten = moment - timedelta(seconds=settings.LOGIN_FAILURES_KEPT_SECONDS)
    with transaction.atomic():
        row, created = LoginThrottle.objects.select_for_update().get_or_create(
            **key, defaults={"last_failed_at": moment}
        )
        if created:
            LoginThrottle.objects.filter(last_failed_at__lt=forgotten).delete()
        elif row.last_failed_at < forgotten:
            row.failures, row.delayed_until = 0, None
        if row.delayed_until and moment < row.delayed_until:
            raise LoginDelayed(row.delayed_until)
        row.failures += 1
        row.last_failed_at = moment
        delay = delay_after(row.failures)
        row.delayed_until = moment + delay if delay else None
        row.save()
    request._lockout_login = login


def forget(request, login: str | None = None) -> None:
    """A success: this login from this address starts again from nothing."""
    login = login or getattr(request, "_lockout_login", None)
    if login:
        LoginThrottle.objects.filter(**_key(request, login)).delete()
        request._lockout_login = None


class LockoutBackend:
    """First in AUTHENTICATION_BACKENDS; never authenticates anyone (and has no
    get_user, so the test client's force_login passes it by)."""

    def authenticate(self, request, **credentials):
        login = _login_of(credentials)
        if request is not None and login:
            attempt(request, login)
        return None


@receiver(user_logged_in, dispatch_uid="accounts.lockout.forget")
def _forget_on_login(sender, request, user, **kwargs):
    if request is not None and getattr(request, "_lockout_login", None):
        forget(request)


def delayed_response(request, until: datetime):
    seconds = max(1, math.ceil((until - now()).total_seconds()))
    context = {"until": until, "minutes": max(1, math.ceil(seconds / 60))}
    response = render(request, "accounts/login_delayed.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


class LoginDelayMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, LoginDelayed):
            return delayed_response(request, exception.until)
        return None
