"""The bytes of one feed VEVENT, written directly, and a store of them by FeedItem.

`vevent(item, organizer)` writes exactly what icalendar writes for the Event that
feeds.event_component() builds (same property order, escaping, date forms and folding at
75 octets): tests/calendar/test_incremental_feeds.py compares the two on random items.
It takes about a tenth of the time of building the component and calling to_ical().

A feed after a change serialises only the items whose FeedItem changed: `Fragments`
keeps each VEVENT by its FeedItem, i.e. by (UID, SEQUENCE, DTSTAMP — the item's last
change — and every value the VEVENT shows). Keying by the values, not by the item's
version column alone, keeps a fragment right when only something it shows from another
row changes (a speaker's name, a territory's, a round table listed in its stop): those
edits do not bump the stop's version.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from icalendar.parser import _escape_char

from services.calendar.feed_items import FeedItem
from services.calendar.ical import clean_text, one_line
from services.local_time import is_ambiguous

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


def text(value: str) -> str:
    return _escape_char(value)


def _stamp(instant: datetime) -> str:
    return f"{instant:%Y%m%dT%H%M%S}"


def _utc(instant: datetime) -> str:
    return _stamp(instant.astimezone(UTC)) + "Z"


_zone_cache: dict[str, ZoneInfo] = {}


def _zone(name: str) -> ZoneInfo:
    zone = _zone_cache.get(name)
    if zone is None:
        zone = _zone_cache[name] = ZoneInfo(name)
    return zone


def _span(item: FeedItem) -> tuple[str, str]:
    """DTSTART and DTEND lines, as ical.add_span() adds them."""
    if is_ambiguous(item.starts_at, item.zone) or is_ambiguous(item.ends_at, item.zone):
        return f"DTSTART:{_utc(item.starts_at)}", f"DTEND:{_utc(item.ends_at)}"
    zone = _zone(item.zone)
    tzid = f"TZID={item.zone}"
    return (
        f"DTSTART;{tzid}:{_stamp(item.starts_at.astimezone(zone))}",
        f"DTEND;{tzid}:{_stamp(item.ends_at.astimezone(zone))}",
    )


def vevent(item: FeedItem, organizer_line: str) -> bytes:
    """One VEVENT with its CRLF line ends. organizer_line: the ORGANIZER content line as
    icalendar writes it (see feeds.organizer_line())."""
    summary = one_line(item.summary)
    if item.status == "CANCELLED":
        summary = CANCELLED_PREFIX + summary
    start, end = _span(item)
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{text(summary)}",
        start,
        end,
        f"DTSTAMP:{_utc(item.dtstamp)}",
        f"UID:{text(item.uid)}",
        f"SEQUENCE:{item.sequence}",
        "CATEGORIES:" + ",".join(text(one_line(c)) for c in item.categories),
        f"DESCRIPTION:{text(clean_text(item.description))}",
    ]
    if item.geo:
        lines.append(f"GEO:{item.geo[0]};{item.geo[1]}")
    if item.location:
        lines.append(f"LOCATION:{text(one_line(item.location))}")
    lines += [organizer_line, f"STATUS:{text(item.status)}", f"URL:{item.url}", "END:VEVENT"]
    return ("\r\n".join(map(fold, lines)) + "\r\n").encode()


class Fragments(Protocol):
    """Where serialised VEVENTs are kept: this process's memory by default; a store shared
    by every process (e.g. on Redis) implements the same two calls with string keys."""

    def get_many(self, keys: list[str]) -> dict[str, bytes]: ...

    def set_many(self, fragments: dict[str, bytes]) -> None: ...


class LocalFragments:
    """Least recently used fragments of this process, up to max_bytes."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, bytes]:
        found = {}
        with self._lock:
            entries = self._entries
            for key in keys:
                body = entries.get(key)
                if body is not None:
                    entries.move_to_end(key)
                    found[key] = body
        return found

    def set_many(self, fragments: dict[str, bytes]) -> None:
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
    """A string naming exactly the bytes vevent() writes for this item (a shared store
    needs string keys; the digest covers every value shown and the organizer)."""
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
    keys = [fragment_key(item, organizer_line) for item in items]
    found = store.get_many(keys)
    written: dict[str, bytes] = {}
    result = []
    for key, item in zip(keys, items, strict=True):
        body = found.get(key)
        if body is None:
            body = written[key] = vevent(item, organizer_line)
        result.append(body)
    if written:
        store.set_many(written)
    return result
