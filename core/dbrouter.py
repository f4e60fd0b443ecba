"""Reads that may lag go to a read replica, when one is configured.

With `DATABASE_REPLICA_URL` set, settings add a second database, "replica" (a streaming
standby of the primary), and this router. Only reads that were marked as allowed to lag
go there:

- the pages under the URL namespaces in `settings.REPLICA_READ_NAMESPACES` (the offices'
  dashboards and their exports, the open-data API), marked by `ReplicaReadsMiddleware`;
- code inside `with replica_reads():` (a digest's figures).

Everything else reads the primary: every write, of course; every read inside a
transaction (`select_for_update`, a digest's claim, an outbox row, anything read to
decide a write); every read outside a marked page or block. And a person who has just
written reads their own writes: any successful unsafe request (POST, PUT, PATCH,
DELETE) sets a short-lived cookie, `primary_until`, and while it lasts that browser's
requests read the primary even on a marked page. Without a replica the router answers
"default" to everything, and the suite runs as before.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
STICKY_COOKIE = "primary_until"

_lag_allowed: ContextVar[bool] = ContextVar("replica_reads", default=False)
# Set for a page that could read the replica but whose visitor just wrote: its cached
# values are not read either (one may have been computed from the replica before the
# write was replayed), only computed anew from the primary and kept.
_fresh_wanted: ContextVar[bool] = ContextVar("fresh_reads", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads(allowed: bool = True):
    """Inside the block, reads outside a transaction may go to the replica."""
    token = _lag_allowed.set(allowed)
    try:
        yield
    finally:
        _lag_allowed.reset(token)


def fresh_wanted() -> bool:
    return _fresh_wanted.get()


def read_alias() -> str:
    """Where a read goes now: the replica only if one is configured, this code allowed a
    lagging read, and the primary's connection is not inside a transaction."""
    if not _lag_allowed.get() or not replica_configured():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return REPLICA


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is the same database, later: an object read there is one of the primary's.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def wrote_recently(request) -> bool:
    try:
        return float(request.COOKIES.get(STICKY_COOKIE, "0")) > time.time()
    except ValueError:
        return False


class ReplicaReadsMiddleware:
    """Marks the pages that may read the replica, and keeps a person who just wrote on
    the primary for `REPLICA_STICKY_SECONDS` (longer than the replica's usual lag)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._replica_token = request._fresh_token = None
        try:
            response = self.get_response(request)
        finally:
            if request._replica_token is not None:
                _lag_allowed.reset(request._replica_token)
            if request._fresh_token is not None:
                _fresh_wanted.reset(request._fresh_token)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and response.status_code < 400:
            seconds = settings.REPLICA_STICKY_SECONDS
            response.set_cookie(
                STICKY_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            replica_configured()
            and match is not None
            and request.method in ("GET", "HEAD")
            and set(match.namespaces) & set(settings.REPLICA_READ_NAMESPACES)
        ):
            # The session and the user are read from the primary first: a session made a
            # moment ago may not have reached the replica.
            getattr(request, "user", None) and request.user.is_authenticated
            if wrote_recently(request):
                request._fresh_token = _fresh_wanted.set(True)
            else:
                request._replica_token = _lag_allowed.set(True)
        return None
