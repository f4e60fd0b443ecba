"""Cached figures with invalidation by version ("generational") keys.

A cached value's key carries the current version of each namespace it depends on, e.g.
the province whose needs it sums. A change bumps that version once its transaction
commits, so the next read misses and recomputes; nothing has to find and delete old
keys, which simply expire. A time-out bounds the figures that age by the clock alone
("stale since", "overdue").

The cache is an optimisation, never a store: if it is down (Redis stopped) every call
computes the value and the page still renders.

Namespaces, each bumped by the app that owns the change (its `signals.py`):
- `area:<province id>` (`area()`): every figure summed inside a province (dashboards of
  the province and of its districts and communes, transparency, honour rolls, campaign
  progress); bumped by any change to a need, pledge, school, satellite site, campaign task
  or target there.
- `registry`: national totals of the school registry (home page); schools and sites.
- `public-needs`: which needs the public lists hold (browse pages and their totals).
- `need:<id>`, `school:<id>`: a need's page and a school's page, as anonymous visitors get
  them from the page cache (`cache_public_page`).
- `ledger`: money that arrived or was allocated anywhere (the open-data API's ledger,
  totals, funds and allocations); bumped by donations.signals.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from .dbrouter import REPLICA, fresh_wanted, read_alias

logger = logging.getLogger(__name__)

# No key of the portal lives in Redis without an expiry: a version lives a month from its
# first bump. A lost or expired one starts again from the clock (milliseconds), never at a
# number it held before, so nothing cached under an old version is read as current.
VERSION_TIMEOUT = 30 * 24 * 3600


def area(province_id) -> str:
    """The namespace of every figure summed inside one province."""
    return f"area:{province_id}"


def _version_key(namespace: str) -> str:
    return f"ver:{namespace}"


def versions(*namespaces: str) -> str:
    """The current versions of these namespaces, as one short string for a key."""
    keys = [_version_key(n) for n in namespaces]
    try:
        found = cache.get_many(keys)
    except Exception:  # the cache is optional: a failure is a miss
        logger.warning("cache unavailable, reading versions", exc_info=True)
        return "x"
    return ".".join(str(found.get(key, 0)) for key in keys)


def bump(*namespaces: str) -> None:
    """Invalidate everything cached under these namespaces, after the current commit."""

    def _bump():
        for namespace in namespaces:
            key = _version_key(namespace)
            try:
                if cache.add(key, time.time_ns() // 1_000_000, VERSION_TIMEOUT):
                    continue
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, time.time_ns() // 1_000_000, VERSION_TIMEOUT)
            except Exception:
                logger.warning("cache unavailable, version %s not bumped", namespace, exc_info=True)

    transaction.on_commit(_bump)


def cached(
    name: str, namespaces: tuple[str, ...], compute: Callable[[], Any], *, timeout: int, parts: tuple = ()
) -> Any:
    """`compute()`, kept under `name` + `parts` until a namespace changes or `timeout` passes."""
    raw = ":".join(str(p) for p in parts)
    key = f"c:{name}:{hashlib.blake2s(raw.encode(), digest_size=10).hexdigest()}:{versions(*namespaces)}"
    try:
        value = None if fresh_wanted() else cache.get(key)
    except Exception:
        logger.warning("cache unavailable, computing %s", name, exc_info=True)
        return compute()
    if value is not None:
        return value
    value = compute()
    if read_alias() == REPLICA:
        # Read from the replica, which may not have replayed the change that bumped the
        # version yet: keep it only briefly, or a stale value would outlive the lag.
        timeout = min(timeout, settings.REPLICA_CACHE_SECONDS)
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unavailable, %s not kept", name, exc_info=True)
    return value


def _personal(request) -> bool:
    """A request that may see something of its own: signed in (or was), or has messages
    waiting. Only the rest share cached pages."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def cache_public_page(namespaces, *, timeout_setting: str = "PUBLIC_CACHE_SECONDS"):
    """Serve a public page to anonymous visitors from the cache.

    `namespaces(**view_kwargs)` names what the page shows (each app's signals.py), so a
    change there makes the next visitor render it anew. Only a 200 that set no cookie and
    used no CSRF token is kept: nothing personal can reach another visitor. The key is the
    language and the full path, query string included.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD") or _personal(request):
                return view(request, *args, **kwargs)
            names = namespaces(**kwargs)
            raw = f"{get_language()}:{request.get_full_path()}"
            key = f"page:{view.__module__}.{view.__name__}:{hashlib.blake2s(raw.encode(), digest_size=12).hexdigest()}"
            key += f":{versions(*names)}"
            try:
                kept = cache.get(key)
            except Exception:
                logger.warning("cache unavailable, rendering %s", request.path, exc_info=True)
                kept = None
            if kept is not None:
                content, content_type = kept
                response = HttpResponse(content, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                patch_vary_headers(response, ("Cookie",))
                return response
            response = view(request, *args, **kwargs)
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                try:
                    cache.set(key, (response.content, response["Content-Type"]), getattr(settings, timeout_setting))
                except Exception:
                    logger.warning("cache unavailable, %s not kept", request.path, exc_info=True)
                response["X-Page-Cache"] = "miss"
            return response

        return wrapped

    return decorator


def query_key(queryset) -> tuple:
    """A queryset's SQL and parameters, for a cache key. A query Django knows is empty
    (e.g. an out-of-range number in a filter) has no SQL: its key says so."""
    from django.core.exceptions import EmptyResultSet

    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return ("empty", queryset.model._meta.label)
