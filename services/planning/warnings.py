"""Planning warnings: what an organiser should see before anyone travels.

One service computes them for a whole tour: stops, round tables and speakers. The board,
the stop and round-table forms and the speaker's page all show its result. Warnings never
block a save.
"""

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import ParticipantRole, Speaker, Territory, TourStop
from models.types import LabelledEnum
from services.local_time import clock, duration, long_date, short_when
from services.planning.engagements import Engagement, engagements_of

EARTH_RADIUS_KM = 6371.0


class WarningKind(LabelledEnum):
    PRINCIPAL_OVERLAP = "principal_overlap", _l("Principal attendu à deux étapes")
    JOURNEY = "journey", _l("Trajet trop court entre deux étapes")
    WEEKEND = "weekend", _l("Étape un week-end")
    PUBLIC_HOLIDAY = "public_holiday", _l("Étape un jour férié")
    OUTSIDE_STOP_HOURS = "outside_stop_hours", _l("Table ronde hors des horaires de l’étape")
    ROOM_CLASH = "room_clash", _l("Salle occupée deux fois")
    NO_MODERATOR = "no_moderator", _l("Table ronde sans modération")
    LISTED_TWICE = "listed_twice", _l("Intervenant·e inscrit·e deux fois")
    SPEAKER_OVERLAP = "speaker_overlap", _l("Intervenant·e attendu·e à deux endroits")
    SPEAKER_JOURNEY = "speaker_journey", _l("Trajet trop court pour un·e intervenant·e")
    SPEAKER_UNAVAILABLE = "speaker_unavailable", _l("Intervenant·e indisponible")


@dataclass(frozen=True)
class PlanningWarning:
    kind: WarningKind
    message: str
    stop_ids: tuple[int, ...]
    round_table_ids: tuple[int, ...] = ()
    speaker_ids: tuple[int, ...] = ()


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
    if a.coordinates is None or b.coordinates is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (*a.coordinates, *b.coordinates))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


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
                    WarningKind.PRINCIPAL_OVERLAP,
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


def _journey_shortfall(
    rule: JourneyRule, origin: Territory, destination: Territory, gap: timedelta
) -> str | None:
    """Why the gap is too short for the journey, or None when it is long enough."""
    needed, distance = rule.time_needed(origin, destination)
    if gap >= needed:
        return None
    if distance is None and needed == rule.overseas_min:
        return _(
            "un trajet vers ou depuis l’outre-mer demande au moins %(needed)s",
            needed=duration(needed),
        )
    return _(
        "le trajet de %(km)s km demande au moins %(needed)s (%(speed)s km/h de moyenne "
        "et %(transfer)s de transfert)",
        km=round(distance or 0),
        needed=duration(needed),
        speed=round(rule.average_speed_kmh),
        transfer=duration(rule.min_transfer),
    )


def journey_shortfalls(stops: Sequence[TourStop], rule: JourneyRule) -> list[PlanningWarning]:
    """Two consecutive stops must leave time for the journey between them."""
    ordered = sorted(stops, key=lambda s: s.starts_at)
    warnings = []
    for previous, following in itertools.pairwise(ordered):
        gap = following.starts_at - previous.ends_at
        if gap < timedelta(0):
            continue  # an overlap, already reported as such
        reason = _journey_shortfall(rule, previous.territory, following.territory, gap)
        if reason is None:
            continue
        warnings.append(
            PlanningWarning(
                WarningKind.JOURNEY,
                _(
                    "Trajet trop court entre %(first)s (fin %(end)s) et %(second)s "
                    "(début %(start)s) : %(gap)s seulement, alors que %(reason)s.",
                    first=previous.territory.name,
                    end=short_when(previous.ends_at, previous.territory.timezone),
                    second=following.territory.name,
                    start=short_when(following.starts_at, following.territory.timezone),
                    gap=duration(gap),
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
            when = long_date(day)
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
                warnings.append(PlanningWarning(WarningKind.PUBLIC_HOLIDAY, message, (stop.id,)))
            elif day.weekday() >= 5:
                message = _(
                    "L’étape de %(territory)s tombe un week-end (%(day)s).",
                    territory=stop.territory.name,
                    day=when,
                )
                warnings.append(PlanningWarning(WarningKind.WEEKEND, message, (stop.id,)))
    return warnings


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


def round_table_problems(stop: TourStop) -> list[PlanningWarning]:
    """Within one stop: hours, rooms, moderators, people listed twice."""
    warnings = []
    tables = sorted(stop.round_tables, key=lambda t: t.starts_at)
    for table in tables:
        where = (stop.id,), (table.id,)
        if table.starts_at < stop.starts_at or table.ends_at > stop.ends_at:
            message = _(
                "La table ronde « %(title)s » (%(start)s – %(end)s) déborde des horaires de "
                "l’étape de %(territory)s (%(stop_start)s – %(stop_end)s).",
                title=table.title,
                start=clock(table.starts_at, stop.territory.timezone),
                end=clock(table.ends_at, stop.territory.timezone),
                territory=stop.territory.name,
                stop_start=clock(stop.starts_at, stop.territory.timezone),
                stop_end=clock(stop.ends_at, stop.territory.timezone),
            )
            warnings.append(PlanningWarning(WarningKind.OUTSIDE_STOP_HOURS, message, *where))
        roles = [p.role for p in table.participants]
        if ParticipantRole.MODERATOR not in roles:
            message = _(
                "La table ronde « %(title)s » n’a pas de modérateur·rice.", title=table.title
            )
            warnings.append(PlanningWarning(WarningKind.NO_MODERATOR, message, *where))
        seen: set[int] = set()
        for participant in table.participants:
            if participant.speaker_id in seen:
                message = _(
                    "%(name)s figure deux fois à la table ronde « %(title)s ».",
                    name=participant.speaker.name,
                    title=table.title,
                )
                warnings.append(
                    PlanningWarning(
                        WarningKind.LISTED_TWICE, message, *where, (participant.speaker_id,)
                    )
                )
            seen.add(participant.speaker_id)
    for first, second in itertools.combinations(tables, 2):
        same_room = (
            first.room.strip() and first.room.strip().casefold() == second.room.strip().casefold()
        )
        if same_room and _overlap(first.starts_at, first.ends_at, second.starts_at, second.ends_at):
            message = _(
                "Salle « %(room)s » occupée deux fois : « %(first)s » et « %(second)s » se "
                "chevauchent.",
                room=first.room,
                first=first.title,
                second=second.title,
            )
            warnings.append(
                PlanningWarning(WarningKind.ROOM_CLASH, message, (stop.id,), (first.id, second.id))
            )
    return warnings


def _where(*engagements: Engagement) -> dict:
    return {
        "stop_ids": tuple(dict.fromkeys(e.stop.id for e in engagements)),
        "round_table_ids": tuple(e.round_table.id for e in engagements if e.round_table),
        "speaker_ids": (engagements[0].speaker_id,),
    }


def _overlapping_places(ordered: Sequence[Engagement]) -> list[tuple[Engagement, Engagement]]:
    """Pairs of engagements at two places at once, each conflict once: speaking at a stop and
    at one of its round tables, both overlapping another stop, is one conflict between the two
    stops, said with the round table (the more precise place)."""
    found: dict[tuple, tuple[Engagement, Engagement]] = {}
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.starts_at >= first.ends_at:
                break
            if first.same_place_as(second):
                continue
            if first.stop.id != second.stop.id:
                key: tuple = ("stops", frozenset((first.stop.id, second.stop.id)))
            else:  # two round tables of one stop
                key = (
                    "tables",
                    frozenset(e.round_table.id for e in (first, second) if e.round_table),
                )
            kept = found.get(key)
            if kept is None or _precision(first, second) > _precision(*kept):
                found[key] = (first, second)
    return list(found.values())


def _precision(*engagements: Engagement) -> int:
    return sum(1 for e in engagements if e.round_table is not None)


def speaker_problems(
    speaker: Speaker, engagements: Sequence[Engagement], rule: JourneyRule
) -> list[PlanningWarning]:
    """One person: two places at once, too short a journey, outside their availability."""
    ordered = sorted(engagements, key=lambda e: e.starts_at)
    warnings = [
        PlanningWarning(
            WarningKind.SPEAKER_OVERLAP,
            _(
                "%(name)s est attendu·e à deux endroits en même temps : %(first)s et %(second)s.",
                name=speaker.name,
                first=first.place,
                second=second.place,
            ),
            **_where(first, second),
        )
        for first, second in _overlapping_places(ordered)
    ]
    for previous, following in itertools.pairwise(ordered):
        gap = following.starts_at - previous.ends_at
        if gap < timedelta(0) or previous.stop.id == following.stop.id:
            continue
        reason = _journey_shortfall(rule, previous.territory, following.territory, gap)
        if reason:
            message = _(
                "%(name)s n’a que %(gap)s entre %(first)s et %(second)s, alors que %(reason)s.",
                name=speaker.name,
                gap=duration(gap),
                first=previous.place,
                second=following.place,
                reason=reason,
            )
            warnings.append(
                PlanningWarning(WarningKind.SPEAKER_JOURNEY, message, **_where(previous, following))
            )
    warnings.extend(_availability_problems(speaker, ordered))
    return warnings


def _availability_problems(speaker: Speaker, engagements: Sequence[Engagement]) -> list:
    available = [w for w in speaker.availabilities if w.kind.value == "available"]
    unavailable = [w for w in speaker.availabilities if w.kind.value == "unavailable"]
    warnings = []
    for engagement in engagements:
        when = short_when(engagement.starts_at, engagement.stop.territory.timezone)
        if any(w.overlaps(engagement.starts_at, engagement.ends_at) for w in unavailable):
            message = _(
                "%(name)s a indiqué être indisponible pour %(place)s (%(when)s).",
                name=speaker.name,
                place=engagement.place,
                when=when,
            )
        elif available and not any(
            w.covers(engagement.starts_at, engagement.ends_at) for w in available
        ):
            message = _(
                "%(name)s est programmé·e à %(place)s (%(when)s), hors de ses disponibilités.",
                name=speaker.name,
                place=engagement.place,
                when=when,
            )
        else:
            continue
        warnings.append(
            PlanningWarning(WarningKind.SPEAKER_UNAVAILABLE, message, **_where(engagement))
        )
    return warnings


def speakers_warnings(speakers: Iterable[Speaker]) -> list[PlanningWarning]:
    """Every speaker warning for these people, over all their engagements (drafts included)."""
    speakers = list({s.id: s for s in speakers}.values())
    engagements = engagements_of((s.id for s in speakers), include_drafts=True)
    rule = JourneyRule.from_config()
    return [w for s in speakers for w in speaker_problems(s, engagements[s.id], rule)]


def tour_warnings(stops: Sequence[TourStop], principal: str) -> list[PlanningWarning]:
    """Every warning of a tour's plan; cancelled stops are out of the plan."""
    planned = [s for s in stops if not s.is_cancelled]
    speakers = [p.speaker for s in planned for t in s.round_tables for p in t.participants]
    speakers += [link.speaker for s in planned for link in s.speakers]
    of_speakers = speakers_warnings(speakers)
    of_principal = principal_overlaps(planned, principal) + journey_shortfalls(
        planned, JourneyRule.from_config()
    )
    return (
        _not_said_for_the_principal(of_principal, of_speakers, speakers, principal)
        + calendar_conflicts(planned)
        + [w for s in planned for w in round_table_problems(s)]
        + of_speakers
    )


# The principal's own conflict, and the same conflict seen from their speaking engagements.
_SAME_CONFLICT = {
    WarningKind.PRINCIPAL_OVERLAP: WarningKind.SPEAKER_OVERLAP,
    WarningKind.JOURNEY: WarningKind.SPEAKER_JOURNEY,
}


def _not_said_for_the_principal(
    of_principal: list[PlanningWarning],
    of_speakers: list[PlanningWarning],
    speakers: Iterable[Speaker],
    principal: str,
) -> list[PlanningWarning]:
    """The principal's warnings, without those their speaker warnings already give (with the
    round table concerned): the same two stops are not announced twice."""
    name = principal.strip().casefold()
    principal_ids = {s.id for s in speakers if name and s.name.strip().casefold() == name}
    said = {
        (w.kind, frozenset(w.stop_ids))
        for w in of_speakers
        if principal_ids.intersection(w.speaker_ids)
    }
    return [w for w in of_principal if (_SAME_CONFLICT[w.kind], frozenset(w.stop_ids)) not in said]


def warnings_by_stop(warnings: Iterable[PlanningWarning]) -> dict[int, list[PlanningWarning]]:
    grouped: dict[int, list[PlanningWarning]] = {}
    for warning in warnings:
        for stop_id in warning.stop_ids:
            grouped.setdefault(stop_id, []).append(warning)
    return grouped


def warnings_for_stop(warnings: Iterable[PlanningWarning], stop_id: int) -> list[PlanningWarning]:
    return [w for w in warnings if stop_id in w.stop_ids]
