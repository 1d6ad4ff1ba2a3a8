"""The FeedItems of a programme (stops, their round tables, workshops) from column
queries, without loading ORM objects: what the tour, territory and organiser feeds show.

Loading full objects was most of a feed's cost (214 ms of ORM loading for 21 ms of SQL at
2,000 items). These queries read only the columns the items show, seven queries whatever
the number of items, and build the same FeedItems as feed_items.stop_item(),
round_table_item() and workshop_item() do from the objects
(tests/calendar/test_incremental_feeds.py compares both).
"""

from collections import defaultdict
from collections.abc import Callable, Sequence

from sqlalchemy import ColumnElement, Row, Select, select
from sqlalchemy.orm import aliased

from extensions import db
from models import (
    Challenge,
    Organisation,
    ParticipantRole,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    StopStatus,
    Territory,
    TourStop,
    Workshop,
    WorkshopStatus,
    workshop_facilitators,
    workshop_territories,
)
from services.calendar import ical
from services.calendar.feed_items import (
    ONLINE_WITHOUT_LINK,
    FeedItem,
    _lines,
)
from services.local_time import clock
from services.urls import absolute_url

STOP_STATUS = {
    StopStatus.CONFIRMED: "CONFIRMED",
    StopStatus.CANCELLED: "CANCELLED",
    StopStatus.DRAFT: "TENTATIVE",
}
WORKSHOP_STATUS = {
    WorkshopStatus.OPEN: "CONFIRMED",
    WorkshopStatus.CANCELLED: "CANCELLED",
    WorkshopStatus.DRAFT: "TENTATIVE",
}
_SENTINEL = 987654321


def _url_maker(endpoint: str, argument: str) -> Callable[[int], str]:
    """absolute_url(endpoint, argument=id) for many ids, from one url_for call."""
    template = absolute_url(endpoint, **{argument: _SENTINEL})
    head, tail = template.split(str(_SENTINEL))
    return lambda value: f"{head}{value}{tail}"


def _rows(statement: Select) -> Sequence[Row]:
    """The rows of a column query run on the session's connection without the ORM's
    result processing (which cost more than the SQL)."""
    return db.session.connection().execute(statement).all()


def _coordinates(latitude, longitude) -> tuple[float, float] | None:
    if latitude is None or longitude is None:
        return None
    return (latitude, longitude)


def _people(rows) -> dict[int, list[str]]:
    """'Name (role, title)' by owner id, in listing order, as feed_items._people()."""
    labels = {role: role.label.lower() for role in ParticipantRole}
    people: dict[int, list[str]] = defaultdict(list)
    for owner_id, name, title, role in rows:
        people[owner_id].append(f"{name} ({labels[role]}" + (f", {title})" if title else ")"))
    return people


def programme_items(
    stop_filter: ColumnElement[bool],
    workshop_filter: ColumnElement[bool],
    stop_statuses: list[StopStatus],
    workshop_statuses: list[WorkshopStatus],
) -> list[FeedItem]:
    host = aliased(Organisation)
    stops_query: Select = (
        select(
            TourStop.id,
            TourStop.uid,
            TourStop.sequence,
            TourStop.updated_at,
            TourStop.starts_at,
            TourStop.ends_at,
            TourStop.venue_name,
            TourStop.address,
            TourStop.latitude,
            TourStop.longitude,
            TourStop.status,
            TourStop.description,
            Territory.name,
            Territory.timezone,
            Territory.latitude,
            Territory.longitude,
            host.name,
        )
        .join(Territory, TourStop.territory_id == Territory.id)
        .outerjoin(host, TourStop.host_organisation_id == host.id)
        .where(stop_filter, TourStop.status.in_(stop_statuses))
    )
    stops = _rows(stops_query)
    stop_ids = select(TourStop.id).where(stop_filter, TourStop.status.in_(stop_statuses))
    speakers = _people(
        _rows(
            select(StopSpeaker.stop_id, Speaker.name, Speaker.title, StopSpeaker.role)
            .join(Speaker, StopSpeaker.speaker_id == Speaker.id)
            .where(StopSpeaker.stop_id.in_(stop_ids))
            .order_by(StopSpeaker.stop_id, StopSpeaker.position, StopSpeaker.id)
        )
    )
    tables = _rows(
        select(
            RoundTable.id,
            RoundTable.stop_id,
            RoundTable.uid,
            RoundTable.sequence,
            RoundTable.updated_at,
            RoundTable.starts_at,
            RoundTable.ends_at,
            RoundTable.title,
            RoundTable.room,
            RoundTable.description,
            Challenge.name,
        )
        .outerjoin(Challenge, RoundTable.challenge_id == Challenge.id)
        .where(RoundTable.stop_id.in_(stop_ids))
        .order_by(RoundTable.stop_id, RoundTable.starts_at, RoundTable.id)
    )
    participants = _people(
        _rows(
            select(
                RoundTableParticipant.round_table_id,
                Speaker.name,
                Speaker.title,
                RoundTableParticipant.role,
            )
            .join(Speaker, RoundTableParticipant.speaker_id == Speaker.id)
            .join(RoundTable, RoundTableParticipant.round_table_id == RoundTable.id)
            .where(RoundTable.stop_id.in_(stop_ids))
            .order_by(
                RoundTableParticipant.round_table_id,
                RoundTableParticipant.position,
                RoundTableParticipant.id,
            )
        )
    )
    tables_of: dict[int, list] = defaultdict(list)
    for table in tables:
        tables_of[table.stop_id].append(table)

    stop_url = _url_maker("public.stop", "stop_id")
    items: list[FeedItem] = []
    for (
        stop_id,
        uid,
        sequence,
        updated_at,
        starts_at,
        ends_at,
        venue_name,
        address,
        latitude,
        longitude,
        status,
        description,
        territory_name,
        zone,
        territory_latitude,
        territory_longitude,
        host_name,
    ) in stops:
        people = speakers.get(stop_id)
        own_tables = tables_of.get(stop_id, [])
        programme = [f"{clock(t.starts_at, zone)} {t.title}" for t in own_tables]
        place = ical.location(venue_name, address, territory_name)
        geo = _coordinates(latitude, longitude) or _coordinates(
            territory_latitude, territory_longitude
        )
        url = stop_url(stop_id)
        shown_status = STOP_STATUS[status]
        items.append(
            FeedItem(
                uid=uid,
                sequence=sequence,
                dtstamp=updated_at,
                starts_at=starts_at,
                ends_at=ends_at,
                zone=zone,
                summary=f"Tournée French Impact – {territory_name}",
                location=place,
                geo=geo,
                url=url,
                description=_lines(
                    f"Territoire : {territory_name}",
                    f"Structure hôte : {host_name}" if host_name else None,
                    "Intervenant·es : " + "; ".join(people) if people else None,
                    "Tables rondes : " + "; ".join(programme) if programme else None,
                    description,
                ),
                categories=("Étape",),
                status=shown_status,
            )
        )
        for table in own_tables:
            table_people = participants.get(table.id)
            challenge = table.name
            items.append(
                FeedItem(
                    uid=table.uid,
                    sequence=table.sequence,
                    dtstamp=max(table.updated_at, updated_at),
                    starts_at=table.starts_at,
                    ends_at=table.ends_at,
                    zone=zone,
                    summary=f"Table ronde : {table.title}",
                    location=ical.location(table.room, place),
                    geo=geo,
                    url=f"{url}#table-ronde-{table.id}",
                    description=_lines(
                        f"Étape : {territory_name}",
                        f"Défi : {challenge}" if challenge else None,
                        "Intervenant·es : " + "; ".join(table_people) if table_people else None,
                        table.description,
                    ),
                    categories=("Table ronde", challenge) if challenge else ("Table ronde",),
                    status=shown_status,
                )
            )
    items.extend(_workshop_items(workshop_filter, workshop_statuses))
    return items


def _workshop_items(
    workshop_filter: ColumnElement[bool], workshop_statuses: list[WorkshopStatus]
) -> list[FeedItem]:
    condition = (workshop_filter, Workshop.status.in_(workshop_statuses))
    workshops = _rows(
        select(
            Workshop.id,
            Workshop.uid,
            Workshop.sequence,
            Workshop.updated_at,
            Workshop.starts_at,
            Workshop.ends_at,
            Workshop.title,
            Workshop.venue_name,
            Workshop.address,
            Workshop.online_url,
            Workshop.status,
            Workshop.description,
            Challenge.name,
            Territory.timezone,
            Territory.latitude,
            Territory.longitude,
        )
        .join(Challenge, Workshop.challenge_id == Challenge.id)
        .join(Territory, Workshop.host_territory_id == Territory.id)
        .where(*condition)
    )
    ids = select(Workshop.id).where(*condition)
    territories: dict[int, list[str]] = defaultdict(list)
    for workshop_id, name in _rows(
        select(workshop_territories.c.workshop_id, Territory.name)
        .join(Territory, workshop_territories.c.territory_id == Territory.id)
        .where(workshop_territories.c.workshop_id.in_(ids))
        .order_by(workshop_territories.c.workshop_id, Territory.name)
    ):
        territories[workshop_id].append(name)
    facilitators: dict[int, list[str]] = defaultdict(list)
    for workshop_id, name in _rows(
        select(workshop_facilitators.c.workshop_id, Speaker.name)
        .join(Speaker, workshop_facilitators.c.speaker_id == Speaker.id)
        .where(workshop_facilitators.c.workshop_id.in_(ids))
        .order_by(workshop_facilitators.c.workshop_id, Speaker.name)
    ):
        facilitators[workshop_id].append(name)
    workshop_url = _url_maker("workshops.detail", "workshop_id")
    items = []
    for (
        workshop_id,
        uid,
        sequence,
        updated_at,
        starts_at,
        ends_at,
        title,
        venue_name,
        address,
        online_url,
        status,
        description,
        challenge,
        zone,
        latitude,
        longitude,
    ) in workshops:
        animation = facilitators.get(workshop_id)
        items.append(
            FeedItem(
                uid=uid,
                sequence=sequence,
                dtstamp=updated_at,
                starts_at=starts_at,
                ends_at=ends_at,
                zone=zone,
                summary=f"Atelier : {title}",
                location=ical.location(
                    venue_name, address, ONLINE_WITHOUT_LINK if online_url else ""
                ),
                geo=_coordinates(latitude, longitude),
                url=workshop_url(workshop_id),
                description=_lines(
                    f"Défi : {challenge}",
                    "Territoires : " + ", ".join(territories.get(workshop_id, [])),
                    "Animation : " + ", ".join(animation) if animation else None,
                    description,
                ),
                categories=("Atelier inter-territoires", challenge),
                status=WORKSHOP_STATUS[status],
            )
        )
    return items
