"""iCalendar building shared by invitations and feeds (icalendar library)."""

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar
from flask import current_app

from services.local_time import is_ambiguous

PRODID = "-//Tournée French Impact//Planification//FR"
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Organisers' text as a property value: control characters out. icalendar escapes line
    breaks, commas and semicolons, so no text can open a new line or property."""
    return _CONTROL_CHARACTERS.sub("", text or "")


def one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


def location(*parts: str | None) -> str:
    """A LOCATION value: the parts that are not empty, each on one line, joined by ", "
    (e.g. "Solilab, 8 rue Saint-Domingue 44200 Nantes, Nantes Métropole")."""
    return ", ".join(filter(None, (one_line(part or "") for part in parts)))


def organizer() -> icalendar.vCalAddress:
    """The ORGANIZER of every event we publish or send: the configured address and name."""
    address = icalendar.vCalAddress(f"mailto:{current_app.config['MAIL_ORGANIZER']}")
    address.params["cn"] = one_line(current_app.config["MAIL_ORGANIZER_NAME"])
    return address


def _paris_rules() -> icalendar.Timezone:
    """The European rule as two yearly RRULE observances, the form Outlook expects
    (icalendar's generated blocks list every date instead)."""
    zone = icalendar.Timezone()
    zone.add("tzid", "Europe/Paris")
    # Observance starts are local wall-clock times: naive by definition (RFC 5545 3.6.5).
    for kind, start, month, before, after, name in (
        (icalendar.TimezoneDaylight, datetime(1970, 3, 29, 2), 3, 1, 2, "CEST"),  # noqa: DTZ001
        (icalendar.TimezoneStandard, datetime(1970, 10, 25, 3), 10, 2, 1, "CET"),  # noqa: DTZ001
    ):
        observance = kind()
        observance.add("dtstart", start)
        observance.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1SU"})
        observance.add("tzoffsetfrom", timedelta(hours=before))
        observance.add("tzoffsetto", timedelta(hours=after))
        observance.add("tzname", name)
        zone.add_component(observance)
    return zone


def _fixed_offset(zone_name: str) -> icalendar.Timezone | None:
    """A zone without daylight saving in the years we plan (Indian/Mayotte): one block."""
    zone = ZoneInfo(zone_name)
    offsets = {
        datetime(year, month, 1, tzinfo=zone).utcoffset()
        for year in range(2000, 2038)
        for month in (1, 7)
    }
    if len(offsets) != 1:
        return None
    (offset,) = offsets
    block = icalendar.Timezone()
    block.add("tzid", zone_name)
    standard = icalendar.TimezoneStandard()
    standard.add("dtstart", datetime(1970, 1, 1))  # noqa: DTZ001 — local wall-clock time
    standard.add("tzoffsetfrom", offset)
    standard.add("tzoffsetto", offset)
    standard.add("tzname", datetime(2019, 1, 1, tzinfo=zone).tzname())
    block.add_component(standard)
    return block


@lru_cache(maxsize=32)
def _timezone_ical(zone_name: str) -> bytes:
    if zone_name == "Europe/Paris":
        block = _paris_rules()
    else:
        block = _fixed_offset(zone_name) or icalendar.Timezone.from_tzid(
            zone_name, first_date=date(2015, 1, 1), last_date=date(2037, 12, 31)
        )
    return block.to_ical()


def vtimezone(zone_name: str) -> icalendar.Timezone:
    block = icalendar.Timezone.from_ical(_timezone_ical(zone_name))
    assert isinstance(block, icalendar.Timezone)  # parsed back from a VTIMEZONE of ours
    return block


def new_calendar(method: str | None = None, name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        for key in ("name", "x-wr-calname"):
            calendar.add(key, *text_value(one_line(name)))
    return calendar


def text_value(text: str) -> tuple[icalendar.vText, dict[str, str]]:
    """A TEXT value for a property icalendar does not type as TEXT (NAME of RFC 7986,
    X-WR-CALNAME): escaped like SUMMARY, and marked VALUE=TEXT so that parsers that do not
    know the property (ical.js, icalendar) unescape it as libical does."""
    return icalendar.vText(text), {"VALUE": "TEXT"}


def add_timezones(calendar: icalendar.Calendar, zone_names: set[str]) -> None:
    """A VTIMEZONE for every TZID the events use, before the events."""
    events = list(calendar.subcomponents)
    calendar.subcomponents[:] = []
    for zone_name in sorted(zone_names):
        calendar.add_component(vtimezone(zone_name))
    calendar.subcomponents.extend(events)


def local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone_name))


def add_span(event: icalendar.Event, starts_at: datetime, ends_at: datetime, zone: str) -> None:
    """DTSTART and DTEND: local times with the zone's TZID, or both in UTC when either local
    time happens twice (02:30 on 27 October 2019 in Paris). A TZID time cannot say which of
    the two it is: RFC 5545 reads the first, libical and ical.js (Evolution, Thunderbird)
    the second; a UTC time is read alike by every client."""
    if is_ambiguous(starts_at, zone) or is_ambiguous(ends_at, zone):
        event.add("dtstart", utc(starts_at))
        event.add("dtend", utc(ends_at))
    else:
        event.add("dtstart", local(starts_at, zone))
        event.add("dtend", local(ends_at, zone))


def utc(instant: datetime) -> datetime:
    return instant.astimezone(UTC)
