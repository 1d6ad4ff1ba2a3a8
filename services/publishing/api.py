"""The public API's data: what visitors may see, filtered and paginated in a fixed number of
queries whatever the number of items, and validated into the resources of api_schemas.

Never drafts (stops, workshops, the round tables of draft stops), never e-mail addresses,
online meeting links, tokens or comments: the resources have no field for them.
"""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from extensions import db
from models import (
    Challenge,
    FeedRevision,
    Registration,
    Release,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    StopStatus,
    Territory,
    TerritoryChallenge,
    Tour,
    TourStop,
    Workshop,
    WorkshopStatus,
)
from services.caching import RenderedCache
from services.calendar.freshness import Freshness
from services.publishing import api_schemas as schemas
from services.publishing import releases
from services.registration.registrations import seats_left_by_workshop
from services.urls import absolute_url, base_url

API_FORMAT = "api-v1-1"
# Days in `from` / `to` are read in the tour's reference zone.
REFERENCE_ZONE = ZoneInfo("Europe/Paris")

rendered_responses = RenderedCache(max_bytes=32 * 1024 * 1024)


class UnknownItem(Exception):
    """A path names no public item (a list under an item that does not exist)."""


class UnknownFilterValue(Exception):
    """A filter names a territory, challenge or tour that does not exist."""

    def __init__(self, name: str, value: str):
        super().__init__(f"{name}={value}")
        self.name, self.value = name, value

    @property
    def reason(self) -> str:
        return _(
            "Le filtre %(name)s ne connaît pas la valeur « %(value)s » : "
            "utilisez l’identifiant (slug) d’un élément publié.",
            name=self.name,
            value=self.value,
        )


@dataclass(frozen=True)
class Filters:
    """What a list request asks for, read and checked by the view (types, formats)."""

    tour: str | None = None
    territory: str | None = None
    challenge: str | None = None
    day_from: date | None = None
    day_to: date | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class Found:
    items: list[dict[str, Any]]
    total: int


# ---------------------------------------------------------------- validators (ETag, 304)


def api_freshness(key: str) -> Freshness:
    """The validators of one API response, from one small query: the public data's revision
    (bumped with any change to it) and the registrations' (seats left)."""
    revision = select(FeedRevision.revision).where(FeedRevision.id == 1).scalar_subquery()
    changed_at = select(FeedRevision.changed_at).where(FeedRevision.id == 1).scalar_subquery()
    seats = select(func.coalesce(func.sum(Workshop.registrations_revision), 0)).scalar_subquery()
    registered = select(func.max(Registration.updated_at)).scalar_subquery()
    released = select(func.count(Release.id)).scalar_subquery()
    released_at = select(func.max(Release.published_at)).scalar_subquery()
    values = db.session.execute(
        select(revision, changed_at, seats, registered, released, released_at)
    ).one()
    parts = [API_FORMAT, base_url(), key, *map(str, values)]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]
    moments = [m for m in values if isinstance(m, datetime)]
    return Freshness(etag=f'"{digest}"', last_modified=max(moments) if moments else None)


# ---------------------------------------------------------------- filters


def _lookup(model, name: str, value: str | None):
    if value is None:
        return None
    found = db.session.scalar(select(model).where(model.slug == value))
    if found is None:
        raise UnknownFilterValue(name, value)
    return found


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), REFERENCE_ZONE)


def _timed(model, filters: Filters) -> list[ColumnElement[bool]]:
    """Items starting on or after `from`, on or before `to` (days in Paris time)."""
    clauses: list[ColumnElement[bool]] = []
    if filters.day_from:
        clauses.append(model.starts_at >= _day_start(filters.day_from))
    if filters.day_to:
        clauses.append(model.starts_at < _day_start(filters.day_to + timedelta(days=1)))
    return clauses


def _updated(model, filters: Filters) -> list[ColumnElement[bool]]:
    if filters.updated_since is None:
        return []
    return [model.updated_at >= filters.updated_since]


def _page(
    query: Select, clauses: Sequence[ColumnElement[bool]], count_of, page: int, per_page: int
) -> tuple[list[Any], int]:
    total = db.session.scalar(select(func.count(count_of)).where(*clauses)) or 0
    rows = db.session.scalars(
        query.where(*clauses).limit(per_page).offset((page - 1) * per_page)
    ).unique()
    return list(rows), total


# ---------------------------------------------------------------- resources


def _instant(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    return moment.astimezone(zone) if moment is not None else None


def _utc(moment: datetime | None) -> datetime | None:
    return _instant(moment, REFERENCE_ZONE)


def _tour_ref(tour: Tour) -> dict:
    return {"id": tour.id, "slug": tour.slug, "title": tour.title}


def _territory_ref(territory: Territory) -> dict:
    return {"id": territory.id, "slug": territory.slug, "name": territory.name}


def _challenge_ref(challenge: Challenge) -> dict:
    return {"id": challenge.id, "slug": challenge.slug, "name": challenge.name}


def _listing(listing: RoundTableParticipant | StopSpeaker, number: int) -> dict:
    speaker = listing.speaker
    return {
        "speaker": {"id": speaker.id, "name": speaker.name},
        "role": listing.role.value,
        "position": number,
    }


def _dump(model: type[schemas.Resource], data: dict) -> dict[str, Any]:
    """Validated into the resource, then as JSON would carry it."""
    return model.model_validate(data).model_dump(mode="json")


def tour_resource(tour: Tour) -> dict[str, Any]:
    return _dump(
        schemas.Tour,
        {
            **_tour_ref(tour),
            "description": tour.description,
            "principal": tour.principal,
            "start_date": tour.start_date,
            "end_date": tour.end_date,
            "url": absolute_url("public.tour", slug=tour.slug),
            "updated_at": _utc(tour.updated_at),
        },
    )


def territory_resource(territory: Territory) -> dict[str, Any]:
    links = sorted(territory.challenge_links, key=lambda link: link.challenge.name)
    return _dump(
        schemas.Territory,
        {
            **_territory_ref(territory),
            "kind": territory.kind.value if territory.kind else None,
            "region": territory.region,
            "zone": territory.timezone,
            "latitude": territory.latitude,
            "longitude": territory.longitude,
            "collective_presentation": territory.collective_presentation,
            "organisations": [{"name": o.name, "role": o.role} for o in territory.organisations],
            "challenges": [
                {**_challenge_ref(link.challenge), "wording": link.wording} for link in links
            ],
            "url": absolute_url("public.territory", slug=territory.slug),
            "updated_at": _instant(territory.updated_at, territory.zone),
        },
    )


def challenge_resource(challenge: Challenge) -> dict[str, Any]:
    return _dump(
        schemas.Challenge,
        {
            **_challenge_ref(challenge),
            "territories": [_territory_ref(t) for t in challenge.territories],
            "updated_at": _utc(challenge.updated_at),
        },
    )


def stop_resource(stop: TourStop) -> dict[str, Any]:
    zone = stop.zone
    return _dump(
        schemas.Stop,
        {
            "id": stop.id,
            "uid": stop.uid,
            "sequence": stop.sequence,
            "tour": _tour_ref(stop.tour),
            "territory": _territory_ref(stop.territory),
            "status": stop.status.value,
            "starts_at": _instant(stop.starts_at, zone),
            "ends_at": _instant(stop.ends_at, zone),
            "zone": stop.territory.timezone,
            "venue_name": stop.venue_name,
            "address": stop.address,
            "latitude": stop.latitude,
            "longitude": stop.longitude,
            "host_organisation": stop.host_organisation.name if stop.host_organisation else None,
            "description": stop.description,
            "speakers": [_listing(s, n) for n, s in enumerate(stop.speakers, start=1)],
            "round_tables": [
                {"id": t.id, "uid": t.uid, "title": t.title} for t in stop.round_tables
            ],
            "url": absolute_url("public.stop", stop_id=stop.id),
            "updated_at": _instant(stop.updated_at, zone),
        },
    )


def round_table_resource(table: RoundTable) -> dict[str, Any]:
    zone = table.stop.zone
    return _dump(
        schemas.RoundTable,
        {
            "id": table.id,
            "uid": table.uid,
            "sequence": table.sequence,
            "stop_id": table.stop_id,
            "tour": _tour_ref(table.stop.tour),
            "territory": _territory_ref(table.stop.territory),
            "title": table.title,
            "challenge": _challenge_ref(table.challenge) if table.challenge else None,
            "starts_at": _instant(table.starts_at, zone),
            "ends_at": _instant(table.ends_at, zone),
            "zone": table.stop.territory.timezone,
            "room": table.room,
            "description": table.description,
            "participants": [_listing(p, n) for n, p in enumerate(table.participants, start=1)],
            "updated_at": _instant(table.updated_at, zone),
        },
    )


def speaker_resource(speaker: Speaker) -> dict[str, Any]:
    return _dump(
        schemas.Speaker,
        {
            "id": speaker.id,
            "name": speaker.name,
            "title": speaker.title,
            "organisation": speaker.organisation,
            "biography": speaker.biography,
            "territory": _territory_ref(speaker.territory) if speaker.territory else None,
            "url": absolute_url("speakers.profile", speaker_id=speaker.id),
            "updated_at": _instant(speaker.updated_at, ZoneInfo(speaker.zone_name)),
        },
    )


def workshop_resource(workshop: Workshop, seats_left: int) -> dict[str, Any]:
    zone = workshop.zone
    # A workshop may sit at a stop still in draft: visitors do not learn of that stop.
    stop_id = workshop.stop_id if workshop.stop is not None and workshop.stop.is_public else None
    return _dump(
        schemas.Workshop,
        {
            "id": workshop.id,
            "uid": workshop.uid,
            "sequence": workshop.sequence,
            "tour": _tour_ref(workshop.tour),
            "title": workshop.title,
            "description": workshop.description,
            "challenge": _challenge_ref(workshop.challenge),
            "host_territory": _territory_ref(workshop.host_territory),
            "territories": [_territory_ref(t) for t in workshop.territories],
            "stop_id": stop_id,
            "status": workshop.status.value,
            "starts_at": _instant(workshop.starts_at, zone),
            "ends_at": _instant(workshop.ends_at, zone),
            "zone": workshop.host_territory.timezone,
            "online": bool(workshop.online_url),
            "venue_name": workshop.venue_name,
            "address": workshop.address,
            "capacity": workshop.capacity,
            "seats_left": seats_left,
            "registration": {
                "opens_at": _instant(workshop.registration_opens_at, zone),
                "closes_at": _instant(workshop.registration_closes_at, zone),
            },
            "facilitators": [{"id": s.id, "name": s.name} for s in workshop.facilitators],
            "url": absolute_url("workshops.detail", workshop_id=workshop.id),
            "updated_at": _instant(workshop.updated_at, zone),
        },
    )


# ---------------------------------------------------------------- queries


def _tours_query() -> Select:
    return select(Tour).order_by(Tour.start_date, Tour.id)


def _territories_query() -> Select:
    return (
        select(Territory)
        .options(
            selectinload(Territory.organisations),
            selectinload(Territory.challenge_links).joinedload(TerritoryChallenge.challenge),
        )
        .order_by(Territory.name, Territory.id)
    )


def _challenges_query() -> Select:
    return (
        select(Challenge)
        .options(selectinload(Challenge.territory_links).joinedload(TerritoryChallenge.territory))
        .order_by(Challenge.name, Challenge.id)
    )


def _stops_query() -> Select:
    return (
        select(TourStop)
        .options(
            joinedload(TourStop.tour),
            joinedload(TourStop.territory),
            joinedload(TourStop.host_organisation),
            selectinload(TourStop.speakers).joinedload(StopSpeaker.speaker),
            selectinload(TourStop.round_tables),
        )
        .order_by(TourStop.starts_at, TourStop.id)
    )


def _round_tables_query() -> Select:
    return (
        select(RoundTable)
        .join(RoundTable.stop)
        .options(
            joinedload(RoundTable.stop).joinedload(TourStop.territory),
            joinedload(RoundTable.stop).joinedload(TourStop.tour),
            joinedload(RoundTable.challenge),
            selectinload(RoundTable.participants).joinedload(RoundTableParticipant.speaker),
        )
        .order_by(RoundTable.starts_at, RoundTable.id)
    )


def _speakers_query() -> Select:
    return select(Speaker).options(joinedload(Speaker.territory)).order_by(Speaker.name, Speaker.id)


def _workshops_query() -> Select:
    return (
        select(Workshop)
        .options(
            joinedload(Workshop.tour),
            joinedload(Workshop.challenge),
            joinedload(Workshop.host_territory),
            joinedload(Workshop.stop),
            selectinload(Workshop.territories),
            selectinload(Workshop.facilitators),
        )
        .order_by(Workshop.starts_at, Workshop.id)
    )


PUBLIC_STOP = TourStop.status != StopStatus.DRAFT
PUBLIC_WORKSHOP = Workshop.status != WorkshopStatus.DRAFT


def _stop_clauses(filters: Filters) -> list[ColumnElement[bool]]:
    tour = _lookup(Tour, "tour", filters.tour)
    territory = _lookup(Territory, "territory", filters.territory)
    challenge = _lookup(Challenge, "challenge", filters.challenge)
    clauses = [PUBLIC_STOP, *_timed(TourStop, filters)]
    if tour:
        clauses.append(TourStop.tour_id == tour.id)
    if territory:
        clauses.append(TourStop.territory_id == territory.id)
    if challenge:
        # A stop on a challenge: a round table on it, or a territory that takes it up.
        clauses.append(
            or_(
                TourStop.round_tables.any(RoundTable.challenge_id == challenge.id),
                TourStop.territory.has(
                    Territory.challenge_links.any(TerritoryChallenge.challenge_id == challenge.id)
                ),
            )
        )
    return clauses


# ---------------------------------------------------------------- lists


def list_tours(filters: Filters, page: int, per_page: int) -> Found:
    clauses = _updated(Tour, filters)
    if filters.day_from:
        clauses.append(Tour.end_date >= filters.day_from)
    if filters.day_to:
        clauses.append(Tour.start_date <= filters.day_to)
    rows, total = _page(_tours_query(), clauses, Tour.id, page, per_page)
    return Found([tour_resource(t) for t in rows], total)


def list_territories(filters: Filters, page: int, per_page: int) -> Found:
    challenge = _lookup(Challenge, "challenge", filters.challenge)
    clauses = _updated(Territory, filters)
    if challenge:
        clauses.append(
            Territory.challenge_links.any(TerritoryChallenge.challenge_id == challenge.id)
        )
    rows, total = _page(_territories_query(), clauses, Territory.id, page, per_page)
    return Found([territory_resource(t) for t in rows], total)


def list_challenges(filters: Filters, page: int, per_page: int) -> Found:
    territory = _lookup(Territory, "territory", filters.territory)
    clauses = _updated(Challenge, filters)
    if territory:
        clauses.append(
            Challenge.territory_links.any(TerritoryChallenge.territory_id == territory.id)
        )
    rows, total = _page(_challenges_query(), clauses, Challenge.id, page, per_page)
    return Found([challenge_resource(c) for c in rows], total)


def list_stops(filters: Filters, page: int, per_page: int) -> Found:
    clauses = _stop_clauses(filters) + _updated(TourStop, filters)
    rows, total = _page(_stops_query(), clauses, TourStop.id, page, per_page)
    return Found([stop_resource(s) for s in rows], total)


def list_round_tables(filters: Filters, page: int, per_page: int) -> Found:
    tour = _lookup(Tour, "tour", filters.tour)
    territory = _lookup(Territory, "territory", filters.territory)
    challenge = _lookup(Challenge, "challenge", filters.challenge)
    clauses = [PUBLIC_STOP, *_timed(RoundTable, filters), *_updated(RoundTable, filters)]
    if tour:
        clauses.append(TourStop.tour_id == tour.id)
    if territory:
        clauses.append(TourStop.territory_id == territory.id)
    if challenge:
        clauses.append(RoundTable.challenge_id == challenge.id)
    total = (
        db.session.scalar(select(func.count(RoundTable.id)).join(RoundTable.stop).where(*clauses))
        or 0
    )
    rows = db.session.scalars(
        _round_tables_query().where(*clauses).limit(per_page).offset((page - 1) * per_page)
    ).unique()
    return Found([round_table_resource(t) for t in rows], total)


def list_speakers(filters: Filters, page: int, per_page: int) -> Found:
    territory = _lookup(Territory, "territory", filters.territory)
    clauses = _updated(Speaker, filters)
    if territory:
        clauses.append(Speaker.territory_id == territory.id)
    rows, total = _page(_speakers_query(), clauses, Speaker.id, page, per_page)
    return Found([speaker_resource(s) for s in rows], total)


def _workshop_resources(workshops: list[Workshop]) -> list[dict[str, Any]]:
    seats = seats_left_by_workshop(workshops) if workshops else {}
    return [workshop_resource(w, seats[w.id]) for w in workshops]


def list_workshops(filters: Filters, page: int, per_page: int) -> Found:
    tour = _lookup(Tour, "tour", filters.tour)
    territory = _lookup(Territory, "territory", filters.territory)
    challenge = _lookup(Challenge, "challenge", filters.challenge)
    clauses = [PUBLIC_WORKSHOP, *_timed(Workshop, filters), *_updated(Workshop, filters)]
    if tour:
        clauses.append(Workshop.tour_id == tour.id)
    if territory:
        clauses.append(Workshop.territories.any(Territory.id == territory.id))
    if challenge:
        clauses.append(Workshop.challenge_id == challenge.id)
    rows, total = _page(_workshops_query(), clauses, Workshop.id, page, per_page)
    return Found(_workshop_resources(rows), total)


# ---------------------------------------------------------------- single items


def tour_by_slug(slug: str) -> dict[str, Any] | None:
    tour = db.session.scalar(_tours_query().where(Tour.slug == slug))
    return tour_resource(tour) if tour else None


def territory_by_slug(slug: str) -> dict[str, Any] | None:
    territory = db.session.scalar(_territories_query().where(Territory.slug == slug))
    return territory_resource(territory) if territory else None


def challenge_by_slug(slug: str) -> dict[str, Any] | None:
    challenge = db.session.scalar(_challenges_query().where(Challenge.slug == slug))
    return challenge_resource(challenge) if challenge else None


def stop_by_id(stop_id: int) -> dict[str, Any] | None:
    stop = db.session.scalar(_stops_query().where(TourStop.id == stop_id, PUBLIC_STOP))
    return stop_resource(stop) if stop else None


def round_table_by_id(table_id: int) -> dict[str, Any] | None:
    table = db.session.scalar(_round_tables_query().where(RoundTable.id == table_id, PUBLIC_STOP))
    return round_table_resource(table) if table else None


def speaker_by_id(speaker_id: int) -> dict[str, Any] | None:
    speaker = db.session.scalar(_speakers_query().where(Speaker.id == speaker_id))
    return speaker_resource(speaker) if speaker else None


def workshop_by_id(workshop_id: int) -> dict[str, Any] | None:
    workshop = db.session.scalar(
        _workshops_query().where(Workshop.id == workshop_id, PUBLIC_WORKSHOP)
    )
    return _workshop_resources([workshop])[0] if workshop else None


# ---------------------------------------------------------------- releases


def _releases_with_changes(tour: Tour) -> list[tuple[Release, list]]:
    """Every release of the tour, newest first, with its changes since the one before: two
    queries whatever their number (the PDFs' bytes stay unloaded)."""
    found = list(
        db.session.scalars(
            select(Release)
            .where(Release.tour_id == tour.id)
            .options(selectinload(Release.document))
            .order_by(Release.published_at.desc(), Release.id.desc())
        )
    )
    return [
        (release, releases.changes_between(found[i + 1] if i + 1 < len(found) else None, release))
        for i, release in enumerate(found)
    ]


def release_resource(release: Release, changes: list) -> dict[str, Any]:
    tour = release.tour
    pdf = (
        absolute_url("releases.release_programme", slug=tour.slug, name=release.name)
        if release.document is not None
        else None
    )
    return _dump(
        schemas.Release,
        {
            "id": release.id,
            "name": release.name,
            "label": releases.release_label(release),
            "note": release.note,
            "tour": _tour_ref(tour),
            "published_at": _utc(release.published_at),
            "programme_pdf": pdf,
            "changes": [
                {
                    "kind": c.kind,
                    "item_type": c.item_type,
                    "item_uid": c.item_uid,
                    "title": c.title,
                    "before": c.before,
                    "after": c.after,
                }
                for c in changes
            ],
        },
    )


def list_releases(filters: Filters, page: int, per_page: int, slug: str) -> Found:
    tour = db.session.scalar(select(Tour).where(Tour.slug == slug))
    if tour is None:
        raise UnknownItem(slug)
    every = _releases_with_changes(tour)
    shown = every[(page - 1) * per_page : page * per_page]
    return Found([release_resource(r, c) for r, c in shown], len(every))


def release_by_name(slug: str, name: str) -> dict[str, Any] | None:
    tour = db.session.scalar(select(Tour).where(Tour.slug == slug))
    if tour is None:
        return None
    for release, changes in _releases_with_changes(tour):
        if release.name == name:
            return release_resource(release, changes)
    return None


Lister = Callable[..., Found]
