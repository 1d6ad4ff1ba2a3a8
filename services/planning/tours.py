"""Reading the plan: the current tour, its stops as each audience may see them, territories."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from extensions import db
from models import (
    Challenge,
    Organisation,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    StopStatus,
    Territory,
    TerritoryChallenge,
    Tour,
    TourStop,
)


def current_tour(today: date) -> Tour | None:
    """The tour under way; else the next one; else the latest one."""
    running = db.session.scalar(
        select(Tour)
        .where(Tour.start_date <= today, Tour.end_date >= today)
        .order_by(Tour.start_date)
    )
    if running:
        return running
    upcoming = db.session.scalar(
        select(Tour).where(Tour.start_date > today).order_by(Tour.start_date)
    )
    return upcoming or db.session.scalar(select(Tour).order_by(Tour.end_date.desc()))


def all_tours() -> list[Tour]:
    return list(db.session.scalars(select(Tour).order_by(Tour.start_date.desc())))


def tour_by_slug(slug: str) -> Tour | None:
    return db.session.scalar(select(Tour).where(Tour.slug == slug))


def _stops_query():
    """Stops with what their pages and the planning warnings read, in a fixed number of
    queries whatever the number of stops."""
    return select(TourStop).options(
        joinedload(TourStop.territory),
        joinedload(TourStop.host_organisation),
        joinedload(TourStop.updated_by),
        selectinload(TourStop.round_tables)
        .selectinload(RoundTable.participants)
        .joinedload(RoundTableParticipant.speaker)
        .selectinload(Speaker.availabilities),
        selectinload(TourStop.round_tables).joinedload(RoundTable.challenge),
        selectinload(TourStop.speakers)
        .joinedload(StopSpeaker.speaker)
        .selectinload(Speaker.availabilities),
    )


def tour_stops(tour: Tour, include_drafts: bool) -> list[TourStop]:
    """Stops in date order; visitors never see drafts, cancelled stops stay (shown as such)."""
    query = _stops_query().where(TourStop.tour_id == tour.id).order_by(TourStop.starts_at)
    if not include_drafts:
        query = query.where(TourStop.status != StopStatus.DRAFT)
    return list(db.session.scalars(query).unique())


def visible_stop(stop_id: int, include_drafts: bool) -> TourStop | None:
    stop = db.session.scalar(_stops_query().where(TourStop.id == stop_id))
    if stop is None or (not include_drafts and not stop.is_public):
        return None
    return stop


def territory_stops(territory: Territory, include_drafts: bool) -> list[TourStop]:
    query = (
        _stops_query()
        .options(joinedload(TourStop.tour))
        .where(TourStop.territory_id == territory.id)
        .order_by(TourStop.starts_at)
    )
    if not include_drafts:
        query = query.where(TourStop.status != StopStatus.DRAFT)
    return list(db.session.scalars(query).unique())


def all_territories() -> list[Territory]:
    return list(
        db.session.scalars(
            select(Territory)
            .options(
                selectinload(Territory.challenge_links).joinedload(TerritoryChallenge.challenge)
            )
            .order_by(Territory.name)
        )
    )


def territory_by_slug(slug: str) -> Territory | None:
    return db.session.scalar(
        select(Territory)
        .options(
            selectinload(Territory.organisations),
            selectinload(Territory.challenge_links).joinedload(TerritoryChallenge.challenge),
        )
        .where(Territory.slug == slug)
    )


def unscheduled_territories(tour: Tour, include_drafts: bool = True) -> list[Territory]:
    """Territories the tour has not planned yet: no stop, or only cancelled ones. For visitors
    (include_drafts=False) a draft stop is not a plan yet: its territory is still to visit."""
    counted = [StopStatus.CONFIRMED] + ([StopStatus.DRAFT] if include_drafts else [])
    planned = select(TourStop.territory_id).where(
        TourStop.tour_id == tour.id, TourStop.status.in_(counted)
    )
    return list(
        db.session.scalars(
            select(Territory).where(Territory.id.not_in(planned)).order_by(Territory.name)
        )
    )


def organisations_by_territory() -> dict[int, list[Organisation]]:
    grouped: dict[int, list[Organisation]] = {}
    for organisation in db.session.scalars(
        select(Organisation).order_by(Organisation.territory_id, Organisation.position)
    ):
        grouped.setdefault(organisation.territory_id, []).append(organisation)
    return grouped


def all_challenges() -> list[Challenge]:
    return list(db.session.scalars(select(Challenge).order_by(Challenge.name)))
