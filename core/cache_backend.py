"""Redis as a cache that fails open.

The cache only ever holds what can be computed again: kept pages, figures, rate-limit
counters. When Redis is down, every read misses and every write is dropped, with a
warning in the log, so pages still render and pledges are still saved; rate limits stop
limiting until Redis is back (failing closed would lock every donor out instead). The
login lockout is not here: it lives in the database (accounts/lockout.py).

A Redis that hangs instead of refusing costs a socket timeout per call; after one failure
the cache stays open (skipped) for CACHE_OPEN_SECONDS, so a page waits on a hung Redis
at most once in that time, not once per cache call.
"""

import logging
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


def _redis_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class ResilientRedisCache(RedisCache):
    # Per process: until when Redis is skipped after a failure (monotonic seconds).
    _skip_until = 0.0

    def _safe(self, method: str, default, *args, **kwargs):
        if time.monotonic() < ResilientRedisCache._skip_until:
            return default
        try:
            return getattr(super(), method)(*args, **kwargs)
        except _redis_errors():
            ResilientRedisCache._skip_until = time.monotonic() + settings.CACHE_OPEN_SECONDS
            logger.warning("cache unavailable: %s skipped", method, exc_info=True)
            return default

    def get(self, key, default=None, version=None):
        return self._safe("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._safe("get_many", {}, keys, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safe("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safe("set_many", list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True, as if added: allauth's rate limiter takes a lock with add() and would
        # otherwise wait and then refuse every login while Redis is down.
        return self._safe("add", True, key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        return self._safe("incr", delta, key, delta, version)

    def delete(self, key, version=None):
        return self._safe("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._safe("delete_many", None, keys, version)

    def has_key(self, key, version=None):
        return self._safe("has_key", False, key, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._safe("touch", False, key, timeout, version)

    def clear(self):
        return self._safe("clear", None)
