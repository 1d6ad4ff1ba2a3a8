"""Rendered documents kept by a key that names their exact content: in this process's memory,
or in Redis, shared by every worker of every server, when CACHE_URL (or REDIS_URL) names one.

The same API either way (RenderedCache.get_or_render), so the code that renders feeds and
documents does not know where they are kept."""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, has_app_context

# How long a shared entry lives when nobody asks for it: keys name a content that never
# changes, so this only bounds the memory of what is not asked for any more.
SHARED_TTL_SECONDS = 24 * 3600
# One process builds while the others wait for its result, at most this long (then they
# build it themselves: a builder that died must not stall every request).
BUILD_LOCK_SECONDS = 30
WAIT_POLL_SECONDS = 0.02


@dataclass
class SharedStore:
    """A Redis database and the prefix of our keys in it (REDIS_KEY_PREFIX)."""

    client: Any  # redis.Redis
    prefix: str

    def key(self, cache: str, *parts: str) -> str:
        return ":".join((self.prefix, "cache", cache, *parts))


def init_app(app: Flask) -> None:
    """Binds the shared store of CACHE_URL, if it names Redis (memory:// keeps each
    process's own)."""
    url = app.config.get("CACHE_URL", "memory://")
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        app.extensions["rendered_cache"] = SharedStore(client, app.config["REDIS_KEY_PREFIX"])
    else:
        app.extensions.pop("rendered_cache", None)


def _shared_store() -> SharedStore | None:
    return current_app.extensions.get("rendered_cache") if has_app_context() else None


class RenderedCache:
    """The last documents rendered, by key (an ETag, or any value that changes with every
    change of the data shown). A hit is always right.

    In memory, least recently used entries go first once the total size exceeds max_bytes.
    In Redis, entries expire a day after they were last written; while one process builds
    an entry, the others asking for it wait for that build instead of repeating it, and
    each build counts in `builds` (what the several-servers test observes)."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024, name: str = "rendered"):
        self.max_bytes = max_bytes
        self.name = name
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: str, render: Callable[[], bytes]) -> bytes:
        shared = _shared_store()
        if shared is not None:
            return self._shared_get_or_render(shared, key, render)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        body = render()
        with self._lock:
            self._entries[key] = body
            while sum(map(len, self._entries.values())) > self.max_bytes and len(self._entries) > 1:
                self._entries.popitem(last=False)
        return body

    def _shared_get_or_render(
        self, shared: SharedStore, key: str, render: Callable[[], bytes]
    ) -> bytes:
        entry_key = shared.key(self.name, "entry", key)
        body = shared.client.get(entry_key)
        if body is not None:
            return body
        lock_key = shared.key(self.name, "building", key)
        if not shared.client.set(lock_key, b"1", nx=True, ex=BUILD_LOCK_SECONDS):
            deadline = time.monotonic() + BUILD_LOCK_SECONDS
            while time.monotonic() < deadline:
                time.sleep(WAIT_POLL_SECONDS)
                body = shared.client.get(entry_key)
                if body is not None:
                    return body
                if not shared.client.exists(lock_key):
                    break  # the builder failed: build it here
        try:
            body = render()
            pipeline = shared.client.pipeline()
            pipeline.set(entry_key, body, ex=SHARED_TTL_SECONDS)
            pipeline.incr(shared.key(self.name, "builds"))
            pipeline.execute()
        finally:
            shared.client.delete(lock_key)
        return body

    def builds(self) -> int:
        """How many times an entry was built into the shared store (0 in memory)."""
        shared = _shared_store()
        if shared is None:
            return 0
        return int(shared.client.get(shared.key(self.name, "builds")) or 0)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
        shared = _shared_store()
        if shared is not None:
            keys = list(shared.client.scan_iter(match=shared.key(self.name, "*"), count=500))
            if keys:
                shared.client.delete(*keys)
