"""Reading the database into an Instance, and the service the views call."""

from collections.abc import Collection, Mapping
from datetime import UTC, datetime, time

from flask import current_app
from sqlalchemy import select

from extensions import db
from models import Availability, Speaker, Territory, Tour, TourStop
from models.speaker import AvailabilityKind
from models.tour import StopStatus
from services.planning.itinerary.instance import FixedStop, Instance, Option, Site
from services.planning.itinerary.plan import ItineraryPlan
from services.planning.itinerary.solver import solve
from services.planning.tours import unscheduled_territories
from services.planning.warnings import _public_holidays
from services.planning.wishes import visit_minutes, wishes_of


def _clock(value: str) -> time:
    hours, _sep, minutes = str(value).partition(":")
    return time(int(hours), int(minutes or 0))


def _holidays(territory: Territory, tour: Tour) -> frozenset:
    days: set = set()
    for year in range(tour.start_date.year, tour.end_date.year + 1):
        days.update(_public_holidays(territory.holiday_subdivision, year, "fr").keys())
    return frozenset(days)


def _site(tour: Tour, territory: Territory, with_wishes: bool) -> Site:
    if with_wishes:
        wishes = wishes_of(tour, territory)
        options = tuple(Option(o.starts_at, o.ends_at, o.rank) for o in wishes.options)
        blackouts = tuple((b.first_day, b.last_day) for b in wishes.blackouts)
        minutes = wishes.visit_minutes
    else:
        options, blackouts, minutes = (), (), visit_minutes(tour, territory)
    return Site(
        id=territory.id,
        name=territory.name,
        latitude=territory.latitude,
        longitude=territory.longitude,
        zone=territory.timezone,
        overseas=territory.is_overseas,
        holidays=_holidays(territory, tour),
        blackouts=blackouts,
        options=options,
        visit_minutes=minutes,
    )


def _principal_unavailable(tour: Tour) -> tuple[tuple[datetime, datetime], ...]:
    name = tour.principal.strip().casefold()
    if not name:
        return ()
    speakers = [s for s in db.session.scalars(select(Speaker)) if s.name.strip().casefold() == name]
    if not speakers:
        return ()
    windows = db.session.scalars(
        select(Availability)
        .where(
            Availability.speaker_id.in_([s.id for s in speakers]),
            Availability.kind == AvailabilityKind.UNAVAILABLE,
        )
        .order_by(Availability.starts_at)
    )
    return tuple((w.starts_at, w.ends_at) for w in windows)


def build_instance(
    tour: Tour,
    *,
    territory_ids: Collection[int] | None = None,
    pins: Mapping[int, datetime] | None = None,
    excluded: Collection[int] = (),
) -> Instance:
    """The tour as the optimiser sees it: its existing non-cancelled stops are fixed."""
    config = current_app.config
    stops = db.session.scalars(
        select(TourStop).where(TourStop.tour_id == tour.id, TourStop.status != StopStatus.CANCELLED)
    ).all()
    planned = {s.territory_id for s in stops}
    if territory_ids is None:
        wanted = [t for t in unscheduled_territories(tour) if t.id not in set(excluded)]
    else:
        chosen = set(territory_ids) - set(excluded) - planned
        wanted = list(
            db.session.scalars(
                select(Territory).where(Territory.id.in_(chosen)).order_by(Territory.id)
            )
        )
    sites = {t.id: _site(tour, t, True) for t in wanted}
    for stop in stops:
        if stop.territory_id not in sites:
            sites[stop.territory_id] = _site(tour, stop.territory, False)
    fixed = tuple(
        FixedStop(
            s.territory_id,
            s.starts_at,
            s.ends_at,
            confirmed=s.status == StopStatus.CONFIRMED,
            stop_id=s.id,
        )
        for s in sorted(stops, key=lambda s: s.starts_at)
    )
    wanted_ids = tuple(t.id for t in wanted)
    return Instance(
        first_day=tour.start_date,
        last_day=tour.end_date,
        sites=sites,
        to_schedule=wanted_ids,
        fixed=fixed,
        unavailable=_principal_unavailable(tour),
        pins={t: at.astimezone(UTC) for t, at in (pins or {}).items() if t in wanted_ids},
        average_speed_kmh=config["PLANNING_AVERAGE_SPEED_KMH"],
        min_transfer_minutes=config["PLANNING_MIN_TRANSFER_MINUTES"],
        overseas_min_hours=config["PLANNING_OVERSEAS_MIN_HOURS"],
        max_stops_per_day=config["PLANNING_MAX_STOPS_PER_DAY"],
        max_stops_per_week=config["PLANNING_MAX_STOPS_PER_WEEK"],
        day_start=_clock(config["PLANNING_DAY_START"]),
        day_end=_clock(config["PLANNING_DAY_END"]),
        option_km=config["PLANNING_OPTION_KM"],
        principal=tour.principal,
    )


def propose_itinerary(
    tour: Tour,
    *,
    territory_ids: Collection[int] | None = None,
    pins: Mapping[int, datetime] | None = None,  # territory_id -> starts_at (UTC)
    excluded: Collection[int] = (),
    time_limit_seconds: float | None = None,
) -> ItineraryPlan:
    """territory_ids None: every territory of the tour without a stop (draft or confirmed,
    not cancelled), minus excluded. Reads, never writes."""
    instance = build_instance(tour, territory_ids=territory_ids, pins=pins, excluded=excluded)
    seconds = time_limit_seconds or current_app.config["PLANNING_SOLVER_SECONDS"]
    return solve(instance, time_limit_seconds=float(seconds))


__all__ = ["build_instance", "propose_itinerary"]
