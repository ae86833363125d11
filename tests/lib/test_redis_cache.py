"""The tolerant Redis cache: an outage is an empty cache, logged now and then, tried again after a pause."""

import logging

import pytest
import redis

from meetings.lib.redis_cache import TolerantRedisCache
from tests.support.redis_server import free_port, redis_server


def tolerant(url: str, **options) -> TolerantRedisCache:
    return TolerantRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 2, **options}})


@pytest.fixture
def down() -> TolerantRedisCache:
    """A cache whose Redis is not there (a port nothing listens on)."""
    return tolerant(f"redis://127.0.0.1:{free_port()}/0", RETRY_SECONDS=0)


def test_every_operation_is_a_miss_while_redis_is_down(down):
    assert down.get("k") is None
    assert down.get("k", "default") == "default"
    assert down.get_or_set("k", "computed") == "computed"
    down.set("k", "v")
    assert down.add("k", "v") is False
    assert down.delete("k") is False
    assert down.has_key("k") is False
    assert down.touch("k") is False
    assert down.get_many(["a", "b"]) == {}
    assert down.set_many({"a": 1, "b": 2}) == ["a", "b"]
    down.delete_many(["a", "b"])
    with pytest.raises(ValueError):
        down.incr("k")  # as for a key that is not there


def test_the_strict_view_raises_what_the_outage_is(down):
    with pytest.raises(redis.ConnectionError):
        down.strict.get("k")


def test_the_outage_is_logged_once_within_the_warning_interval(caplog):
    cache = tolerant(f"redis://127.0.0.1:{free_port()}/0", RETRY_SECONDS=0, WARNING_SECONDS=3600)
    with caplog.at_level(logging.WARNING, logger="meetings.lib.redis_cache"):
        for _ in range(5):
            cache.get("k")
    assert len(caplog.records) == 1
    assert "unavailable" in caplog.records[0].getMessage()


def test_after_a_failure_redis_is_not_tried_again_until_the_retry_interval(monkeypatch):
    cache = tolerant(f"redis://127.0.0.1:{free_port()}/0", RETRY_SECONDS=3600)
    cache.get("k")
    tried = []
    monkeypatch.setattr(cache._cache, "get", lambda *args: tried.append(args))
    assert cache.get("k", "default") == "default"
    assert tried == [], "a known outage costs no connection attempt"
    with pytest.raises(redis.ConnectionError):
        cache.strict.get("k")  # the strict view too: at once
    assert tried == []


def test_the_strict_view_offers_only_the_cache_operations(down):
    with pytest.raises(AttributeError):
        down.strict.clear()


def test_the_cache_serves_again_once_redis_is_back(tmp_path, caplog):
    with redis_server(tmp_path) as (url, process):
        cache = tolerant(url, RETRY_SECONDS=0)
        cache.set("k", "v")
        assert cache.get("k") == "v"
        process.kill()
        process.wait(timeout=10)
        assert cache.get("k") is None
        port = int(url.rsplit(":", 1)[1].split("/")[0])
    with redis_server(tmp_path, port=port) as (url_again, _):
        assert url_again == url
        with caplog.at_level(logging.WARNING, logger="meetings.lib.redis_cache"):
            cache.set("k", "back")
            assert cache.get("k") == "back"
        assert "answers again" in caplog.text
