"""Writing mails to the outbox, in the same transaction as the change that causes them.

`flask mail send` delivers them later (services/mail/delivery.py)."""

import logging
import uuid

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models import MailStatus, OutboxMail, Registration, RegistrationStatus
from services.calendar.feed_items import online_link_for
from services.calendar.invitations import workshop_invitation
from services.calendar.private_feeds import RENEWAL_MAX_AGE, participant_feed_link
from services.urls import absolute_url

log = logging.getLogger(__name__)

SUBJECTS = {
    "confirmed": _l("Inscription confirmée : %(title)s"),
    "waitlisted": _l("Liste d’attente : %(title)s"),
    "promoted": _l("Une place s’est libérée : %(title)s"),
    "cancelled": _l("Inscription annulée : %(title)s"),
    "workshop_changed": _l("Atelier modifié : %(title)s"),
    "workshop_cancelled": _l("Atelier annulé : %(title)s"),
    "calendar_renewal": _l("Nouveau lien pour votre agenda personnel"),
    "registration_links": _l("Vos liens d’inscription aux ateliers"),
    "reminder": _l("Rappel, dans deux jours : %(title)s"),
}
REGISTRATION_LINKS = "registration_links"
# Mails that give a seat, and so carry (or update) the calendar invitation.
SEAT_KINDS = {"confirmed", "promoted", "workshop_changed", "reminder"}


def _calendar_part(kind: str, registration: Registration, had_seat: bool, description: str):
    """(calendar text, method) for this mail, or (None, None); keeps SEQUENCE growing."""
    workshop = registration.workshop
    url = absolute_url("workshops.detail", workshop_id=workshop.id)
    if kind in SEAT_KINDS and registration.status == RegistrationStatus.CONFIRMED:
        sequence = max(workshop.sequence, registration.calendar_sequence)
        method = "REQUEST"
    elif kind in ("cancelled", "workshop_cancelled") and had_seat:
        sequence = max(workshop.sequence, registration.calendar_sequence) + 1
        method = "CANCEL"
    else:
        return None, None
    registration.calendar_sequence = sequence
    return workshop_invitation(registration, method, sequence, url, description), method


def queue_registration_mail(
    kind: str, registration: Registration, had_seat: bool = False, **context
) -> OutboxMail:
    """A mail to one participant, in the language they registered in. It goes to the address
    of the registration, so it may carry what belongs to the owner of that address: the
    link to the calendar of all their workshops; and, for a confirmed seat only, the online
    meeting link."""
    message = registration_mail(kind, registration, had_seat, **context)
    queue(message)
    return message


def registration_mail(
    kind: str,
    registration: Registration,
    had_seat: bool = False,
    calendar_token: str | None = None,
    **context,
) -> OutboxMail:
    """The mail queue_registration_mail() queues, written but not added to the session: a
    registration renders it before taking the workshop's lock (registrations.register).
    calendar_token: the participant's calendar link, when the caller already knows it
    (otherwise it is read, or created)."""
    workshop = registration.workshop
    if calendar_token is None:
        calendar_token = participant_feed_link(registration.email).token
    with force_locale(registration.locale):
        values = {
            "kind": kind,
            "registration": registration,
            "workshop": workshop,
            "online_url": online_link_for(registration),
            "manage_url": absolute_url("workshops.registration", token=registration.token),
            "workshop_url": absolute_url("workshops.detail", workshop_id=workshop.id),
            # Their own calendar of every workshop they registered for.
            "calendar_url": absolute_url("calendar.private", token=calendar_token),
            "had_seat": had_seat,
            **context,
        }
        subject = str(SUBJECTS[kind]) % {"title": " ".join(workshop.title.split())}
        text = render_template("mail/registration.txt", **values)
        html = render_template("mail/registration.html", **values)
        calendar, method = _calendar_part(kind, registration, had_seat, text)
    return _message(kind, registration, subject, text, html, calendar, method)


def queue_calendar_renewal_mail(registration: Registration, renew_url: str) -> OutboxMail:
    """The renewal link of the participant's calendar, to the address that owns it."""
    with force_locale(registration.locale):
        values = {
            "registration": registration,
            "renew_url": renew_url,
            "hours": int(RENEWAL_MAX_AGE.total_seconds() // 3600),
        }
        subject = str(SUBJECTS["calendar_renewal"])
        text = render_template("mail/calendar_renewal.txt", **values)
        html = render_template("mail/calendar_renewal.html", **values)
    return _queue("calendar_renewal", registration, subject, text, html)


def queue_registration_links_mail(registrations: list[Registration]) -> OutboxMail:
    """The links of every registration of one address (newest first), to that address, in
    the language of the latest one."""
    latest = registrations[0]
    with force_locale(latest.locale):
        values = {
            "registration": latest,
            "links": [
                (
                    r,
                    absolute_url("workshops.registration", token=r.token),
                )
                for r in registrations
            ],
            "calendar_url": absolute_url(
                "calendar.private", token=participant_feed_link(latest.email).token
            ),
        }
        subject = str(SUBJECTS[REGISTRATION_LINKS])
        text = render_template("mail/registration_links.txt", **values)
        html = render_template("mail/registration_links.html", **values)
    return _queue(REGISTRATION_LINKS, latest, subject, text, html)


def _queue(*args, **kwargs) -> OutboxMail:
    message = _message(*args, **kwargs)
    queue(message)
    return message


def queue(message: OutboxMail) -> None:
    db.session.add(message)
    registration = message.registration
    log.info("mail %s queued for registration %s", message.kind, registration and registration.id)


def _message(
    kind: str,
    registration: Registration,
    subject: str,
    text: str,
    html: str,
    calendar: str | None = None,
    method: str | None = None,
) -> OutboxMail:
    message = OutboxMail(
        kind=kind,
        registration=registration,
        to_address=registration.email,
        to_name=registration.name,
        subject=subject,
        text_body=text,
        html_body=html,
        calendar=calendar,
        calendar_method=method,
        message_id=f"<{uuid.uuid4()}@{current_app.config['MAIL_DOMAIN']}>",
    )
    return message


def undeliverable_mails(workshop_id: int) -> dict[int, OutboxMail]:
    """The mails to this workshop's participants that could not be built (and so will never
    go), by registration id: the latest one of each, for the organisers to see."""
    mails = db.session.scalars(
        select(OutboxMail)
        .join(Registration, OutboxMail.registration_id == Registration.id)
        .where(Registration.workshop_id == workshop_id, OutboxMail.status == MailStatus.FAILED)
        .order_by(OutboxMail.id)
    )
    return {mail.registration_id: mail for mail in mails if mail.registration_id is not None}


def queue_account_mail(
    kind: str, to_address: str, to_name: str, subject: str, text: str, html: str
) -> OutboxMail:
    """A mail to an organiser (an invitation, a notification): no registration behind it."""
    message = OutboxMail(
        kind=kind,
        to_address=to_address,
        to_name=to_name,
        subject=subject,
        text_body=text,
        html_body=html,
        message_id=f"<{uuid.uuid4()}@{current_app.config['MAIL_DOMAIN']}>",
    )
    db.session.add(message)
    log.info("mail %s queued for an organiser", kind)
    return message
