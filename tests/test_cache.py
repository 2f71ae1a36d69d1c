"""The per-worker cache: bounded, least recently used first, and in verify
mode a stale entry is an error."""

from __future__ import annotations

import pytest

from silkmeet.cache import ComputeCache
from silkmeet.cache import StaleEntry


def build(value):
    calls = []

    def make():
        calls.append(1)
        return value

    return make, calls


def test_a_hit_builds_nothing():
    cache = ComputeCache(max_bytes=1000)
    make, calls = build("x" * 10)
    assert cache.get_or_build("k", make) == "x" * 10
    assert cache.get_or_build("k", make) == "x" * 10
    assert len(calls) == 1 and (cache.hits, cache.misses) == (1, 1)


def test_bytes_and_entries_are_bounded_least_recently_used_first():
    cache = ComputeCache(max_bytes=100, max_entries=3)
    for key in "abc":
        cache.get_or_build(key, build("x" * 20)[0])
    cache.get_or_build("a", build("unused")[0])  # a is now the most recent
    cache.get_or_build("d", build("x" * 20)[0])  # four entries: b goes
    assert len(cache) == 3
    make, calls = build("x" * 20)
    cache.get_or_build("b", make)
    assert calls == [1]
    cache.get_or_build("e", build("y" * 25)[0])
    cache.get_or_build("f", build("y" * 25)[0])
    assert cache._bytes <= 100


def test_an_entry_over_a_quarter_of_the_cache_is_not_kept():
    cache = ComputeCache(max_bytes=100)
    cache.get_or_build("small", build("x" * 10)[0])
    make, calls = build("x" * 26)
    cache.get_or_build("big", make)
    cache.get_or_build("big", make)
    assert len(calls) == 2
    assert len(cache) == 1


def test_zero_turns_it_off():
    cache = ComputeCache(max_bytes=0)
    make, calls = build("x")
    cache.get_or_build("k", make)
    cache.get_or_build("k", make)
    assert len(calls) == 2 and len(cache) == 0


def test_verify_mode_raises_on_a_stale_entry():
    cache = ComputeCache(max_bytes=1000, verify=True)
    cache.get_or_build("k", build("old")[0])
    assert cache.get_or_build("k", build("old")[0]) == "old"
    with pytest.raises(StaleEntry):
        cache.get_or_build("k", build("new")[0])
