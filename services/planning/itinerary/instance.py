"""Everything the optimiser needs, as plain data: no database, no Flask.

Times are aware UTC datetimes; days (tour dates, holidays, blackouts) are local days of the
territory concerned. The journey rule is the planning warnings' one (services/planning/
warnings.py): great-circle distance at an average speed plus a transfer, and a full day to
or from overseas.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Option:
    """A date option of a territory: its window (UTC) and its rank (1 = preferred)."""

    starts_at: datetime
    ends_at: datetime
    rank: int


@dataclass(frozen=True)
class Site:
    """A territory as the optimiser sees it."""

    id: int
    name: str
    latitude: float | None
    longitude: float | None
    zone: str = "Europe/Paris"
    overseas: bool = False
    holidays: frozenset[date] = frozenset()  # public holidays of its own calendar
    blackouts: tuple[tuple[date, date], ...] = ()  # first and last day, included
    options: tuple[Option, ...] = ()
    visit_minutes: int = 180

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    def closed_on(self, day: date) -> bool:
        """Weekend, public holiday or blackout of this territory."""
        return (
            day.weekday() >= 5
            or day in self.holidays
            or any(first <= day <= last for first, last in self.blackouts)
        )


@dataclass(frozen=True)
class FixedStop:
    """A stop that already exists (draft or confirmed): it does not move."""

    territory_id: int
    starts_at: datetime
    ends_at: datetime
    confirmed: bool = False
    stop_id: int | None = None


@dataclass(frozen=True)
class Instance:
    first_day: date
    last_day: date
    sites: dict[int, Site]  # every territory involved: to schedule and of the fixed stops
    to_schedule: tuple[int, ...]
    fixed: tuple[FixedStop, ...] = ()
    unavailable: tuple[tuple[datetime, datetime], ...] = ()  # the principal's
    pins: dict[int, datetime] = field(default_factory=dict)  # territory id -> starts_at
    average_speed_kmh: float = 80.0
    min_transfer_minutes: int = 60
    overseas_min_hours: int = 24
    max_stops_per_day: int = 1
    max_stops_per_week: int = 3
    day_start: time = time(9, 0)
    day_end: time = time(18, 0)
    default_start: time = time(10, 0)
    option_km: float = 300.0
    principal: str = ""

    def distance_km(self, a: int, b: int) -> float | None:
        return great_circle_km(self.sites[a], self.sites[b])

    def journey_needed(self, a: int, b: int) -> timedelta:
        """Least time between the end of a stop in a and the start of one in b."""
        origin, destination = self.sites[a], self.sites[b]
        if origin.overseas != destination.overseas or (origin.overseas and a != b):
            return timedelta(hours=self.overseas_min_hours)
        transfer = timedelta(minutes=self.min_transfer_minutes)
        distance = self.distance_km(a, b)
        if distance is None:
            return transfer
        return transfer + timedelta(hours=distance / self.average_speed_kmh)

    def travel_km(self, a: int, b: int) -> float:
        """Distance counted in the total: great circle, 0 when a position is unknown."""
        return self.distance_km(a, b) or 0.0

    def travel_hours(self, a: int, b: int) -> float:
        if a == b:
            return 0.0
        origin, destination = self.sites[a], self.sites[b]
        if origin.overseas != destination.overseas or origin.overseas:
            return float(self.overseas_min_hours)
        return self.travel_km(a, b) / self.average_speed_kmh

    def option_value_km(self, rank: int) -> float:
        """What honouring an option of this rank is worth, in km: rank 1 the whole value."""
        return self.option_km * max(0, 10 - rank) / 9

    def week_of(self, day: date) -> tuple[int, int]:
        iso = day.isocalendar()
        return (iso[0], iso[1])


def great_circle_km(a: Site, b: Site) -> float | None:
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
