"""Five independent iCalendar parsers reading the same bytes, as the calendar clients do:
icalendar, vobject and ical (Python), libical (C: Evolution and many CalDAV servers) and
ical.js (JavaScript: Thunderbird). Each gives a Reading: every event's start and end in UTC
by UID, their SUMMARY, LOCATION and DESCRIPTION, the calendar's name, and the errors it
reported.

libical is read through libical_events.c, compiled once per test session against Debian's
libical-dev; ical.js through icaljs_events.mjs, with the ical.js that package-lock.json pins
(`npm ci` in this folder). `make test` installs both; a missing one fails the tests, it is
never skipped.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import vobject
from ical.calendar_stream import IcsCalendarStream

HERE = Path(__file__).parent
SETUP = "run `make test` (it installs libical-dev, gcc and node's ical.js), or see the Makefile"


@dataclass
class Reading:
    """What one parser read. x_wr_calname is None for a parser that leaves unknown
    properties undecoded (ical)."""

    events: dict[str, tuple[str, str]]
    texts: dict[str, tuple[str, str, str]]
    name: str | None
    x_wr_calname: str | None
    errors: list[str] = field(default_factory=list)


def _iso(value: date | datetime) -> str:
    if isinstance(value, datetime):
        assert value.tzinfo is not None, f"floating time {value}"
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def _from_json(output: str) -> Reading:
    data = json.loads(output)
    return Reading(
        events={e["uid"]: (e["start"], e["end"]) for e in data["events"]},
        texts={e["uid"]: tuple(e["texts"]) for e in data["events"]},
        name=data["name"],
        x_wr_calname=data["x_wr_calname"],
        errors=data["errors"],
    )


def _run(command: list[str], body: bytes) -> str:
    done = subprocess.run(command, input=body, capture_output=True, check=False, timeout=60)
    assert done.returncode == 0, f"{command[0]} failed: {done.stderr.decode()}"
    return done.stdout.decode()


def build_libical_reader(folder: Path) -> Path:
    """libical_events.c compiled against the system's libical: the program's path."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, f"no C compiler to build the libical reader: {SETUP}"
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "libical"], capture_output=True, check=False
    )
    assert flags.returncode == 0, f"libical-dev is not installed: {SETUP}"
    program = folder / "libical_events"
    subprocess.run(
        [
            compiler,
            "-Wall",
            "-Werror",
            "-o",
            str(program),
            str(HERE / "libical_events.c"),
            *flags.stdout.decode().split(),
        ],
        check=True,
    )
    return program


def check_icaljs_installed() -> None:
    assert shutil.which("node"), f"node is not installed: {SETUP}"
    assert (HERE / "node_modules" / "ical.js" / "package.json").exists(), (
        f"ical.js is not installed in {HERE}: {SETUP}"
    )


def with_libical(program: Path, body: bytes) -> Reading:
    return _from_json(_run([str(program)], body))


def with_icaljs(body: bytes) -> Reading:
    return _from_json(_run(["node", str(HERE / "icaljs_events.mjs")], body))


def with_icalendar(body: bytes) -> Reading:
    calendar = icalendar.Calendar.from_ical(body)
    vevents = calendar.walk("VEVENT")
    events = {
        str(e["UID"]): (_iso(e.decoded("DTSTART")), _iso(e.decoded("DTEND"))) for e in vevents
    }
    texts = {
        str(e["UID"]): tuple(str(e.get(key, "")) for key in ("SUMMARY", "LOCATION", "DESCRIPTION"))
        for e in vevents
    }
    errors = [f"{c.name}: {error}" for c in calendar.walk() for error in c.errors]
    name, x_name = calendar.get("NAME"), calendar.get("X-WR-CALNAME")
    return Reading(
        events,
        texts,
        None if name is None else str(name),
        None if x_name is None else str(x_name),
        errors,
    )


def with_vobject(body: bytes) -> Reading:
    calendar = vobject.readOne(body.decode())
    vevents = calendar.contents.get("vevent", [])
    events = {e.uid.value: (_iso(e.dtstart.value), _iso(e.dtend.value)) for e in vevents}

    def value(component, key: str) -> str | None:
        lines = component.contents.get(key)
        return lines[0].value if lines else None

    texts = {
        e.uid.value: tuple(value(e, key) or "" for key in ("summary", "location", "description"))
        for e in vevents
    }
    return Reading(events, texts, value(calendar, "name"), value(calendar, "x-wr-calname"))


def with_ical(body: bytes) -> Reading:
    calendar = IcsCalendarStream.calendar_from_ics(body.decode())
    events, texts = {}, {}
    for event in calendar.events:
        assert event.uid is not None and event.dtstart is not None and event.dtend is not None
        events[event.uid] = (_iso(event.dtstart), _iso(event.dtend))
        texts[event.uid] = (event.summary or "", event.location or "", event.description or "")
    return Reading(events, texts, calendar.name[0] if calendar.name else None, None)


def every_reading(libical: Path, body: bytes) -> dict[str, Reading]:
    """The same bytes read by the five parsers, by parser name."""
    return {
        "icalendar": with_icalendar(body),
        "vobject": with_vobject(body),
        "ical": with_ical(body),
        "libical": with_libical(libical, body),
        "ical.js": with_icaljs(body),
    }
