"""The Redis cache, as a cache should be: a miss when Redis is away, never an error.

Everything Pathwise keeps in the cache (the roadmap graph per version, throttle counts) can
be rebuilt from the database, so a request must not fail because Redis restarts or is
unreachable: a read is a miss, a write is skipped, and a warning is logged (once a
minute at most) until Redis answers again. Django's own ``RedisCache`` raises instead.
Short socket timeouts keep a request from hanging on a Redis that does not answer.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT_SECONDS = 0.5
_WARN_EVERY_SECONDS = 60.0


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT_SECONDS)
        super().__init__(server, params)
        self._last_warning = 0.0

    def _unavailable(self, operation: str, error: RedisError, result):
        now = time.monotonic()
        if now - self._last_warning >= _WARN_EVERY_SECONDS:
            self._last_warning = now
            logger.warning("cache unavailable (%s: %s); going on without it", operation, error)
        return result

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as error:
            return self._unavailable("get", error, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError as error:
            return self._unavailable("get_many", error, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError as error:
            return self._unavailable("has_key", error, False)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version=version)
        except RedisError as error:
            return self._unavailable("add", error, False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version=version)
        except RedisError as error:
            return self._unavailable("set", error, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version=version)
        except RedisError as error:
            return self._unavailable("set_many", error, list(data))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version=version)
        except RedisError as error:
            return self._unavailable("touch", error, False)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError as error:
            return self._unavailable("delete", error, False)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError as error:
            return self._unavailable("delete_many", error, None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except RedisError as error:
            # As for a missing key: callers that count (throttles) start again from add().
            self._unavailable("incr", error, None)
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)") from error

