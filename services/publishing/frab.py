"""A tour's programme in the frab schedule format (c3voc's schema.json and
schedule.xml.xsd), which Giggity, EventFahrplan, info-beamer and c3voc's tools read.

Only what visitors may see: confirmed stops and their round tables, open workshops
(a cancelled item has no place in a format without a status: it leaves the schedule);
speakers by their public name and page, never an e-mail address or an online meeting link.
Every time is written in its stop's own zone with its offset (Mayotte: +03:00), and each
event's GUID is uuid5 of its calendar UID under a fixed namespace: it never changes.
The text is French for everyone, as in the calendar feeds: an event's abstract is its own
description, its description says where it belongs (stop, challenge, territories).
"""

import json
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from models import RoundTable, StopStatus, Tour, TourStop, Workshop, WorkshopStatus
from models.territory import MAINLAND_ZONE
from services.caching import RenderedCache
from services.planning import tours
from services.publishing.releases import latest_release
from services.registration import workshops as workshop_queries
from services.text import slugify
from services.urls import absolute_url

# Fixed for ever: every GUID of our schedules is uuid5(FRAB_NAMESPACE, something of ours).
FRAB_NAMESPACE = uuid.UUID("23aac3ba-083d-4706-822b-243c9f96ba76")
# Part of the exports' ETags: a change in how schedules are written must change them all.
FRAB_FORMAT = "1"
SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
TIMESLOT = "00:15"
ONLINE_ROOM = "En ligne"

# Schedules rendered by this process, by ETag (see blueprints/publishing.py).
rendered_schedules = RenderedCache(max_bytes=16 * 1024 * 1024, name="schedules")


def guid(name: str) -> str:
    return str(uuid.uuid5(FRAB_NAMESPACE, name))


def event_id(item: RoundTable | Workshop) -> int:
    """frab's (deprecated) integer id, unique across both kinds: even for round tables,
    odd for workshops."""
    return 2 * item.id if isinstance(item, RoundTable) else 2 * item.id + 1


@dataclass(frozen=True)
class Person:
    id: int
    guid: str
    name: str
    url: str


@dataclass(frozen=True)
class Link:
    url: str
    title: str


@dataclass(frozen=True)
class Event:
    guid: str
    id: int
    starts_at: datetime  # aware, in the stop's zone
    ends_at: datetime
    room: str
    slug: str
    url: str
    title: str
    subtitle: str
    track: str | None
    type: str
    abstract: str
    description: str
    persons: tuple[Person, ...]
    links: tuple[Link, ...]


@dataclass
class Day:
    index: int
    date: date
    starts_at: datetime
    ends_at: datetime
    rooms: dict[str, list[Event]] = field(default_factory=dict)


@dataclass
class Schedule:
    version: str
    acronym: str
    title: str
    start: date
    end: date
    time_zone_name: str
    url: str
    rooms: list[str]
    tracks: list[str]
    days: list[Day]


def acronym(tour: Tour) -> str:
    """The tour's slug as frab wants an acronym: [a-z0-9_], at least four characters."""
    text = re.sub(r"[^a-z0-9_]", "_", tour.slug.lower())
    return text if len(text) >= 4 else f"tour_{text}"


def _person(listing_speaker) -> Person:
    return Person(
        id=listing_speaker.id,
        guid=guid(f"speaker:{listing_speaker.id}"),
        name=listing_speaker.name,
        url=absolute_url("speakers.profile", speaker_id=listing_speaker.id),
    )


def _room_name(territory_name: str, place: str) -> str:
    """Rooms are global in frab: each is named with its territory ("Nantes Métropole –
    Salle 1"), so two stops' "Salle 1" stay two rooms."""
    return f"{territory_name} – {place}" if place else territory_name


def stop_room(stop: TourStop, room: str = "") -> str:
    return _room_name(stop.territory.name, room or stop.venue_name)


def _lines(*parts: str | None) -> str:
    return "\n".join(part for part in parts if part)


def _slug(prefix: str, item_id: int, title: str) -> str:
    return "-".join(part for part in (prefix, str(item_id), slugify(title, 60)) if part)


def round_table_event(table: RoundTable, tour_acronym: str) -> Event:
    stop, zone = table.stop, table.stop.zone
    return Event(
        guid=guid(table.uid),
        id=event_id(table),
        starts_at=table.starts_at.astimezone(zone),
        ends_at=table.ends_at.astimezone(zone),
        room=stop_room(stop, table.room),
        slug=_slug(tour_acronym, event_id(table), table.title),
        url=absolute_url("public.stop", stop_id=stop.id) + f"#table-ronde-{table.id}",
        title=table.title,
        subtitle=f"Table ronde – étape de {stop.territory.name}",
        track=table.challenge.name if table.challenge else None,
        type="discussion",
        abstract=table.description,
        description=_lines(
            f"Étape : {stop.territory.name}",
            f"Structure hôte : {stop.host_organisation.name}" if stop.host_organisation else None,
            f"Défi : {table.challenge.name}" if table.challenge else None,
        ),
        persons=tuple(_person(p.speaker) for p in table.participants),
        links=(
            Link(absolute_url("calendar.round_table", table_id=table.id), "Agenda (iCalendar)"),
        ),
    )


def workshop_room(workshop: Workshop) -> str:
    """Its venue; else "En ligne" (the link itself is for confirmed participants only)."""
    territory = workshop.host_territory.name
    if workshop.venue_name:
        return _room_name(territory, workshop.venue_name)
    return _room_name(territory, ONLINE_ROOM if workshop.online_url else "")


def workshop_event(workshop: Workshop, tour_acronym: str) -> Event:
    zone = workshop.host_territory.zone
    facilitators = tuple(_person(s) for s in workshop.facilitators)
    return Event(
        guid=guid(workshop.uid),
        id=event_id(workshop),
        starts_at=workshop.starts_at.astimezone(zone),
        ends_at=workshop.ends_at.astimezone(zone),
        room=workshop_room(workshop),
        slug=_slug(tour_acronym, event_id(workshop), workshop.title),
        url=absolute_url("workshops.detail", workshop_id=workshop.id),
        title=workshop.title,
        subtitle="Atelier inter-territoires – " + ", ".join(t.name for t in workshop.territories),
        track=workshop.challenge.name,
        type="workshop",
        abstract=workshop.description,
        description=_lines(
            f"Défi : {workshop.challenge.name}",
            f"Territoire hôte : {workshop.host_territory.name}",
            "Territoires : " + ", ".join(t.name for t in workshop.territories),
        ),
        persons=facilitators,
        links=(
            Link(absolute_url("workshops.detail", workshop_id=workshop.id), "Inscription"),
            Link(absolute_url("calendar.workshop", workshop_id=workshop.id), "Agenda (iCalendar)"),
        ),
    )


@dataclass
class _Slot:
    """Something that takes place on a local day: a stop (its rooms, even empty) or an event."""

    starts_at: datetime
    ends_at: datetime
    room: str
    event: Event | None = None


def _days(slots: list[_Slot]) -> list[Day]:
    by_date: dict[date, list[_Slot]] = {}
    for slot in slots:
        by_date.setdefault(slot.starts_at.date(), []).append(slot)
    days = []
    for index, day in enumerate(sorted(by_date), start=1):
        on_day = sorted(by_date[day], key=lambda s: (s.starts_at, s.room))
        rooms: dict[str, list[Event]] = {}
        for slot in on_day:
            events = rooms.setdefault(slot.room, [])
            if slot.event is not None:
                events.append(slot.event)
        days.append(
            Day(
                index=index,
                date=day,
                starts_at=min(on_day, key=lambda s: s.starts_at).starts_at,
                ends_at=max(on_day, key=lambda s: s.ends_at).ends_at,
                rooms=rooms,
            )
        )
    return days


def tour_schedule(tour: Tour) -> Schedule:
    """What the exports show of a tour (see the module's docstring)."""
    stops = [
        s for s in tours.tour_stops(tour, include_drafts=False) if s.status == StopStatus.CONFIRMED
    ]
    workshops = [w for w in workshop_queries.all_workshops(tour) if w.status == WorkshopStatus.OPEN]
    code = acronym(tour)
    slots: list[_Slot] = []
    changed: list[datetime] = []
    for stop in stops:
        slots.append(_Slot(stop.local_start, stop.local_end, stop_room(stop)))
        changed.append(stop.updated_at)
        for table in stop.round_tables:
            event = round_table_event(table, code)
            slots.append(_Slot(event.starts_at, event.ends_at, event.room, event))
            changed.append(table.updated_at)
    for workshop in workshops:
        event = workshop_event(workshop, code)
        slots.append(_Slot(event.starts_at, event.ends_at, event.room, event))
        changed.append(workshop.updated_at)
    days = _days(slots)
    rooms = sorted({room for day in days for room in day.rooms})
    tracks = sorted({e.track for day in days for r in day.rooms.values() for e in r if e.track})
    # The latest release's name when there is one (what the change log calls it); else the
    # time of the last change.
    release = latest_release(tour)
    if release is not None:
        version = release.name
    else:
        version = max(changed).strftime("%Y-%m-%dT%H:%M:%SZ") if changed else "0"
    return Schedule(
        version=version,
        acronym=code,
        title=f"Tournée French Impact – {tour.title}",
        start=tour.start_date,
        end=tour.end_date,
        time_zone_name=MAINLAND_ZONE,
        url=absolute_url("public.tour", slug=tour.slug),
        rooms=rooms,
        tracks=tracks,
        days=days,
    )


# Writing ----------------------------------------------------------------------------------


def _clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _json_event(event: Event) -> dict:
    return {
        "guid": event.guid,
        "id": event.id,
        "date": event.starts_at.isoformat(),
        "start": _clock(event.starts_at),
        "end": event.ends_at.isoformat(),
        "duration": _duration(event.ends_at - event.starts_at),
        "room": event.room,
        "slug": event.slug,
        "url": event.url,
        "title": event.title,
        "subtitle": event.subtitle,
        "track": event.track,
        "type": event.type,
        "language": "fr",
        "abstract": event.abstract,
        "description": event.description,
        "persons": [
            {"id": p.id, "guid": p.guid, "name": p.name, "url": p.url} for p in event.persons
        ],
        "links": [{"url": link.url, "title": link.title} for link in event.links],
    }


def schedule_json(schedule: Schedule) -> bytes:
    document = {
        "$schema": SCHEMA_URL,
        "generator": {"name": "tournee-french-impact", "version": FRAB_FORMAT},
        "schedule": {
            "version": schedule.version,
            "conference": {
                "acronym": schedule.acronym,
                "title": schedule.title,
                "start": schedule.start.isoformat(),
                "end": schedule.end.isoformat(),
                "daysCount": len(schedule.days),
                "timeslot_duration": TIMESLOT,
                "time_zone_name": schedule.time_zone_name,
                "url": schedule.url,
                "tracks": [{"name": name} for name in schedule.tracks],
                "rooms": [{"name": name, "guid": guid(f"room:{name}")} for name in schedule.rooms],
                "days": [
                    {
                        "index": day.index,
                        "date": day.date.isoformat(),
                        "day_start": day.starts_at.isoformat(),
                        "day_end": day.ends_at.isoformat(),
                        "rooms": {
                            room: [_json_event(e) for e in events]
                            for room, events in day.rooms.items()
                        },
                    }
                    for day in schedule.days
                ],
            },
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _text(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = value
    return element


def _xml_event(parent: ET.Element, event: Event) -> None:
    element = ET.SubElement(parent, "event", {"guid": event.guid, "id": str(event.id)})
    _text(element, "date", event.starts_at.isoformat())
    _text(element, "start", _clock(event.starts_at))
    _text(element, "duration", _duration(event.ends_at - event.starts_at))
    _text(element, "room", event.room)
    _text(element, "slug", event.slug)
    _text(element, "url", event.url)
    _text(element, "title", event.title)
    _text(element, "subtitle", event.subtitle)
    _text(element, "track", event.track or "")
    _text(element, "type", event.type)
    _text(element, "language", "fr")
    _text(element, "abstract", event.abstract)
    _text(element, "description", event.description)
    persons = ET.SubElement(element, "persons")
    for person in event.persons:
        _text(persons, "person", person.name, id=str(person.id), guid=person.guid)
    links = ET.SubElement(element, "links")
    for link in event.links:
        _text(links, "link", link.title, href=link.url)


def _placeholder_day(schedule: Schedule) -> Day:
    """The XML format needs at least one day: a tour with nothing public yet gets its first
    day, empty."""
    zone = ZoneInfo(schedule.time_zone_name)
    start = datetime.combine(schedule.start, datetime.min.time(), zone)
    return Day(index=1, date=schedule.start, starts_at=start, ends_at=start + timedelta(days=1))


def schedule_xml(schedule: Schedule) -> bytes:
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", {"name": "tournee-french-impact", "version": FRAB_FORMAT})
    _text(root, "version", schedule.version)
    conference = ET.SubElement(root, "conference")
    _text(conference, "acronym", schedule.acronym)
    _text(conference, "title", schedule.title)
    _text(conference, "start", schedule.start.isoformat())
    _text(conference, "end", schedule.end.isoformat())
    _text(conference, "days", str(len(schedule.days)))
    _text(conference, "timeslot_duration", TIMESLOT)
    _text(conference, "time_zone_name", schedule.time_zone_name)
    _text(conference, "url", schedule.url)
    for track in schedule.tracks:
        _text(conference, "track", "", name=track)
    for day in schedule.days or [_placeholder_day(schedule)]:
        day_element = ET.SubElement(
            root,
            "day",
            {
                "index": str(day.index),
                "date": day.date.isoformat(),
                "start": day.starts_at.isoformat(),
                "end": day.ends_at.isoformat(),
            },
        )
        for room, events in day.rooms.items():
            room_element = ET.SubElement(
                day_element, "room", {"name": room, "guid": guid(f"room:{room}")}
            )
            for event in events:
                _xml_event(room_element, event)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
