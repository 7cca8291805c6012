"""A Redis cache that degrades to "no cache" when Redis is unreachable.

Django's own RedisCache raises on every call while Redis is down, which would turn
a stopped cache into a stopped site. Nothing in this app keeps data only in the
cache, so a miss is always safe: reads return the default, writes are dropped and
the failure is logged. After a failure Redis is not asked again for a few seconds,
so a page does not pay one connection attempt per cache call during an outage.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long to treat Redis as down after a failed call.
RETRY_AFTER_SECONDS = 5.0


class _RedisDown(Exception):
    pass


class TolerantRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._down_until = 0.0

    def _call(self, method: str, fallback, *args):
        return self._guarded(lambda: getattr(super(TolerantRedisCacheClient, self), method)(*args), fallback)

    def _guarded(self, operation, fallback):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return operation()
        except RedisError as exc:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.warning("cache unavailable, working without it for %ss: %s", RETRY_AFTER_SECONDS, exc)
            return fallback

    def add(self, key, value, timeout):
        return self._call("add", False, key, value, timeout)

    def get(self, key, default):
        return self._call("get", default, key, default)

    def set(self, key, value, timeout):
        self._call("set", None, key, value, timeout)

    def touch(self, key, timeout):
        return self._call("touch", False, key, timeout)

    def delete(self, key):
        return self._call("delete", False, key)

    def get_many(self, keys):
        return self._call("get_many", {}, keys)

    def has_key(self, key):
        return self._call("has_key", False, key)

    def incr(self, key, delta):
        result = self._call("incr", _RedisDown, key, delta)
        if result is _RedisDown:
            # What callers of incr() already handle for a missing key.
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        return result

    def set_many(self, data, timeout):
        self._call("set_many", None, data, timeout)

    def delete_many(self, keys):
        self._call("delete_many", None, keys)

    def clear(self):
        return self._call("clear", False)


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient

    def clear(self):
        """Delete this site's keys only. Django's clear() is FLUSHDB, which would also
        drop the Celery queue when broker and cache share a Redis database (REDIS_URL)."""
        if not self.key_prefix:
            return self._cache.clear()
        client = self._cache

        def delete_ours():
            redis = client.get_client(write=True)
            batch = []
            for key in redis.scan_iter(match=f"{self.key_prefix}:*", count=500):
                batch.append(key)
                if len(batch) == 500:
                    redis.delete(*batch)
                    batch = []
            if batch:
                redis.delete(*batch)
            return True

        return client._guarded(delete_ours, False)
