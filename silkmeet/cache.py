"""What a worker computed from a conference, kept under its content version.

A key always holds ``(conference id, created at, content version)``: the
version is raised in the same transaction as any change to the conference's content
(:mod:`silkmeet.models.versioning`), so a request that read the version from the
database and finds an entry under it gets what it would have computed itself.
Nothing is shared between workers or hosts and nothing needs invalidating: an
entry of an older version is never asked for again and ages out.

The cache is per application (``app.extensions``), bounded by a number of
entries and by the size of the text it holds (``COMPUTE_CACHE_MIB``; 0 turns it
off), and least recently used entries go first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Hashable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")

MAX_ENTRIES = 512


class StaleEntry(AssertionError):
    """A kept entry differs from what its key builds now: a change of content
    did not raise the conference's content version."""


class ComputeCache:
    def __init__(
        self, max_bytes: int, max_entries: int = MAX_ENTRIES, verify: bool = False
    ):
        self.max_bytes = max_bytes
        # Tests set COMPUTE_CACHE_VERIFY: every hit is built again and must
        # equal what was kept, so a change that fails to raise the version
        # fails whichever test reads after writing.
        self.verify = verify
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_build(self, key: Hashable, build: Callable[[], T]) -> T:
        if self.max_bytes <= 0:
            return build()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                if not self.verify:
                    return entry[0]  # type: ignore[return-value]
            else:
                self.misses += 1
        if entry is not None:
            fresh = build()
            if fresh != entry[0]:
                raise StaleEntry(key)
            return entry[0]  # type: ignore[return-value]
        value = build()
        self.put(key, value)
        return value

    def put(self, key: Hashable, value: object) -> None:
        size = _size(value)
        if size > self.max_bytes // 4:
            return  # one entry may not push out everything else
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._entries[key] = (value, size)
            self._bytes += size
            while self._entries and (
                self._bytes > self.max_bytes or len(self._entries) > self.max_entries
            ):
                _key, (_value, dropped) = self._entries.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


def _size(value: object) -> int:
    """The text an entry holds, which is what makes entries large; computed
    objects declare theirs with a ``cache_size`` attribute."""
    if isinstance(value, str | bytes):
        return len(value)
    return int(getattr(value, "cache_size", 1024))


def init_app(app) -> None:
    mib = float(app.config.get("COMPUTE_CACHE_MIB", 64))
    app.extensions["silkmeet_cache"] = ComputeCache(
        int(mib * 1024 * 1024), verify=bool(app.config.get("COMPUTE_CACHE_VERIFY"))
    )


def compute_cache() -> ComputeCache:
    return current_app.extensions["silkmeet_cache"]


def content_key(conference_id: int, created_at, version: int) -> tuple:
    """What names one version of one conference. ``created_at`` tells apart two
    conferences that had the same id (SQLite reuses the highest id after a
    delete; both would start at version 1)."""
    return (conference_id, created_at, version)


def conference_key(conference) -> tuple:
    return content_key(conference.id, conference.created_at, conference.content_version)


def cached(kind: str, key: tuple, extra: Hashable, build: Callable[[], T]) -> T:
    """``build()``, or what it returned for the same conference version
    (``key``: :func:`conference_key`)."""
    return compute_cache().get_or_build((kind, key, extra), build)
