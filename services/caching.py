"""Rendered documents kept in memory, by a key that names their exact content."""

import threading
from collections import OrderedDict
from collections.abc import Callable


class RenderedCache:
    """The last documents rendered by this process, by key (an ETag, or any value that
    changes with every change of the data shown). A hit is always right; least recently
    used entries go first once the total size exceeds max_bytes."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: str, render: Callable[[], bytes]) -> bytes:
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

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
