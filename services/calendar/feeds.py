"""Calendar feeds (RFC 5545, METHOD:PUBLISH) of stops, round tables and workshops.

The bytes depend only on the data: DTSTAMP is each item's last change, items are sorted,
so an unchanged feed is byte-identical and its ETag (from the feed revision, see
freshness.py) is stable. The programme feeds (tour, territory, organiser) load columns,
not objects (feed_rows.py); the narrower ones use joined and subquery eager loading; either
way a feed costs the same number of queries for 10 items as for 10,000. What each item
says is in feed_items.py; each VEVENT is written directly and kept (vevents.py), so a feed
after a change writes only what changed.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload, subqueryload

from extensions import db
from models import (
    Registration,
    RoundTable,
    RoundTableParticipant,
    StopSpeaker,
    StopStatus,
    Territory,
    TourStop,
    Workshop,
    WorkshopStatus,
    workshop_facilitators,
    workshop_territories,
)
from services.caching import RenderedCache
from services.calendar import feed_rows, ical, vevents
from services.calendar.feed_items import FeedItem, round_table_item, stop_item, workshop_item

REFRESH_INTERVAL = timedelta(hours=1)
CANCELLED_PREFIX = vevents.CANCELLED_PREFIX
# Part of every ETag (see freshness.py): a change in how feeds are written must change
# them all.
FEED_FORMAT = "3"  # 2: ambiguous times in UTC; 3: no online meeting links in public feeds


@dataclass
class Feed:
    name: str
    description: str
    items: list[FeedItem] = field(default_factory=list)


def event_component(item: FeedItem, organizer: ical.icalendar.vCalAddress) -> ical.icalendar.Event:
    """The VEVENT as icalendar builds it: the reference vevents.vevent() writes the bytes
    of (tests compare them)."""
    event = ical.icalendar.Event()
    summary = ical.one_line(item.summary)
    if item.status == "CANCELLED":
        summary = CANCELLED_PREFIX + summary
    event.add("uid", item.uid)
    event.add("sequence", item.sequence)
    event.add("dtstamp", ical.utc(item.dtstamp))
    ical.add_span(event, item.starts_at, item.ends_at, item.zone)
    event.add("summary", summary)
    if item.location:
        event.add("location", ical.one_line(item.location))
    if item.geo:
        event.add("geo", item.geo)
    event.add("url", item.url)
    event.add("description", ical.clean_text(item.description))
    event.add("categories", [ical.one_line(c) for c in item.categories])
    event.add("organizer", organizer)
    event.add("status", item.status)
    return event


def _calendar(feed: Feed, zones: set[str]) -> ical.icalendar.Calendar:
    calendar = ical.new_calendar(method="PUBLISH", name=feed.name)
    calendar.add("description", ical.clean_text(feed.description))
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")  # the same hour, in the form Outlook reads
    if len(zones) == 1:  # the feed's own zone; a feed across zones names none
        calendar.add("x-wr-timezone", next(iter(zones)))
    return calendar


def _in_order(feed: Feed) -> list[FeedItem]:
    unique = {item.uid: item for item in feed.items}.values()
    return sorted(unique, key=lambda i: (i.starts_at, i.uid))


def render_with_icalendar(feed: Feed) -> bytes:
    """The calendar built as icalendar components then to_ical(): what render() writes,
    byte for byte, ten times slower; kept as the reference of the tests and benchmark."""
    items = _in_order(feed)
    zones = {item.zone for item in items}
    calendar = _calendar(feed, zones)
    organizer = ical.organizer()
    for item in items:
        calendar.add_component(event_component(item, organizer))
    # An empty feed still holds one component, as RFC 5545 requires.
    ical.add_timezones(calendar, zones or {"Europe/Paris"})
    return calendar.to_ical()


_END = b"END:VCALENDAR\r\n"


@lru_cache(maxsize=32)
def _vtimezone_bytes(zone_name: str) -> bytes:
    return ical.vtimezone(zone_name).to_ical()


def organizer_line() -> str:
    """The ORGANIZER content line (unfolded) as icalendar writes it."""
    event = ical.icalendar.Event()
    event.add("organizer", ical.organizer())
    return str(event.content_lines()[1])


# Serialised VEVENTs of this process (see vevents.py): after a change, a feed writes only
# the items that changed.
fragments: vevents.Fragments = vevents.LocalFragments()


def render(feed: Feed) -> bytes:
    """The calendar's bytes: CRLF lines folded at 75 octets, a VTIMEZONE per TZID; the
    same bytes as render_with_icalendar(). Each VEVENT comes from `fragments` when it was
    written before with the same values."""
    items = _in_order(feed)
    zones = {item.zone for item in items}
    header = _calendar(feed, zones).to_ical()
    assert header.endswith(_END)
    parts = [header[: -len(_END)]]
    parts += [_vtimezone_bytes(zone) for zone in sorted(zones or {"Europe/Paris"})]
    parts += vevents.vevents(items, organizer_line(), fragments)
    parts.append(_END)
    return b"".join(parts)


# Feeds rendered by this process, by ETag: a client that never sends If-None-Match still
# costs no rebuild while nothing changes.
rendered_feeds = RenderedCache()


# Loading -------------------------------------------------------------------------------


def _stops_with_programme():
    return select(TourStop).options(
        joinedload(TourStop.territory),
        joinedload(TourStop.host_organisation),
        subqueryload(TourStop.speakers).joinedload(StopSpeaker.speaker),
        subqueryload(TourStop.round_tables).joinedload(RoundTable.challenge),
        subqueryload(TourStop.round_tables)
        .subqueryload(RoundTable.participants)
        .joinedload(RoundTableParticipant.speaker),
    )


def _round_tables():
    return select(RoundTable).options(
        joinedload(RoundTable.stop).joinedload(TourStop.territory),
        joinedload(RoundTable.challenge),
        subqueryload(RoundTable.participants).joinedload(RoundTableParticipant.speaker),
    )


def _workshops():
    return select(Workshop).options(
        joinedload(Workshop.challenge),
        joinedload(Workshop.host_territory),
        subqueryload(Workshop.territories),
        subqueryload(Workshop.facilitators),
    )


def _stop_statuses(include_drafts: bool) -> list[StopStatus]:
    public = [StopStatus.CONFIRMED, StopStatus.CANCELLED]
    return [*public, StopStatus.DRAFT] if include_drafts else public


def _workshop_statuses(include_drafts: bool) -> list[WorkshopStatus]:
    public = [WorkshopStatus.OPEN, WorkshopStatus.CANCELLED]
    return [*public, WorkshopStatus.DRAFT] if include_drafts else public


def _programme_items(
    stop_filter: ColumnElement[bool], workshop_filter: ColumnElement[bool], include_drafts: bool
) -> list[FeedItem]:
    """Stops, their round tables and workshops, from column queries (feed_rows.py)."""
    return feed_rows.programme_items(
        stop_filter,
        workshop_filter,
        _stop_statuses(include_drafts),
        _workshop_statuses(include_drafts),
    )


def orm_programme_items(
    stop_filter: ColumnElement[bool], workshop_filter: ColumnElement[bool], include_drafts: bool
) -> list[FeedItem]:
    """The same items from the loaded models (feed_items.py): the reference of the tests."""
    stops = db.session.scalars(
        _stops_with_programme().where(
            stop_filter, TourStop.status.in_(_stop_statuses(include_drafts))
        )
    ).unique()
    items = []
    for stop in stops:
        items.append(stop_item(stop))
        items.extend(round_table_item(table) for table in stop.round_tables)
    workshops = db.session.scalars(
        _workshops().where(workshop_filter, Workshop.status.in_(_workshop_statuses(include_drafts)))
    ).unique()
    items.extend(workshop_item(w) for w in workshops)
    return items


def tour_feed(tour, include_drafts: bool = False) -> Feed:
    return Feed(
        name=f"Tournée French Impact – {tour.title}",
        description=f"Étapes, tables rondes et ateliers inter-territoires : {tour.title}.",
        items=_programme_items(
            TourStop.tour_id == tour.id, Workshop.tour_id == tour.id, include_drafts
        ),
    )


def _in_territories(
    territory_ids: Iterable[int],
) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    ids = list(territory_ids)
    taking_part = select(workshop_territories.c.workshop_id).where(
        workshop_territories.c.territory_id.in_(ids)
    )
    return TourStop.territory_id.in_(ids), Workshop.id.in_(taking_part)


def territory_feed(territory: Territory, include_drafts: bool = False) -> Feed:
    return Feed(
        name=f"Tournée French Impact – {territory.name}",
        description=f"Étapes, tables rondes et ateliers de {territory.name}.",
        items=_programme_items(*_in_territories([territory.id]), include_drafts=include_drafts),
    )


def organiser_feed(user, territory_ids: list[int]) -> Feed:
    """An organiser's territories, drafts included (as TENTATIVE)."""
    return Feed(
        name=f"Tournée French Impact – {user.display_name}",
        description="Vos territoires, brouillons compris (marqués provisoires).",
        items=_programme_items(*_in_territories(territory_ids), include_drafts=True),
    )


def speaker_feed(speaker, include_drafts: bool = False) -> Feed:
    stop_ids = select(StopSpeaker.stop_id).where(StopSpeaker.speaker_id == speaker.id)
    table_ids = select(RoundTableParticipant.round_table_id).where(
        RoundTableParticipant.speaker_id == speaker.id
    )
    stop_statuses = _stop_statuses(include_drafts)
    stops = db.session.scalars(
        _stops_with_programme().where(TourStop.id.in_(stop_ids), TourStop.status.in_(stop_statuses))
    ).unique()
    tables = db.session.scalars(
        _round_tables()
        .join(RoundTable.stop)
        .where(RoundTable.id.in_(table_ids), TourStop.status.in_(stop_statuses))
    ).unique()
    facilitated = select(workshop_facilitators.c.workshop_id).where(
        workshop_facilitators.c.speaker_id == speaker.id
    )
    workshops = db.session.scalars(
        _workshops().where(
            Workshop.id.in_(facilitated), Workshop.status.in_(_workshop_statuses(include_drafts))
        )
    ).unique()
    return Feed(
        name=f"Tournée French Impact – {speaker.name}",
        description=f"Les interventions de {speaker.name}.",
        items=[stop_item(s) for s in stops]
        + [round_table_item(t) for t in tables]
        + [workshop_item(w) for w in workshops],
    )


def challenge_feed(challenge) -> Feed:
    tables = db.session.scalars(
        _round_tables()
        .join(RoundTable.stop)
        .where(RoundTable.challenge_id == challenge.id, TourStop.status.in_(_stop_statuses(False)))
    ).unique()
    workshops = db.session.scalars(
        _workshops().where(
            Workshop.challenge_id == challenge.id, Workshop.status.in_(_workshop_statuses(False))
        )
    ).unique()
    return Feed(
        name=f"Tournée French Impact – {challenge.name}",
        description=f"Tables rondes et ateliers sur le défi : {challenge.name}.",
        items=[round_table_item(t) for t in tables] + [workshop_item(w) for w in workshops],
    )


def workshop_feed(workshop: Workshop) -> Feed:
    return Feed(name=workshop.title, description=workshop.title, items=[workshop_item(workshop)])


def stop_feed(stop: TourStop) -> Feed:
    name = f"Tournée French Impact – {stop.territory.name}"
    return Feed(name=name, description=name, items=[stop_item(stop)])


def round_table_feed(table: RoundTable) -> Feed:
    return Feed(name=table.title, description=table.title, items=[round_table_item(table)])


def registration_feed(registration: Registration) -> Feed:
    """One registration's own workshop, as the participant's feed shows it: for the page
    reached with that registration's link, which shows nothing of the address's others."""
    return Feed(
        name=registration.workshop.title,
        description=registration.workshop.title,
        items=[workshop_item(registration.workshop, registration=registration)],
    )


def participant_feed(email: str) -> Feed:
    """A participant's workshops: confirmed, waitlisted (TENTATIVE), cancelled (CANCELLED)."""
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.email == email)
        .options(
            joinedload(Registration.workshop).options(
                joinedload(Workshop.challenge),
                joinedload(Workshop.host_territory),
                subqueryload(Workshop.territories),
                subqueryload(Workshop.facilitators),
            )
        )
    ).unique()
    return Feed(
        name="Tournée French Impact – mes ateliers",
        description="Vos inscriptions aux ateliers inter-territoires.",
        items=[workshop_item(r.workshop, registration=r) for r in registrations],
    )
