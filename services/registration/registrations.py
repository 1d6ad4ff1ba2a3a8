"""Registration to workshops: capacity, waiting list, cancellation, promotion.

Every change to a workshop's registrations starts with the same write, which bumps the
workshop's registrations_revision: on PostgreSQL that UPDATE holds the workshop's row lock
until commit; on SQLite it takes the database's single write lock (WAL mode, busy timeout),
and since pysqlite opens the transaction at the first write, nothing read before can be
stale. Inside the lock, counting and deciding is safe: confirmed registrations never exceed
the capacity, whatever the number of requests, processes or databases.
"""

import logging
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import delete, event, func, select, text, update
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import (
    OutboxMail,
    Registration,
    RegistrationStatus,
    Territory,
    Workshop,
    WorkshopStatus,
    normalise_email,
)
from models.types import could_be_token, new_token, rows_changed
from services.calendar import private_feeds
from services.errors import ActionRefused, FieldErrors, InvalidInput
from services.mail import outbox as mail
from services.text import has_control_characters
from services.urls import absolute_url

log = logging.getLogger(__name__)

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


class RegistrationRefused(ActionRefused):
    """The workshop does not take this registration now (closed, full of this address…)."""


@dataclass
class RegistrationFields:
    name: str
    email: str
    organisation: str = ""
    territory_id: int | None = None
    consent: bool = False
    locale: str = "fr"


def lock_workshop(workshop_id: int) -> Workshop:
    """Take the workshop's registration lock (see the module's docstring) and return it
    freshly read."""
    locked = db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop_id)
        .values(registrations_revision=Workshop.registrations_revision + 1)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(locked) != 1:
        raise RegistrationRefused(_("Cet atelier n’existe pas ou plus."))
    _lock_taken()
    return _locked_workshop(workshop_id)


def _locked_workshop(workshop_id: int) -> Workshop:
    return db.session.execute(
        select(Workshop).where(Workshop.id == workshop_id).execution_options(populate_existing=True)
    ).scalar_one()


# How long each transaction held a workshop's lock, in seconds, for bench/registrations.py
# (from the locking statement to the commit or rollback that ends the transaction).
lock_hold_seconds: deque[float] = deque(maxlen=10_000)
_LOCKED_AT = "registration_lock_taken_at"


def _lock_taken() -> None:
    db.session.info.setdefault(_LOCKED_AT, time.perf_counter())


@event.listens_for(db.session, "after_commit")
@event.listens_for(db.session, "after_rollback")
def _lock_released(session, *_args) -> None:
    taken = session.info.pop(_LOCKED_AT, None)
    if taken is not None:
        lock_hold_seconds.append(time.perf_counter() - taken)


def confirmed_count(workshop: Workshop) -> int:
    confirmed = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.workshop_id == workshop.id, Registration.status == CONFIRMED
        )
    )
    return confirmed or 0


def _counts(workshop_ids: list[int], status: RegistrationStatus) -> dict[int, int]:
    if not workshop_ids:
        return {}
    rows = db.session.execute(
        select(Registration.workshop_id, func.count(Registration.id))
        .where(Registration.workshop_id.in_(workshop_ids), Registration.status == status)
        .group_by(Registration.workshop_id)
    )
    counts = dict.fromkeys(workshop_ids, 0)
    for workshop_id, count in rows:
        counts[workshop_id] = count
    return counts


def confirmed_counts(workshop_ids: list[int]) -> dict[int, int]:
    """Confirmed registrations per workshop, in one query."""
    return _counts(workshop_ids, CONFIRMED)


def waitlist_counts(workshop_ids: list[int]) -> dict[int, int]:
    """People on the waiting list per workshop, in one query."""
    return _counts(workshop_ids, WAITLISTED)


def seats_left(workshop: Workshop) -> int:
    return workshop.seats_left_after(confirmed_count(workshop))


def seats_left_by_workshop(workshops: list[Workshop]) -> dict[int, int]:
    """Seats left in each workshop, counted in one query."""
    confirmed = confirmed_counts([w.id for w in workshops])
    return {w.id: w.seats_left_after(confirmed[w.id]) for w in workshops}


def waitlist(workshop: Workshop) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.workshop_id == workshop.id, Registration.status == WAITLISTED)
            .order_by(Registration.queue_key, Registration.id)
        )
    )


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to get a seat; exact and without gaps, since it is counted."""
    if registration.status != WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.workshop_id == registration.workshop_id,
            Registration.status == WAITLISTED,
            (Registration.queue_key < registration.queue_key)
            | (
                (Registration.queue_key == registration.queue_key)
                & (Registration.id < registration.id)
            ),
        )
    )
    return (ahead or 0) + 1


def registration_problem(workshop: Workshop, now: datetime) -> str | None:
    """Why this workshop takes no registration at this instant, or None."""
    if workshop.status == WorkshopStatus.CANCELLED:
        return _("Cet atelier est annulé : les inscriptions sont fermées.")
    if workshop.status != WorkshopStatus.OPEN:
        return _("Les inscriptions à cet atelier ne sont pas ouvertes.")
    if workshop.registration_opens_at and now < workshop.registration_opens_at:
        return _(
            "Les inscriptions ouvriront le %(when)s.",
            when=format_datetime(workshop.registration_opens_at, "d MMMM y 'à' HH:mm"),
        )
    closes_at = workshop.registration_closes_at or workshop.starts_at
    if now >= closes_at:
        return _("Les inscriptions à cet atelier sont closes.")
    return None


def _validate(fields: RegistrationFields) -> Territory | None:
    errors = FieldErrors()
    if not fields.name.strip():
        errors.add("name", _("Indiquez votre nom."))
    for field in ("name", "organisation"):
        if has_control_characters(getattr(fields, field)):
            errors.add(
                field,
                _("Écrivez-le sur une seule ligne, sans tabulation ni caractère de contrôle."),
            )
    if not fields.email.strip():
        errors.add("email", _("Indiquez votre adresse e-mail."))
    if not fields.consent:
        errors.add(
            "consent",
            _("Votre accord est nécessaire pour traiter votre inscription (voir la notice)."),
        )
    territory = None
    if fields.territory_id is not None:
        territory = db.session.get(Territory, fields.territory_id)
        if territory is None:
            errors.add("territory_id", _("Territoire inconnu : choisissez dans la liste."))
    errors.raise_if_any()
    return territory


def _already_registered() -> RegistrationRefused:
    return RegistrationRefused(
        _(
            "Cette adresse e-mail est déjà inscrite à cet atelier. Retrouvez votre inscription "
            "grâce au lien reçu par e-mail."
        )
    )


@dataclass(frozen=True)
class _Facts:
    """What the decision on a newcomer reads, in one query."""

    confirmed: int
    waitlisted: int
    last_queue_key: int
    earlier_id: int | None


# One statement read twice per registration, once under the lock: written as text, it
# costs SQLAlchemy no cache-key traversal (which cost more than running it).
_FACTS = text(
    "SELECT"
    " (SELECT count(id) FROM registrations WHERE workshop_id = :workshop AND status = :confirmed),"
    " (SELECT count(id) FROM registrations WHERE workshop_id = :workshop AND status = :waiting),"
    " (SELECT max(queue_key) FROM registrations WHERE workshop_id = :workshop),"
    " (SELECT id FROM registrations WHERE workshop_id = :workshop AND email = :email)"
)


def _facts(workshop_id: int, email: str) -> _Facts:
    row = db.session.execute(
        _FACTS,
        {
            "workshop": workshop_id,
            "email": email,
            "confirmed": CONFIRMED.value,
            "waiting": WAITLISTED.value,
        },
    ).one()
    return _Facts(row[0] or 0, row[1] or 0, row[2] or 0, row[3])


def _lock_for_decision(workshop_id: int) -> int | None:
    """Take the workshop's lock (lock_workshop) in one statement, returning its version."""
    version = db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop_id)
        .values(registrations_revision=Workshop.registrations_revision + 1)
        .returning(Workshop.version)
        .execution_options(synchronize_session=False)
    ).scalar()
    _lock_taken()
    return version


def register(workshop_id: int, fields: RegistrationFields, now: datetime) -> Registration:
    """Confirmed while seats are left, then waitlisted in arrival order; the mail that says
    so is queued in the same transaction.

    The mail (text, HTML, the invitation) is written before the lock is taken, for the
    decision the counts read then foretell. Under the lock the same one query reads them
    again: when nothing the decision or the mail depends on moved (the workshop's version,
    the counts, no earlier registration of the address), the rows are written as prepared;
    otherwise the decision and the mail are made again under the lock, as before."""
    territory = _validate(fields)
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise RegistrationRefused(_("Cet atelier n’existe pas ou plus."))
    problem = registration_problem(workshop, now)
    if problem:
        raise RegistrationRefused(problem)
    email = normalise_email(fields.email)
    foreseen = _facts(workshop_id, email)
    if foreseen.earlier_id is not None:
        return _register_under_lock(workshop_id, fields, email, territory, now)
    link = private_feeds.feed_link_of(email=email)
    token = link.token if link is not None else new_token()
    version = workshop.version
    registration = _newcomer(workshop, fields, email, territory, now, foreseen)
    message = _arrival_mail(registration, foreseen, token)

    locked_version = _lock_for_decision(workshop_id)
    if locked_version is None:
        raise RegistrationRefused(_("Cet atelier n’existe pas ou plus."))
    if locked_version != version:  # edited meanwhile: decide again
        return _register_under_lock(workshop_id, fields, email, territory, now, locked=True)
    if _facts(workshop_id, email) != foreseen:
        return _register_under_lock(workshop_id, fields, email, territory, now, locked=True)
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the unique constraint, if a twin request got there first
        raise _already_registered() from exc
    if link is None and not private_feeds.create_participant_link(email, token):
        # A twin request created this address's link first: the mail names that one.
        message = _arrival_mail(registration, foreseen, None)
    mail.queue(message)
    log.info(
        "registration %s to workshop %s: %s", registration.id, workshop_id, registration.status
    )
    return registration


def _newcomer(workshop, fields, email, territory, now, facts: _Facts) -> Registration:
    return Registration(
        workshop=workshop,
        name=fields.name.strip(),
        email=email,
        organisation=fields.organisation.strip(),
        territory=territory,
        locale=_locale(fields.locale),
        token=new_token(),
        status=CONFIRMED if facts.confirmed < workshop.capacity else WAITLISTED,
        consented_at=now,
        created_at=now,
        queue_key=facts.last_queue_key + 1,
        calendar_sequence=workshop.sequence,
    )


def _arrival_mail(registration: Registration, facts: _Facts, token: str | None):
    if registration.status == CONFIRMED:
        return mail.registration_mail("confirmed", registration, calendar_token=token)
    # Everyone waiting is ahead of the newcomer, whose queue key is the largest.
    return mail.registration_mail(
        "waitlisted", registration, calendar_token=token, position=facts.waitlisted + 1
    )


def _register_under_lock(
    workshop_id: int,
    fields: RegistrationFields,
    email: str,
    territory: Territory | None,
    now: datetime,
    locked: bool = False,
) -> Registration:
    """The decision and its mail, both under the lock: for an address that registered
    before, or when something moved between the first reading and the lock."""
    workshop = _locked_workshop(workshop_id) if locked else lock_workshop(workshop_id)
    problem = registration_problem(workshop, now)
    if problem:
        raise RegistrationRefused(problem)
    if earlier := _earlier_registration(workshop, email):
        if earlier.status != CANCELLED:
            raise _already_registered()
        # Whoever registers now gets a new link; the link of the cancelled one stops working.
        earlier.token = new_token()
        earlier.name, earlier.organisation = fields.name.strip(), fields.organisation.strip()
        earlier.territory, earlier.consented_at = territory, now
        earlier.locale = _locale(fields.locale)
        return _take_place_again(workshop, earlier)
    status = _status_for_newcomer(workshop)
    registration = Registration(
        workshop=workshop,
        name=fields.name.strip(),
        email=email,
        organisation=fields.organisation.strip(),
        territory=territory,
        locale=_locale(fields.locale),
        token=new_token(),
        status=status,
        consented_at=now,
        created_at=now,
        queue_key=_next_queue_key(workshop),
        calendar_sequence=workshop.sequence,
    )
    db.session.add(registration)
    try:
        db.session.flush()
    except IntegrityError as exc:  # the unique constraint, if a twin request got there first
        raise _already_registered() from exc
    # Their calendar of all their workshops, from now on; its link goes only by mail.
    private_feeds.participant_feed_link(email)
    log.info("registration %s to workshop %s: %s", registration.id, workshop.id, status)
    _queue_arrival_mail(registration)
    return registration


def _locale(locale: str) -> str:
    return locale if locale in ("fr", "en") else "fr"


def _earlier_registration(workshop: Workshop, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.workshop_id == workshop.id, Registration.email == email
        )
    )


def _status_for_newcomer(workshop: Workshop) -> RegistrationStatus:
    return CONFIRMED if confirmed_count(workshop) < workshop.capacity else WAITLISTED


def _next_queue_key(workshop: Workshop) -> int:
    last_key = db.session.scalar(
        select(func.max(Registration.queue_key)).where(Registration.workshop_id == workshop.id)
    )
    return (last_key or 0) + 1


def _queue_arrival_mail(registration: Registration) -> None:
    if registration.status == CONFIRMED:
        mail.queue_registration_mail("confirmed", registration)
    else:
        mail.queue_registration_mail(
            "waitlisted", registration, position=waitlist_position(registration)
        )


def _take_place_again(workshop: Workshop, registration: Registration) -> Registration:
    """A cancelled registration comes back as a newcomer would: a seat if one is free,
    otherwise the end of the waiting list. Call under the workshop's lock."""
    registration.status = _status_for_newcomer(workshop)
    registration.queue_key = _next_queue_key(workshop)
    registration.cancelled_at = None
    # Their calendar got a CANCEL; the new invitation must come after it.
    registration.calendar_sequence += 1
    db.session.flush()
    log.info(
        "registration %s to workshop %s back: %s",
        registration.id,
        workshop.id,
        registration.status,
    )
    _queue_arrival_mail(registration)
    return registration


def register_again(registration: Registration, now: datetime) -> Registration:
    """The holder of a cancelled registration's link takes a place again, if the workshop
    still takes registrations."""
    workshop = lock_workshop(registration.workshop_id)
    db.session.refresh(registration)
    if registration.status != CANCELLED:
        return registration
    problem = registration_problem(workshop, now)
    if problem:
        raise RegistrationRefused(problem)
    return _take_place_again(workshop, registration)


# One mail of links per address in this time: asking again and again fills nobody's inbox.
LINKS_MAIL_INTERVAL = timedelta(minutes=10)


def send_registration_links(email: str, now: datetime) -> bool:
    """Mail the links of every registration of this address, to that address; the page that
    asks answers the same whether or not the address is known. Returns whether a mail left."""
    email = normalise_email(email)
    found = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.email == email, Registration.anonymised_at.is_(None))
            .order_by(Registration.created_at.desc(), Registration.id.desc())
        )
    )
    if not found or _links_mailed_recently(email, now):
        return False
    mail.queue_registration_links_mail(found)
    log.info("registration links mailed for %d registrations", len(found))
    return True


def _links_mailed_recently(email: str, now: datetime) -> bool:
    return bool(
        db.session.scalar(
            select(OutboxMail.id).where(
                OutboxMail.kind == mail.REGISTRATION_LINKS,
                OutboxMail.to_address == email,
                OutboxMail.created_at > now - LINKS_MAIL_INTERVAL,
            )
        )
    )


def send_calendar_renewal(registration: Registration) -> None:
    """Someone holding this registration's link asks for a new link to the calendar of all
    the workshops of its address: the owner of the address gets a mail with a renewal link
    (nothing changes until they follow it), so a registration made with someone else's
    address neither shows nor kills that person's link."""
    link = private_feeds.participant_feed_link(registration.email)
    renew_url = absolute_url("workshops.renew_calendar", proof=private_feeds.renewal_proof(link))
    mail.queue_calendar_renewal_mail(registration, renew_url)
    log.info("calendar renewal link mailed for registration %s", registration.id)


def registration_by_token(token: str) -> Registration | None:
    if not could_be_token(token):
        return None
    return db.session.scalar(select(Registration).where(Registration.token == token))


def _promote(registration: Registration) -> None:
    registration.status = CONFIRMED
    # Tentative → confirmed in the person's private feed: a status change, so a new SEQUENCE.
    registration.calendar_sequence = (
        max(registration.calendar_sequence, registration.workshop.sequence) + 1
    )
    mail.queue_registration_mail("promoted", registration)
    log.info(
        "registration %s to workshop %s promoted from the waiting list",
        registration.id,
        registration.workshop_id,
    )


def fill_free_seats(workshop: Workshop) -> list[Registration]:
    """Give every free seat to the waiting list, first come first served. Call under the lock."""
    free = workshop.capacity - confirmed_count(workshop)
    promoted = waitlist(workshop)[: max(0, free)]
    for registration in promoted:
        _promote(registration)
    db.session.flush()
    return promoted


def cancel_registration(registration: Registration, now: datetime) -> list[Registration]:
    """Cancel (by the participant or an organiser); the freed seat goes to the next person
    on the waiting list in the same transaction. Returns who was promoted."""
    workshop = lock_workshop(registration.workshop_id)
    db.session.refresh(registration)
    if registration.status == CANCELLED:
        return []
    was_confirmed = registration.status == CONFIRMED
    registration.status = CANCELLED
    registration.cancelled_at = now
    mail.queue_registration_mail("cancelled", registration, had_seat=was_confirmed)
    db.session.flush()
    log.info("registration %s to workshop %s cancelled", registration.id, workshop.id)
    return fill_free_seats(workshop) if was_confirmed else []


def promote_now(registration: Registration) -> bool:
    """An organiser's choice: this person gets the next seat. Confirmed at once if a seat is
    free, else moved to the front of the waiting list. Returns True when confirmed."""
    workshop = lock_workshop(registration.workshop_id)
    db.session.refresh(registration)
    if registration.status != WAITLISTED:
        raise RegistrationRefused(_("Seule une personne en liste d’attente peut être promue."))
    if confirmed_count(workshop) < workshop.capacity:
        _promote(registration)
        db.session.flush()
        return True
    first = db.session.scalar(
        select(func.min(Registration.queue_key)).where(
            Registration.workshop_id == workshop.id, Registration.status == WAITLISTED
        )
    )
    assert first is not None  # this person is on the waiting list
    registration.queue_key = first - 1
    db.session.flush()
    log.info(
        "registration %s moved to the front of the waiting list of workshop %s",
        registration.id,
        workshop.id,
    )
    return False


def change_capacity(workshop: Workshop, capacity: int) -> list[Registration]:
    """Raise: the waiting list fills the new seats. Lower below the confirmed count: refused."""
    return set_capacity(lock_workshop(workshop.id), capacity)


def set_capacity(locked: Workshop, capacity: int) -> list[Registration]:
    """change_capacity, for a caller that already holds the workshop's lock."""
    confirmed = confirmed_count(locked)
    if capacity < confirmed:
        raise InvalidInput(
            {
                "capacity": [
                    _(
                        "Impossible de descendre à %(capacity)s places : %(confirmed)s personnes "
                        "sont déjà confirmées. Annulez d’abord des inscriptions.",
                        capacity=capacity,
                        confirmed=confirmed,
                    )
                ]
            }
        )
    locked.capacity = capacity
    db.session.flush()
    log.info("workshop %s capacity set to %s", locked.id, capacity)
    return fill_free_seats(locked)


ANONYMOUS_NAME = "Participant·e anonymisé·e"


def anonymise(registration: Registration, now: datetime) -> None:
    """Erase who the person is, keep that a place was taken (counts stay right). The old
    management link stops working, and their mails, sent or not, are deleted. When no other
    registration holds their address, their private calendar link goes too; otherwise it
    stays, without this registration (whose address is no longer theirs)."""
    # Under the workshop's lock, whose revision also tells cached sign-in sheets to go.
    lock_workshop(registration.workshop_id)
    email = registration.email
    registration.name = ANONYMOUS_NAME
    registration.email = f"anonyme-{registration.id}@invalid"
    registration.organisation = ""
    registration.territory = None
    registration.token = new_token()
    registration.anonymised_at = now
    db.session.execute(delete(OutboxMail).where(OutboxMail.registration_id == registration.id))
    db.session.flush()
    if (
        db.session.scalar(select(Registration.id).where(Registration.email == email).limit(1))
        is None
    ):
        private_feeds.forget_participant(email)
    log.info("registration %s to workshop %s anonymised", registration.id, registration.workshop_id)


def set_attendance(registration: Registration, attended: bool | None) -> None:
    registration.attended = attended
    db.session.flush()
    log.info("registration %s attendance set to %s", registration.id, attended)


def registrants(workshop: Workshop) -> list[tuple[Registration, int | None]]:
    """Everyone, confirmed first, then the waiting list in order, then cancellations; with
    each waitlisted person's position."""
    everyone = list(
        db.session.scalars(
            select(Registration)
            .where(Registration.workshop_id == workshop.id)
            .order_by(Registration.queue_key, Registration.id)
        )
    )
    rank = {CONFIRMED: 0, WAITLISTED: 1, CANCELLED: 2}
    everyone.sort(key=lambda r: rank[r.status])
    position = 0
    result: list[tuple[Registration, int | None]] = []
    for registration in everyone:
        if registration.status == WAITLISTED:
            position += 1
            result.append((registration, position))
        else:
            result.append((registration, None))
    return result


def status_counts(rows: list[tuple[Registration, int | None]]) -> dict[str, int]:
    """How many registrations of each status, from registrants()' rows."""
    return {s.value: sum(1 for r, _position in rows if r.status == s) for s in RegistrationStatus}
