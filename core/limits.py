"""Rate limits that every app server counts together.

A ``Limit`` allows at most ``maximum`` events per subject (an address, an e-mail address, a
user) in a window of ``window`` seconds that starts at the subject's first event. The counts
live in the cache alias "limits": Redis in production (one atomic INCR with its expiry,
``core.cache.RedisCache.count_hit``), local memory in development and tests. Both figures
are read from settings at each call, so a setting changed in a test applies at once.

When the store cannot be reached the calls raise ``LimitUnavailable``: a limit that cannot be
counted refuses what it guards (fails closed) instead of letting everything through, and the
caller shows a translated "try again in a minute". The "limits" alias is never the resilient
cache for this reason.

    LOGIN_FAILURES = Limit("login-address", maximum=lambda: settings.X, window=lambda: 900)
    if LOGIN_FAILURES.reached(address): ...      # a look, counts nothing
    LOGIN_FAILURES.hit(address)                  # count one failure
    if not RESETS.allows(email): ...             # count one and compare, in one step
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import caches
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

STORE_ALIAS = "limits"


class LimitUnavailable(Exception):
    """The shared store of the limits cannot be reached: refuse what the limit guards."""


@dataclass(frozen=True)
class Limit:
    name: str
    maximum: Callable[[], int]
    window: Callable[[], int]

    def key(self, subject: object) -> str:
        # Hashed: short, safe for any cache, and no e-mail address stored in Redis.
        digest = hashlib.sha256(str(subject).encode()).hexdigest()[:40]
        return f"limit:{self.name}:{digest}"

    def count(self, subject: object) -> int:
        """The events counted for ``subject`` in its current window."""
        with _store(self.name) as store:
            return int(store.get(self.key(subject)) or 0)

    def reached(self, subject: object) -> bool:
        """Whether ``subject`` has used up its events (a look: counts nothing)."""
        return self.count(subject) >= self.maximum()

    def hit(self, subject: object) -> int:
        """Count one event for ``subject``; the count including it."""
        with _store(self.name) as store:
            return _count_hit(store, self.key(subject), self.window())

    def allows(self, subject: object) -> bool:
        """Count one event and say whether it is within the limit. Counting and comparing
        is one step, so processes running at once cannot both slip under the limit."""
        return self.hit(subject) <= self.maximum()

    def clear(self, subject: object) -> None:
        with _store(self.name) as store:
            store.delete(self.key(subject))


@contextmanager
def _store(limit_name: str):
    """The "limits" cache, its failures turned into LimitUnavailable."""
    try:
        yield caches[STORE_ALIAS]
    except RedisError as error:
        logger.warning(
            "Limit %r cannot be counted (%s: %s); refusing until the store answers.",
            limit_name,
            type(error).__name__,
            error,
        )
        raise LimitUnavailable(limit_name) from error


def _count_hit(store, key: str, window: int) -> int:
    count_hit = getattr(store, "count_hit", None)
    if count_hit is not None:  # core.cache.RedisCache: one atomic step on the server
        return count_hit(key, window)
    # Any other cache (local memory): add() starts the window, incr() counts into it; a
    # window that ends in between makes incr() miss, and the next round starts a new one.
    while True:
        store.add(key, 0, timeout=window)
        try:
            return store.incr(key)
        except ValueError:
            continue
