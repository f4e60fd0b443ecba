"""Cached figures with invalidation by version ("generational") keys.

A cached value's key carries the current version of each namespace it depends on, e.g.
the province whose needs it sums. A change bumps that version once its transaction
commits, so the next read misses and recomputes; nothing has to find and delete old
keys, which simply expire. A time-out bounds the figures that age by the clock alone
("stale since", "overdue").

The cache is an optimisation, never a store: if it is down (Redis stopped) every call
computes the value and the page still renders.
"""

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_TIMEOUT = None  # versions never expire; a lost one restarts at 1, which only misses


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
                if cache.add(key, 1, VERSION_TIMEOUT):
                    continue
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, VERSION_TIMEOUT)
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
        value = cache.get(key)
    except Exception:
        logger.warning("cache unavailable, computing %s", name, exc_info=True)
        return compute()
    if value is not None:
        return value
    value = compute()
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("cache unavailable, %s not kept", name, exc_info=True)
    return value
