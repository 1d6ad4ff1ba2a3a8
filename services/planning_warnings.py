"""Planning warnings: what an organiser should see before anyone travels.

One service computes them for a whole tour; the board and the stop form both show its result.
Warnings never block a save.
"""

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
from flask import current_app
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from models import Territory, TourStop

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class PlanningWarning:
    kind: str  # principal_overlap | journey | weekend | public_holiday
    message: str
    stop_ids: tuple[int, ...]


@dataclass(frozen=True)
class JourneyRule:
    average_speed_kmh: float
    min_transfer: timedelta
    overseas_min: timedelta

    @classmethod
    def from_config(cls) -> "JourneyRule":
        config = current_app.config
        return cls(
            average_speed_kmh=config["PLANNING_AVERAGE_SPEED_KMH"],
            min_transfer=timedelta(minutes=config["PLANNING_MIN_TRANSFER_MINUTES"]),
            overseas_min=timedelta(hours=config["PLANNING_OVERSEAS_MIN_HOURS"]),
        )

    def time_needed(
        self, origin: Territory, destination: Territory
    ) -> tuple[timedelta, float | None]:
        """Journey time between two territories, and the distance in km when it is known."""
        if origin.is_overseas != destination.is_overseas or (
            origin.is_overseas and origin.id != destination.id
        ):
            return self.overseas_min, None
        distance = great_circle_km(origin, destination)
        if distance is None:
            return self.min_transfer, None
        return self.min_transfer + timedelta(hours=distance / self.average_speed_kmh), distance


def great_circle_km(a: Territory, b: Territory) -> float | None:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def format_duration(delta: timedelta) -> str:
    minutes = max(0, round(delta.total_seconds() / 60))
    return f"{minutes // 60} h {minutes % 60:02d}"


def _short_time(stop: TourStop, instant: datetime) -> str:
    local = instant.astimezone(stop.zone)
    return format_date(local.date(), "EEE d MMM") + local.strftime(" %H:%M")


def principal_overlaps(stops: Sequence[TourStop], principal: str) -> list[PlanningWarning]:
    """The tour's principal is expected at every stop: two stops at once is a conflict."""
    ordered = sorted(stops, key=lambda s: s.starts_at)
    warnings = []
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            warnings.append(
                PlanningWarning(
                    "principal_overlap",
                    _(
                        "%(principal)s est attendu·e à deux étapes en même temps : "
                        "%(first)s et %(second)s se chevauchent.",
                        principal=principal or _("Le principal de la tournée"),
                        first=first.territory.name,
                        second=second.territory.name,
                    ),
                    (first.id, second.id),
                )
            )
    return warnings


def journey_shortfalls(stops: Sequence[TourStop], rule: JourneyRule) -> list[PlanningWarning]:
    """Two consecutive stops must leave time for the journey between them."""
    ordered = sorted(stops, key=lambda s: s.starts_at)
    warnings = []
    for previous, following in itertools.pairwise(ordered):
        gap = following.starts_at - previous.ends_at
        if gap < timedelta(0):
            continue  # an overlap, already reported as such
        needed, distance = rule.time_needed(previous.territory, following.territory)
        if gap >= needed:
            continue
        if distance is None and needed == rule.overseas_min:
            reason = _(
                "un trajet vers ou depuis l’outre-mer demande au moins %(needed)s",
                needed=format_duration(needed),
            )
        else:
            reason = _(
                "le trajet de %(km)s km demande au moins %(needed)s (%(speed)s km/h de moyenne "
                "et %(transfer)s de transfert)",
                km=round(distance or 0),
                needed=format_duration(needed),
                speed=round(rule.average_speed_kmh),
                transfer=format_duration(rule.min_transfer),
            )
        warnings.append(
            PlanningWarning(
                "journey",
                _(
                    "Trajet trop court entre %(first)s (fin %(end)s) et %(second)s "
                    "(début %(start)s) : %(gap)s seulement, alors que %(reason)s.",
                    first=previous.territory.name,
                    end=_short_time(previous, previous.ends_at),
                    second=following.territory.name,
                    start=_short_time(following, following.starts_at),
                    gap=format_duration(gap),
                    reason=reason,
                ),
                (previous.id, following.id),
            )
        )
    return warnings


@lru_cache(maxsize=64)
def _public_holidays(subdivision: str | None, year: int, language: str) -> holidays.HolidayBase:
    return holidays.France(subdiv=subdivision or None, years=year, language=language)


def local_days(stop: TourStop) -> Iterable[date]:
    day, last = stop.local_start.date(), stop.local_end.date()
    while day <= last:
        yield day
        day += timedelta(days=1)


def calendar_conflicts(stops: Sequence[TourStop]) -> list[PlanningWarning]:
    """Weekends and public holidays, with each territory's own calendar (Mayotte, Alsace…)."""
    language = "fr" if str(get_locale() or "fr").startswith("fr") else "en_US"
    warnings = []
    for stop in stops:
        for day in local_days(stop):
            when = format_date(day, "EEEE d MMMM y")
            holiday = _public_holidays(stop.territory.holiday_subdivision, day.year, language).get(
                day
            )
            if holiday:
                message = _(
                    "L’étape de %(territory)s tombe un jour férié dans ce territoire : "
                    "%(holiday)s (%(day)s).",
                    territory=stop.territory.name,
                    holiday=holiday,
                    day=when,
                )
                warnings.append(PlanningWarning("public_holiday", message, (stop.id,)))
            elif day.weekday() >= 5:
                message = _(
                    "L’étape de %(territory)s tombe un week-end (%(day)s).",
                    territory=stop.territory.name,
                    day=when,
                )
                warnings.append(PlanningWarning("weekend", message, (stop.id,)))
    return warnings


def tour_warnings(stops: Sequence[TourStop], principal: str) -> list[PlanningWarning]:
    """Every warning of a tour's plan; cancelled stops are out of the plan."""
    planned = [s for s in stops if not s.is_cancelled]
    return (
        principal_overlaps(planned, principal)
        + journey_shortfalls(planned, JourneyRule.from_config())
        + calendar_conflicts(planned)
    )


def warnings_by_stop(warnings: Iterable[PlanningWarning]) -> dict[int, list[PlanningWarning]]:
    grouped: dict[int, list[PlanningWarning]] = {}
    for warning in warnings:
        for stop_id in warning.stop_ids:
            grouped.setdefault(stop_id, []).append(warning)
    return grouped


def warnings_for_stop(warnings: Iterable[PlanningWarning], stop_id: int) -> list[PlanningWarning]:
    return [w for w in warnings if stop_id in w.stop_ids]
