"""Cross-territory workshops: creating, editing, opening and cancelling them, listing them."""

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from extensions import db
from models import (
    Challenge,
    Registration,
    RegistrationStatus,
    Speaker,
    Territory,
    TerritoryChallenge,
    Tour,
    TourStop,
    Workshop,
    WorkshopStatus,
)
from services.collaboration.activity import with_what_changed
from services.editing import ensure_version, flush_or_conflict
from services.errors import FieldErrors, InvalidInput
from services.local_time import entered_instant
from services.mail import outbox as mail
from services.registration.registrations import lock_workshop, set_capacity

log = logging.getLogger(__name__)

# More seats than any venue holds is a typing slip (and past 2**31 the column overflows).
MAX_CAPACITY = 100_000

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


@dataclass
class WorkshopFields:
    """Times are wall-clock times of the host territory."""

    title: str
    challenge_id: int | None
    host_territory_id: int | None
    territory_ids: list[int]
    day: date | None
    start_time: time | None
    end_time: time | None
    capacity: int | None
    description: str = ""
    stop_id: int | None = None
    venue_name: str = ""
    address: str = ""
    online_url: str = ""
    opens_day: date | None = None
    opens_time: time | None = None
    closes_day: date | None = None
    closes_time: time | None = None
    facilitator_ids: list[int] = field(default_factory=list)


@dataclass
class _Resolved:
    challenge: Challenge
    host: Territory
    territories: list[Territory]
    stop: TourStop | None
    starts_at: datetime
    ends_at: datetime
    opens_at: datetime | None
    closes_at: datetime | None
    facilitators: list[Speaker]
    capacity: int


def _by_ids(model, ids: list[int]) -> list | None:
    """The rows with these ids, or None when one is unknown."""
    wanted = set(ids)
    found = list(db.session.scalars(select(model).where(model.id.in_(wanted)))) if wanted else []
    return found if len(found) == len(wanted) else None


def _territories(
    fields: WorkshopFields, errors: FieldErrors
) -> tuple[Territory | None, list[Territory] | None]:
    """The host, and every territory taking part (the host among them)."""
    host = db.session.get(Territory, fields.host_territory_id) if fields.host_territory_id else None
    if host is None:
        errors.add("host_territory_id", _("Territoire hôte inconnu : choisissez dans la liste."))
    territories = _by_ids(Territory, fields.territory_ids + ([host.id] if host else []))
    if territories is None:
        errors.add("territory_ids", _("Territoire inconnu : choisissez dans la liste."))
    elif len(territories) < 2:
        errors.add(
            "territory_ids",
            _("Un atelier inter-territoires réunit au moins deux territoires, dont l’hôte."),
        )
    return host, territories


def _stop(tour: Tour, stop_id: int | None, errors: FieldErrors) -> TourStop | None:
    stop = db.session.get(TourStop, stop_id) if stop_id else None
    if stop_id and (stop is None or stop.tour_id != tour.id):
        errors.add("stop_id", _("Étape inconnue : choisissez une étape de cette tournée."))
    return stop


def _check_capacity_and_place(fields: WorkshopFields, errors: FieldErrors) -> None:
    if fields.capacity is None or fields.capacity < 0:
        errors.add("capacity", _("Indiquez une capacité (un nombre de places, 0 ou plus)."))
    elif fields.capacity > MAX_CAPACITY:
        errors.add(
            "capacity",
            _(
                "La capacité est un nombre de places, 0 ou plus (%(max)s au plus).",
                max=MAX_CAPACITY,
            ),
        )
    if not (fields.venue_name.strip() or fields.online_url.strip()):
        errors.add("venue_name", _("Indiquez un lieu, ou un lien de réunion en ligne."))
    url = fields.online_url.strip()
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc):
        errors.add("online_url", _("Le lien en ligne doit commencer par https:// (ou http://)."))


def _session_times(
    fields: WorkshopFields, zone: str, errors: FieldErrors
) -> tuple[datetime | None, datetime | None]:
    starts_at = entered_instant(errors, "start_time", fields.day, fields.start_time, zone)
    ends_at = entered_instant(errors, "end_time", fields.day, fields.end_time, zone)
    errors.require(day=fields.day, start_time=fields.start_time, end_time=fields.end_time)
    if starts_at and ends_at and ends_at <= starts_at:
        errors.add("end_time", _("La fin doit être postérieure au début."))
    return starts_at, ends_at


def _registration_window(
    fields: WorkshopFields, zone: str, ends_at: datetime | None, errors: FieldErrors
) -> tuple[datetime | None, datetime | None]:
    """When registrations open and close; they close by the end of the workshop."""
    # A day without a time: registrations open at its start and close at its end.
    opens_time, closes_time = fields.opens_time or time(0), fields.closes_time or time(23, 59)
    opens_at = entered_instant(errors, "opens_time", fields.opens_day, opens_time, zone)
    closes_at = entered_instant(errors, "closes_time", fields.closes_day, closes_time, zone)
    if opens_at and closes_at and closes_at <= opens_at:
        errors.add("closes_day", _("La clôture des inscriptions doit suivre leur ouverture."))
    if closes_at and ends_at and closes_at > ends_at:
        errors.add(
            "closes_day", _("Les inscriptions doivent fermer au plus tard à la fin de l’atelier.")
        )
    return opens_at, closes_at


def _resolve(tour: Tour, fields: WorkshopFields) -> _Resolved:
    errors = FieldErrors()
    if not fields.title.strip():
        errors.add("title", _("Indiquez le titre de l’atelier."))
    challenge = db.session.get(Challenge, fields.challenge_id) if fields.challenge_id else None
    if challenge is None:
        errors.add("challenge_id", _("Défi inconnu : choisissez un défi de la liste."))
    host, territories = _territories(fields, errors)
    facilitators = _by_ids(Speaker, fields.facilitator_ids)
    if facilitators is None:
        errors.add("facilitator_ids", _("Intervenant·e inconnu·e : choisissez dans la liste."))
    stop = _stop(tour, fields.stop_id, errors)
    _check_capacity_and_place(fields, errors)
    zone = host.timezone if host else "Europe/Paris"
    starts_at, ends_at = _session_times(fields, zone, errors)
    opens_at, closes_at = _registration_window(fields, zone, ends_at, errors)
    errors.raise_if_any()
    # Each of these is refused above when missing or unknown.
    assert challenge and host and territories is not None and facilitators is not None
    assert starts_at and ends_at and fields.capacity is not None
    return _Resolved(
        challenge,
        host,
        territories,
        stop,
        starts_at,
        ends_at,
        opens_at,
        closes_at,
        facilitators,
        fields.capacity,
    )


def _place(workshop: Workshop) -> tuple:
    return (
        workshop.starts_at,
        workshop.ends_at,
        workshop.venue_name,
        workshop.address,
        workshop.online_url,
    )


def _apply(workshop: Workshop, resolved: _Resolved, fields: WorkshopFields) -> None:
    workshop.title = fields.title.strip()
    workshop.description = fields.description.strip()
    workshop.challenge = resolved.challenge
    workshop.host_territory = resolved.host
    workshop.territories = resolved.territories
    workshop.stop = resolved.stop
    workshop.starts_at, workshop.ends_at = resolved.starts_at, resolved.ends_at
    workshop.venue_name = fields.venue_name.strip()
    workshop.address = fields.address.strip()
    workshop.online_url = fields.online_url.strip()
    workshop.registration_opens_at = resolved.opens_at
    workshop.registration_closes_at = resolved.closes_at
    workshop.facilitators = resolved.facilitators


def create_workshop(tour: Tour, fields: WorkshopFields) -> Workshop:
    """A new workshop, as a draft: nobody can register before it is opened."""
    resolved = _resolve(tour, fields)
    workshop = Workshop(tour=tour, capacity=resolved.capacity, status=WorkshopStatus.DRAFT)
    _apply(workshop, resolved, fields)
    db.session.add(workshop)
    db.session.flush()
    log.info("workshop %s created in tour %s", workshop.id, tour.id)
    return workshop


def _changed_message() -> str:
    return _(
        "Cet atelier a été modifié par quelqu’un d’autre depuis que vous l’avez ouvert. Vos "
        "changements n’ont pas été enregistrés : relisez la version actuelle, puis "
        "enregistrez de nouveau si besoin."
    )


def _changed_since_opened(workshop: Workshop) -> str:
    return with_what_changed(_changed_message(), workshop)


def active_registrations(workshop: Workshop) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration).where(
                Registration.workshop_id == workshop.id, Registration.status.in_(ACTIVE)
            )
        )
    )


def update_workshop(workshop: Workshop, fields: WorkshopFields, expected_version: int | None):
    """Save an organiser's edit. A new time or place bumps the calendar SEQUENCE and tells
    every registered person; a new capacity promotes from the waiting list or is refused
    below the confirmed count."""
    ensure_version(expected_version, workshop.version, lambda: _changed_since_opened(workshop))
    resolved = _resolve(workshop.tour, fields)
    if resolved.capacity != workshop.capacity:
        # Under the registrations' lock, and checking the version before the capacity's
        # own flush bumps it.
        workshop = lock_workshop(workshop.id)
        ensure_version(expected_version, workshop.version, lambda: _changed_since_opened(workshop))
        set_capacity(workshop, resolved.capacity)
    before = _place(workshop)
    _apply(workshop, resolved, fields)
    moved = _place(workshop) != before
    if moved:
        workshop.sequence += 1
    flush_or_conflict(_changed_message)  # the session needs a rollback: no log to read
    log.info(
        "workshop %s updated to version %s%s",
        workshop.id,
        workshop.version,
        ", time or place changed" if moved else "",
    )
    if moved and workshop.status == WorkshopStatus.OPEN:
        for registration in active_registrations(workshop):
            mail.queue_registration_mail("workshop_changed", registration)
    return workshop


def open_workshop(workshop: Workshop) -> None:
    if workshop.status == WorkshopStatus.CANCELLED:
        raise InvalidInput({"": [_("Un atelier annulé ne peut pas être rouvert.")]})
    if workshop.status != WorkshopStatus.OPEN:
        workshop.status = WorkshopStatus.OPEN
        workshop.sequence += 1
        log.info("workshop %s opened", workshop.id)
    db.session.flush()


def cancel_workshop(workshop: Workshop) -> int:
    """Cancelled workshops stay visible as such; everyone registered (confirmed or waiting)
    is told, and those with a seat get the calendar cancellation. Returns how many people
    are told."""
    workshop = lock_workshop(workshop.id)
    if workshop.status == WorkshopStatus.CANCELLED:
        return 0
    workshop.status = WorkshopStatus.CANCELLED
    workshop.sequence += 1
    db.session.flush()
    log.info("workshop %s cancelled", workshop.id)
    told = active_registrations(workshop)
    for registration in told:
        had_seat = registration.status == RegistrationStatus.CONFIRMED
        mail.queue_registration_mail("workshop_cancelled", registration, had_seat=had_seat)
    db.session.flush()
    return len(told)


def suggested_territories(challenge_id: int | None) -> list[Territory]:
    """The territories that share the challenge: the natural partners of a workshop on it."""
    if not challenge_id:
        return []
    return list(
        db.session.scalars(
            select(Territory)
            .join(TerritoryChallenge)
            .where(TerritoryChallenge.challenge_id == challenge_id)
            .order_by(Territory.name)
        )
    )


def _workshops_query():
    return select(Workshop).options(
        joinedload(Workshop.challenge),
        joinedload(Workshop.host_territory),
        selectinload(Workshop.territories),
        selectinload(Workshop.facilitators),
        joinedload(Workshop.stop),
    )


def public_workshops(challenge: Challenge | None, territory: Territory | None) -> list[Workshop]:
    query = _workshops_query().where(Workshop.status != WorkshopStatus.DRAFT)
    if challenge:
        query = query.where(Workshop.challenge_id == challenge.id)
    if territory:
        query = query.where(Workshop.territories.any(Territory.id == territory.id))
    return list(db.session.scalars(query.order_by(Workshop.starts_at)).unique())


def all_workshops(tour: Tour) -> list[Workshop]:
    query = _workshops_query().where(Workshop.tour_id == tour.id).order_by(Workshop.starts_at)
    return list(db.session.scalars(query).unique())


def workshop_for(workshop_id: int, include_drafts: bool) -> Workshop | None:
    workshop = db.session.scalar(_workshops_query().where(Workshop.id == workshop_id))
    if workshop is None or (not include_drafts and not workshop.is_public):
        return None
    return workshop
