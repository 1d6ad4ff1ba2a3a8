"""Creating and changing tour stops: validation in local time, optimistic locking."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

from extensions import db
from models import Organisation, StopStatus, Territory, Tour, TourStop, User
from services.collaboration.activity import stale_edit_details
from services.collaboration.tasks import add_checklist_tasks, follow_stop
from services.editing import ensure_version, flush_or_conflict
from services.errors import FieldErrors
from services.local_time import entered_instant

log = logging.getLogger(__name__)


@dataclass
class StopFields:
    """What an organiser enters for a stop; times are wall-clock times of the territory."""

    territory_id: int | None
    day: date | None
    start_time: time | None
    end_time: time | None
    end_day: date | None = None
    venue_name: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    host_organisation_id: int | None = None
    description: str = ""


@dataclass
class _ResolvedStop:
    territory: Territory
    starts_at: datetime
    ends_at: datetime
    host: Organisation | None


def _territory_of_complete_input(fields: StopFields) -> Territory:
    """The chosen territory, once every field needed to place the stop is there."""
    errors = FieldErrors()
    territory = db.session.get(Territory, fields.territory_id) if fields.territory_id else None
    if territory is None:
        errors.add("territory_id", _("Territoire inconnu : choisissez un territoire de la liste."))
    errors.require(day=fields.day, start_time=fields.start_time, end_time=fields.end_time)
    if (fields.latitude is None) != (fields.longitude is None):
        errors.add("latitude", _("Indiquez la latitude et la longitude, ou aucune des deux."))
    errors.raise_if_any()
    assert territory is not None  # an unknown territory is refused above
    return territory


def _instants(
    fields: StopFields, zone: str, errors: FieldErrors
) -> tuple[datetime | None, datetime | None]:
    """Start and end in UTC; a wall-clock time that does not exist is refused."""
    starts_at = entered_instant(errors, "start_time", fields.day, fields.start_time, zone)
    ends_at = entered_instant(
        errors, "end_time", fields.end_day or fields.day, fields.end_time, zone
    )
    if starts_at and ends_at and ends_at <= starts_at:
        errors.add("end_time", _("La fin doit être postérieure au début."))
    return starts_at, ends_at


def _check_within_tour(tour: Tour, first_day: date, last_day: date, errors: FieldErrors) -> None:
    if not (tour.start_date <= first_day and last_day <= tour.end_date):
        errors.add(
            "day",
            _(
                "L’étape doit avoir lieu pendant la tournée, entre le %(start)s et le %(end)s.",
                start=format_date(tour.start_date, "d MMMM y"),
                end=format_date(tour.end_date, "d MMMM y"),
            ),
        )


def _host(fields: StopFields, territory: Territory, errors: FieldErrors) -> Organisation | None:
    """The host organisation, a member of the territory's collective."""
    if not fields.host_organisation_id:
        return None
    host = db.session.get(Organisation, fields.host_organisation_id)
    if host is None or host.territory_id != territory.id:
        errors.add(
            "host_organisation_id",
            _("Cette structure ne fait pas partie du collectif du territoire choisi."),
        )
    return host


def _resolve(tour: Tour, fields: StopFields) -> _ResolvedStop:
    territory = _territory_of_complete_input(fields)
    errors = FieldErrors()
    assert fields.day is not None  # a missing day is refused above
    starts_at, ends_at = _instants(fields, territory.timezone, errors)
    _check_within_tour(tour, fields.day, fields.end_day or fields.day, errors)
    host = _host(fields, territory, errors)
    errors.raise_if_any()
    assert starts_at and ends_at  # a missing or impossible time is refused above
    return _ResolvedStop(territory, starts_at, ends_at, host)


def _apply(stop: TourStop, resolved: _ResolvedStop, fields: StopFields, author: User) -> None:
    stop.territory = resolved.territory
    stop.starts_at = resolved.starts_at
    stop.ends_at = resolved.ends_at
    stop.host_organisation = resolved.host
    stop.venue_name = fields.venue_name.strip()
    stop.address = fields.address.strip()
    stop.latitude = fields.latitude
    stop.longitude = fields.longitude
    stop.description = fields.description.strip()
    stop.updated_by = author


def create_stop(tour: Tour, fields: StopFields, author: User) -> TourStop:
    """A new stop, as a draft: it becomes public once an organiser confirms it."""
    resolved = _resolve(tour, fields)
    stop = TourStop(tour=tour, status=StopStatus.DRAFT)
    _apply(stop, resolved, fields, author)
    db.session.add(stop)
    add_checklist_tasks(stop)
    db.session.flush()
    log.info("stop %s created in tour %s", stop.id, tour.id)
    return stop


def _changed_since_opened(stop: TourStop, author: User | None = None) -> str:
    who = stop.updated_by.display_name if stop.updated_by else _("quelqu’un d’autre")
    message = _(
        "Cette étape a été modifiée par %(who)s (%(when)s) depuis que vous l’avez ouverte. "
        "Vos changements n’ont pas été enregistrés pour ne pas écraser les siens : "
        "relisez la version actuelle ci-dessous, puis enregistrez de nouveau si besoin.",
        who=who,
        when=format_datetime(stop.updated_at, "d MMMM y HH:mm"),
    )
    # What the other person changed, from the activity log.
    details = stale_edit_details(stop, author)
    return f"{message} {details}" if details else message


def _changed_meanwhile() -> str:
    return _(
        "Cette étape vient d’être modifiée par quelqu’un d’autre. Vos changements "
        "n’ont pas été enregistrés : rechargez la page et recommencez."
    )


def _when_and_where(stop: TourStop) -> tuple:
    return (
        stop.starts_at,
        stop.ends_at,
        stop.territory_id,
        stop.venue_name,
        stop.address,
        stop.latitude,
        stop.longitude,
    )


def bump_sequence(stop: TourStop, with_round_tables: bool) -> None:
    """Calendar clients only take an update whose SEQUENCE is higher. A stop's round tables
    show its place and its status, so they follow when those change."""
    stop.sequence += 1
    if with_round_tables:
        # Loading the round tables must not flush early: the guarded flush reports conflicts.
        with db.session.no_autoflush:
            for table in stop.round_tables:
                table.sequence += 1


def update_stop(
    stop: TourStop, fields: StopFields, expected_version: int | None, author: User
) -> TourStop:
    ensure_version(expected_version, stop.version, lambda: _changed_since_opened(stop, author))
    resolved = _resolve(stop.tour, fields)
    before = _when_and_where(stop)
    _apply(stop, resolved, fields, author)
    if stop.starts_at != before[0]:
        with db.session.no_autoflush:
            follow_stop(stop)
    if _when_and_where(stop) != before:
        place_changed = before[2:] != _when_and_where(stop)[2:]
        bump_sequence(stop, with_round_tables=place_changed)
    flush_or_conflict(_changed_meanwhile)
    log.info("stop %s updated to version %s", stop.id, stop.version)
    return stop


def set_stop_status(
    stop: TourStop, status: StopStatus, expected_version: int | None, author: User
) -> TourStop:
    """Confirm, cancel, or bring a stop back to draft."""
    ensure_version(expected_version, stop.version, lambda: _changed_since_opened(stop, author))
    if stop.status != status:
        stop.status = status
        stop.updated_by = author
        bump_sequence(stop, with_round_tables=True)
        flush_or_conflict(_changed_meanwhile)
        log.info("stop %s is now %s", stop.id, status)
    return stop
