"""The bytes of one feed VEVENT, written directly, and a store of them by FeedItem.

`vevent(item, organizer)` writes exactly what icalendar writes for the Event that
feeds.event_component() builds (same property order, escaping, date forms and folding at
75 octets): tests/calendar/test_incremental_feeds.py compares the two on random items.
It takes about a tenth of the time of building the component and calling to_ical().

A feed after a change serialises only the items whose FeedItem changed: `Fragments`
keeps each VEVENT by its FeedItem, i.e. by (UID, SEQUENCE, DTSTAMP — the item's last
change — and every value the VEVENT shows; fragment_key() is the same as one string).
Keying by the values, not by the item's version column alone, keeps a fragment right
when only something it shows from another row changes (a speaker's name, a territory's,
a round table listed in its stop): those edits do not bump the stop's version.
"""

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from icalendar.parser import _escape_char

from services.calendar.feed_items import FeedItem
from services.calendar.ical import clean_text, one_line

CANCELLED_PREFIX = "ANNULÉ – "
_LIMIT = 74  # octets of a line before it is folded (icalendar folds at 75, CRLF excluded)


def fold(line: str) -> str:
    """icalendar's folding: segments of at most 74 octets, never splitting a UTF-8
    character, never leaving an escaping backslash or caret at a segment's end."""
    if len(line) < _LIMIT + 1 and (line.isascii() or len(line.encode()) <= _LIMIT):
        return line
    data = line.encode()
    parts: list[bytes] = []
    start, size = 0, len(data)
    while size - start > _LIMIT:
        cut = start + _LIMIT
        while data[cut] & 0xC0 == 0x80:  # inside a character: cut before it
            cut -= 1
        if data[cut - 1] in b"\\^":
            cut -= 1
        parts.append(data[start:cut])
        start = cut
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


_SPECIAL = re.compile(r"[\\;,\r\n]")


def text(value: str) -> str:
    """A TEXT value escaped as icalendar escapes it (its own function, when there is
    anything to escape)."""
    return _escape_char(value) if _SPECIAL.search(value) else value


def _stamp(t: datetime) -> str:
    return f"{t.year:04}{t.month:02}{t.day:02}T{t.hour:02}{t.minute:02}{t.second:02}"


def _utc(instant: datetime) -> str:
    return _stamp(instant.astimezone(UTC)) + "Z"


_zone_cache: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
    zone = _zone_cache.get(name)
    if zone is None:
        zone = _zone_cache[name] = ZoneInfo(name)
    return zone


def _twice(local: datetime) -> bool:
    """services.local_time.is_ambiguous(), on the local time already converted."""
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


def _span(item: FeedItem) -> str:
    """DTSTART and DTEND lines, as ical.add_span() adds them."""
    zone = _zone(item.zone)
    start, end = item.starts_at.astimezone(zone), item.ends_at.astimezone(zone)
    if _twice(start) or _twice(end):
        return f"DTSTART:{_utc(item.starts_at)}\r\nDTEND:{_utc(item.ends_at)}"
    return f"DTSTART;TZID={item.zone}:{_stamp(start)}\r\nDTEND;TZID={item.zone}:{_stamp(end)}"


def vevent(item: FeedItem, organizer_line: str) -> bytes:
    """One VEVENT with its CRLF line ends. organizer_line: the ORGANIZER content line as
    icalendar writes it (see feeds.organizer_line()). Lines that can never reach 75
    octets (dates, SEQUENCE, GEO, STATUS) are not given to fold()."""
    summary = one_line(item.summary)
    if item.status == "CANCELLED":
        summary = CANCELLED_PREFIX + summary
    categories = ",".join([text(one_line(c)) for c in item.categories])
    parts = [
        "BEGIN:VEVENT\r\n",
        fold(f"SUMMARY:{text(summary)}"),
        "\r\n",
        _span(item),
        f"\r\nDTSTAMP:{_utc(item.dtstamp)}\r\n",
        fold(f"UID:{text(item.uid)}"),
        f"\r\nSEQUENCE:{item.sequence}\r\n",
        fold(f"CATEGORIES:{categories}"),
        "\r\n",
        fold(f"DESCRIPTION:{text(clean_text(item.description))}"),
        "\r\n",
    ]
    if item.geo:
        parts.append(f"GEO:{item.geo[0]};{item.geo[1]}\r\n")
    if item.location:
        parts += [fold(f"LOCATION:{text(one_line(item.location))}"), "\r\n"]
    parts += [
        fold(organizer_line),
        f"\r\nSTATUS:{text(item.status)}\r\n",
        fold(f"URL:{item.url}"),
        "\r\nEND:VEVENT\r\n",
    ]
    return "".join(parts).encode()


class Fragments(Protocol):
    """Where serialised VEVENTs are kept: this process's memory by default. A store shared
    by every process (e.g. on Redis) implements the same three calls, with key() returning
    fragment_key(item, organizer_line), a string that is the same in every process."""

    def key(self, item: FeedItem, organizer_line: str) -> Hashable: ...

    def get_many(self, keys: list[Any]) -> dict[Any, bytes]: ...

    def set_many(self, fragments: dict[Any, bytes]) -> None: ...


class LocalFragments:
    """Least recently used fragments of this process, up to max_bytes. Keyed by the
    FeedItem itself (with the ORGANIZER line): equal items are equal values, so a hit is
    always right, and hashing one costs less than a digest."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def key(self, item: FeedItem, organizer_line: str) -> Hashable:
        return (item, organizer_line)

    def get_many(self, keys: list[Any]) -> dict[Any, bytes]:
        found = {}
        with self._lock:
            entries = self._entries
            for key in keys:
                body = entries.get(key)
                if body is not None:
                    entries.move_to_end(key)
                    found[key] = body
        return found

    def set_many(self, fragments: dict[Any, bytes]) -> None:
        with self._lock:
            for key, body in fragments.items():
                if key not in self._entries:
                    self._size += len(body)
                self._entries[key] = body
            while self._size > self.max_bytes and len(self._entries) > 1:
                _key, body = self._entries.popitem(last=False)
                self._size -= len(body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._entries)


def fragment_key(item: FeedItem, organizer_line: str) -> str:
    """A string naming exactly the bytes vevent() writes for this item, the same in every
    process: for a shared store (the digest covers every value shown and the organizer)."""
    parts = (
        item.uid,
        str(item.sequence),
        item.dtstamp.isoformat(),
        item.starts_at.isoformat(),
        item.ends_at.isoformat(),
        item.zone,
        item.summary,
        item.location,
        repr(item.geo),
        item.url,
        item.description,
        "\x1e".join(item.categories),
        item.status,
        organizer_line,
    )
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"vevent:{item.uid}:{item.sequence}:{digest}"


def vevents(items: Iterable[FeedItem], organizer_line: str, store: Fragments) -> list[bytes]:
    """The VEVENTs of these items in their order: from the store when kept, else written
    (and kept)."""
    items = list(items)
    keys = [store.key(item, organizer_line) for item in items]
    found = store.get_many(keys)
    written: dict[Any, bytes] = {}
    result = []
    for key, item in zip(keys, items, strict=True):
        body = found.get(key)
        if body is None:
            body = written[key] = vevent(item, organizer_line)
        result.append(body)
    if written:
        store.set_many(written)
    return result
