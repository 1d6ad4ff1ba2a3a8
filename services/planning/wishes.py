"""What territories say about hosting their stop: ranked date options, blackout periods and
the usual length of a visit. Times are entered in the territory's local time and stored in
UTC, as for stops; blackouts are whole days of the territory's own calendar."""

import logging
from dataclasses import dataclass
from datetime import date, time

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from models import Blackout, DateOption, Territory, Tour, VisitDuration
from models.wishes import (
    BEST_RANK,
    DEFAULT_VISIT_MINUTES,
    MAX_VISIT_MINUTES,
    MIN_VISIT_MINUTES,
    WORST_RANK,
)
from services.errors import FieldErrors, InvalidInput
from services.local_time import entered_instant
from services.text import has_control_characters

log = logging.getLogger(__name__)

COMMENT_MAX, REASON_MAX = 500, 300


@dataclass
class OptionFields:
    """A date option as entered: a day and wall-clock times of the territory."""

    day: date | None
    start_time: time | None
    end_time: time | None
    rank: int | None
    comment: str = ""


@dataclass
class Wishes:
    """Everything a territory said for a tour, as its page shows it."""

    options: list[DateOption]
    blackouts: list[Blackout]
    visit_minutes: int


def _outside_tour(tour: Tour, what: str) -> str:
    start, end = format_date(tour.start_date, "d MMMM y"), format_date(tour.end_date, "d MMMM y")
    if what == "option":
        return _(
            "Proposez un jour pendant la tournée, entre le %(start)s et le %(end)s.",
            start=start,
            end=end,
        )
    return _(
        "La période doit être comprise dans la tournée, entre le %(start)s et le %(end)s.",
        start=start,
        end=end,
    )


def _in_tour(tour: Tour, day: date) -> bool:
    return tour.start_date <= day <= tour.end_date


def _check_text(errors: FieldErrors, field: str, text: str, limit: int) -> str:
    cleaned = text.strip()
    if len(cleaned) > limit:
        errors.add(field, _("%(limit)s caractères au plus.", limit=limit))
    if has_control_characters(cleaned):
        errors.add(
            field,
            _("Ce texte tient sur une ligne : retirez les retours à la ligne et tabulations."),
        )
    return cleaned


def wishes_of(tour: Tour, territory: Territory) -> Wishes:
    options = db.session.scalars(
        select(DateOption)
        .where(DateOption.tour_id == tour.id, DateOption.territory_id == territory.id)
        .order_by(DateOption.rank, DateOption.starts_at, DateOption.id)
    )
    blackouts = db.session.scalars(
        select(Blackout)
        .where(Blackout.tour_id == tour.id, Blackout.territory_id == territory.id)
        .order_by(Blackout.first_day, Blackout.last_day, Blackout.id)
    )
    return Wishes(list(options), list(blackouts), visit_minutes(tour, territory))


def visit_minutes(tour: Tour, territory: Territory) -> int:
    """The usual length of a visit in the territory, or the default when it said nothing."""
    row = _duration_row(tour, territory)
    return row.minutes if row is not None else DEFAULT_VISIT_MINUTES


def _duration_row(tour: Tour, territory: Territory) -> VisitDuration | None:
    return db.session.scalar(
        select(VisitDuration).where(
            VisitDuration.tour_id == tour.id, VisitDuration.territory_id == territory.id
        )
    )


def add_option(tour: Tour, territory: Territory, fields: OptionFields) -> DateOption:
    errors = FieldErrors()
    errors.require(
        day=fields.day, start_time=fields.start_time, end_time=fields.end_time, rank=fields.rank
    )
    if fields.day is not None and not _in_tour(tour, fields.day):
        errors.add("day", _outside_tour(tour, "option"))
    if fields.rank is not None and not BEST_RANK <= fields.rank <= WORST_RANK:
        errors.add(
            "rank",
            _(
                "Indiquez un rang de %(best)s (votre date préférée) à %(worst)s.",
                best=BEST_RANK,
                worst=WORST_RANK,
            ),
        )
    comment = _check_text(errors, "comment", fields.comment, COMMENT_MAX)
    zone = territory.timezone
    starts_at = entered_instant(errors, "start_time", fields.day, fields.start_time, zone)
    ends_at = entered_instant(errors, "end_time", fields.day, fields.end_time, zone)
    if starts_at and ends_at and ends_at <= starts_at:
        errors.add("end_time", _("La fin doit être postérieure au début."))
    if starts_at and _option_starting(tour, territory, starts_at) is not None:
        errors.add(
            "start_time",
            _(
                "Vous proposez déjà ce jour à cette heure : retirez l’autre proposition "
                "ou changez l’heure."
            ),
        )
    errors.raise_if_any()
    assert starts_at and ends_at and fields.rank is not None  # refused above otherwise
    option = DateOption(
        tour=tour,
        territory=territory,
        starts_at=starts_at,
        ends_at=ends_at,
        rank=fields.rank,
        comment=comment,
    )
    db.session.add(option)
    db.session.flush()
    log.info("date option %s added for territory %s in tour %s", option.id, territory.id, tour.id)
    return option


def _option_starting(tour: Tour, territory: Territory, starts_at) -> DateOption | None:
    return db.session.scalar(
        select(DateOption).where(
            DateOption.tour_id == tour.id,
            DateOption.territory_id == territory.id,
            DateOption.starts_at == starts_at,
        )
    )


def option_of(tour: Tour, territory: Territory, option_id: int) -> DateOption | None:
    option = db.session.get(DateOption, option_id)
    if option is None or option.tour_id != tour.id or option.territory_id != territory.id:
        return None
    return option


def remove_option(tour: Tour, territory: Territory, option_id: int) -> None:
    option = option_of(tour, territory, option_id)
    if option is None:
        raise InvalidInput({"": [_("Cette proposition de date n’existe pas ou plus.")]})
    db.session.delete(option)
    db.session.flush()
    log.info("date option %s removed from territory %s", option_id, territory.id)


def add_blackout(
    tour: Tour, territory: Territory, first_day: date | None, last_day: date | None, reason: str
) -> Blackout:
    """Days when the territory cannot host; the last day is the first when left empty."""
    errors = FieldErrors()
    errors.require(first_day=first_day)
    last_day = last_day or first_day
    if first_day is not None and last_day is not None:
        if last_day < first_day:
            errors.add(
                "last_day", _("Le dernier jour doit être le premier jour ou un jour suivant.")
            )
        elif not (_in_tour(tour, first_day) and _in_tour(tour, last_day)):
            errors.add("first_day", _outside_tour(tour, "blackout"))
    cleaned = _check_text(errors, "reason", reason, REASON_MAX)
    errors.raise_if_any()
    assert first_day is not None and last_day is not None  # refused above otherwise
    blackout = Blackout(
        tour=tour, territory=territory, first_day=first_day, last_day=last_day, reason=cleaned
    )
    db.session.add(blackout)
    db.session.flush()
    log.info("blackout %s added for territory %s in tour %s", blackout.id, territory.id, tour.id)
    return blackout


def blackout_of(tour: Tour, territory: Territory, blackout_id: int) -> Blackout | None:
    blackout = db.session.get(Blackout, blackout_id)
    if blackout is None or blackout.tour_id != tour.id or blackout.territory_id != territory.id:
        return None
    return blackout


def remove_blackout(tour: Tour, territory: Territory, blackout_id: int) -> None:
    blackout = blackout_of(tour, territory, blackout_id)
    if blackout is None:
        raise InvalidInput({"": [_("Cette période n’existe pas ou plus.")]})
    db.session.delete(blackout)
    db.session.flush()
    log.info("blackout %s removed from territory %s", blackout_id, territory.id)


def set_visit_minutes(tour: Tour, territory: Territory, minutes: int | None) -> VisitDuration:
    errors = FieldErrors()
    errors.require(minutes=minutes)
    if minutes is not None and not MIN_VISIT_MINUTES <= minutes <= MAX_VISIT_MINUTES:
        errors.add(
            "minutes",
            _(
                "Indiquez une durée de %(min)s à %(max)s minutes.",
                min=MIN_VISIT_MINUTES,
                max=MAX_VISIT_MINUTES,
            ),
        )
    errors.raise_if_any()
    assert minutes is not None
    row = _duration_row(tour, territory)
    if row is None:
        row = VisitDuration(tour=tour, territory=territory)
        db.session.add(row)
    row.minutes = minutes
    db.session.flush()
    log.info("visit of territory %s in tour %s: %s minutes", territory.id, tour.id, minutes)
    return row
