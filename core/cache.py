"""Redis cache backends shared by every app server (settings: the "Cache" section).

``RedisCache`` is Django's, with two additions: an atomic window counter for the limits
(``core/limits.py``) and a ``clear()`` that deletes only this cache's keys, never the
Celery queue that may share the Redis database. Errors reach the caller: the "limits" alias
uses it, and a limit that cannot be counted refuses (fails closed).

``ResilientRedisCache`` serves the "default" alias: when Redis cannot be used it behaves
as an empty cache that stores nothing, so pages are still served (computed afresh), and it
logs one warning. After a failure it leaves Redis alone for ``retry_after`` seconds, so a
dead or unreachable Redis costs one short socket timeout per process now and then, not one
per cache call.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Redis down, unreachable, slow, full (maxmemory reached) or a replica during a failover.
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OutOfMemoryError, ReadOnlyError)

# One INCR that always leaves the key with an expiry: the window starts at the first hit
# and the count can never outlive it (a bare INCR after the key expired would make a
# counter without one). Atomic on the server, so every process counts into one number.
_COUNT_HIT = """
local count = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then
    redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


class RedisCache(DjangoRedisCache):
    def count_hit(self, key: str, window: int, version: int | None = None) -> int:
        """Add one to the counter ``key`` and return its value; the counter starts at the
        first hit and disappears ``window`` seconds later."""
        full_key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(full_key, write=True)
        return int(client.eval(_COUNT_HIT, 1, full_key, max(1, int(window))))

    def clear(self) -> bool:
        """Delete this cache's keys (those under its KEY_PREFIX) and nothing else."""
        client = self._cache.get_client(None, write=True)
        pattern = _glob_escape(self.key_prefix) + ":*"  # keys are PREFIX:VERSION:KEY
        deleted = 0
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                deleted += client.delete(*batch)
                batch = []
        if batch:
            deleted += client.delete(*batch)
        return bool(deleted)


def _glob_escape(text: str) -> str:
    return "".join(f"\\{char}" if char in "*?[]\\" else char for char in text)


# Per process, per Redis location: until when calls are skipped after a failure.
_paused_until: dict[str, float] = {}
_paused_lock = threading.Lock()
_clock = time.monotonic


class ResilientRedisCache(RedisCache):
    """A Redis cache that an unavailable Redis turns into a cache that misses."""

    retry_after = 5.0  # seconds without trying Redis after a failure (one warning each)

    @property
    def _location(self) -> str:
        return ",".join(self._servers)

    def _available(self) -> bool:
        return _paused_until.get(self._location, 0.0) <= _clock()

    def _failed(self, operation: str, error: Exception) -> None:
        with _paused_lock:
            if not self._available():
                return  # another thread has just said so
            _paused_until[self._location] = _clock() + self.retry_after
        logger.warning(
            "Redis cache unavailable (%s during %s: %s); serving without the cache for %g s.",
            type(error).__name__,
            operation,
            error,
            self.retry_after,
        )

    def _call(self, operation: str, fallback, *args, **kwargs):
        if not self._available():
            return fallback
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except UNAVAILABLE as error:
            self._failed(operation, error)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        if not self._available():
            raise ValueError(f"Key {key!r} not found.")  # as on any cache miss
        try:
            return super().incr(key, delta, version)
        except UNAVAILABLE as error:
            self._failed("incr", error)
            raise ValueError(f"Key {key!r} not found.") from error

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's contract: the keys that could not be stored.
        return self._call("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
