"""Limits counted in the shared Redis (core/limits.py) and the cache that survives an outage
(core/cache.py), against the machine's real Redis."""

import logging
import os
import subprocess
import sys
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches

from core.limits import Limit, LimitUnavailable
from tests.shared_redis import separate_client

ADDRESS = "203.0.113.7"


def limit(maximum=3, window=60, name="test"):
    return Limit(name, maximum=lambda: maximum, window=lambda: window)


def raw_redis(url):
    return redis.Redis.from_url(url)


def test_two_clients_count_into_one_number(shared_redis):
    counter = limit()
    key = caches["limits"].make_and_validate_key(counter.key(ADDRESS))
    first, second = separate_client("limits"), separate_client("limits")
    assert first is not second and first._cache is not second._cache
    assert first.count_hit(counter.key(ADDRESS), 60) == 1
    assert second.count_hit(counter.key(ADDRESS), 60) == 2
    assert counter.hit(ADDRESS) == 3
    assert counter.reached(ADDRESS)
    assert counter.count("198.51.100.1") == 0  # another subject has its own count
    assert raw_redis(shared_redis["limits"]["LOCATION"]).get(key) == b"3"


def test_a_limit_counted_in_another_process_is_seen_here(shared_redis):
    counter = limit(maximum=2)
    counter.hit(ADDRESS)
    snippet = (
        "from core.limits import Limit; "
        f"print(Limit('test', maximum=lambda: 2, window=lambda: 60).hit({ADDRESS!r}))"
    )
    prefix = shared_redis["limits"]["KEY_PREFIX"].removesuffix(":limits")
    env = {
        **os.environ,
        "REDIS_URL": shared_redis["limits"]["LOCATION"],
        "REDIS_KEY_PREFIX": prefix,
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1/unused"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", snippet],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "2"
    assert counter.reached(ADDRESS)
    assert not counter.allows(ADDRESS)


def test_allows_counts_and_compares_in_one_step(shared_redis):
    counter = limit(maximum=2)
    assert [counter.allows(ADDRESS) for _ in range(4)] == [True, True, False, False]
    assert counter.count(ADDRESS) == 4


@pytest.mark.parametrize("store", ["redis", "memory"])
def test_the_window_starts_at_the_first_hit_and_ends(request, store):
    if store == "redis":
        request.getfixturevalue("shared_redis")
    counter = limit(maximum=2, window=1)
    counter.hit(ADDRESS)
    counter.hit(ADDRESS)
    assert counter.reached(ADDRESS)
    time.sleep(1.2)
    assert counter.count(ADDRESS) == 0
    assert counter.hit(ADDRESS) == 1


def test_a_counter_always_carries_its_expiry(shared_redis):
    counter = limit(window=90)
    key = caches["limits"].make_and_validate_key(counter.key(ADDRESS))
    client = raw_redis(shared_redis["limits"]["LOCATION"])
    counter.hit(ADDRESS)
    client.persist(key)  # a counter left without an expiry by anything else...
    counter.hit(ADDRESS)
    assert 0 < client.ttl(key) <= 90  # ...gets one back on its next hit


def test_no_e_mail_address_is_stored_in_redis(shared_redis):
    counter = limit()
    counter.hit("aibek@example.edu")
    client = raw_redis(shared_redis["limits"]["LOCATION"])
    keys = [k.decode() for k in client.scan_iter(match=f"{caches['limits'].key_prefix}:*")]
    assert len(keys) == 1 and "aibek" not in keys[0]


def test_clear_deletes_this_caches_keys_only(shared_redis):
    client = raw_redis(shared_redis["limits"]["LOCATION"])
    foreign = f"{caches['default'].key_prefix}-queue"  # e.g. the Celery queue's list
    client.rpush(foreign, "task")
    try:
        caches["default"].set("page", "html")
        limit().hit(ADDRESS)
        caches["default"].clear()
        assert caches["default"].get("page") is None
        assert limit().count(ADDRESS) == 1  # the limits' keys are not the cache's
        assert client.lrange(foreign, 0, -1) == [b"task"]
    finally:
        client.delete(foreign)


def test_an_unreachable_store_makes_every_limit_refuse(unreachable_redis, caplog):
    counter = limit()
    with caplog.at_level(logging.WARNING, logger="core.limits"):
        with pytest.raises(LimitUnavailable):
            counter.hit(ADDRESS)
        with pytest.raises(LimitUnavailable):
            counter.reached(ADDRESS)
        with pytest.raises(LimitUnavailable):
            counter.allows(ADDRESS)
    assert "cannot be counted" in caplog.text


def test_an_unreachable_cache_misses_stores_nothing_and_warns_once(unreachable_redis, caplog):
    cache = caches["default"]
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert cache.get("page") is None
        assert cache.get("page", "fallback") == "fallback"
        cache.set("page", "html")
        assert cache.add("page", "html") is False
        assert cache.get_or_set("figures", lambda: 42) == 42
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.has_key("page") is False
        assert cache.delete("page") is False
        with pytest.raises(ValueError):
            cache.incr("count")
    warnings = [r for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "Redis cache unavailable" in warnings[0].getMessage()


def test_the_cache_tries_redis_again_after_a_pause(unreachable_redis, monkeypatch, caplog):
    from core import cache as core_cache

    cache = caches["default"]
    now = [1000.0]
    monkeypatch.setattr(core_cache, "_clock", lambda: now[0])
    connects = []
    real_get = core_cache.RedisCache.get

    def counting_get(self, *args, **kwargs):
        connects.append(1)
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(core_cache.RedisCache, "get", counting_get)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        for _ in range(5):
            cache.get("page")
        assert len(connects) == 1  # one attempt, then Redis is left alone
        now[0] += core_cache.ResilientRedisCache.retry_after + 0.1
        cache.get("page")
        assert len(connects) == 2
    assert len([r for r in caplog.records if r.name == "core.cache"]) == 2


@pytest.mark.parametrize(
    "refusal", [redis.exceptions.OutOfMemoryError, redis.exceptions.ReadOnlyError]
)
def test_a_full_or_read_only_redis_is_a_cache_that_stores_nothing(shared_redis, monkeypatch,
                                                                   caplog, refusal):  # fmt: skip
    def refuse(self, *args, **kwargs):
        raise refusal("refused")

    monkeypatch.setattr(redis.Redis, "set", refuse)
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        caches["default"].set("page", "html")
        assert caches["default"].get_or_set("figures", lambda: 42) == 42
    assert "Redis cache unavailable" in caplog.text
