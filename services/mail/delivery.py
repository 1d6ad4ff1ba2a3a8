"""Delivering the outbox: SMTP in production, .eml files in development.

A mail is claimed by a conditional UPDATE before it is sent, so two senders never send the
same one; it is marked sent only after the server accepted it. When the server is down,
the mail goes back to the queue with a growing delay (back-off) and is tried again. A mail
whose message cannot be built (a line break in the name…) would fail the same way on every
attempt: it is marked failed for good, with its reason, for the organisers to see.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from extensions import db
from models import MailStatus, OutboxMail
from models.types import rows_changed

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=10)
# The due mails are read in batches of this many, until none is left.
BATCH_SIZE = 100


class UnbuildableMail(Exception):
    """The outbox row cannot become a message: trying again would fail the same way."""


def build_message(mail: OutboxMail) -> EmailMessage:
    """Plain text and HTML, plus the invitation as text/calendar when there is one.
    Raises UnbuildableMail when the row holds what no message can carry."""
    message = EmailMessage()
    # Configuration, not the row: an error here is the ordinary kind, retried once fixed.
    message["From"] = current_app.config["MAIL_FROM"]
    try:
        _fill(message, mail)
        message.as_bytes()  # what the backends will do: it must serialise too
    except (ValueError, TypeError, MessageError) as error:
        raise UnbuildableMail(f"{type(error).__name__}: {error}") from error
    return message


def _fill(message: EmailMessage, mail: OutboxMail) -> None:
    message["Subject"] = mail.subject
    # An Address, not a formatted string: the display name is quoted or encoded whatever it
    # holds (quotes, commas, semicolons, a colon), so it stays one address; a line break in
    # it is refused (ValueError) instead of starting a new header.
    message["To"] = Address(display_name=mail.to_name, addr_spec=mail.to_address)
    message["Message-ID"] = mail.message_id
    message["Date"] = format_datetime(mail.created_at)
    message.set_content(mail.text_body)
    message.add_alternative(mail.html_body, subtype="html")
    if mail.calendar:
        # Inline in the alternatives (what calendar clients read) and as an .ics attachment
        # (what everyone else can open).
        message.add_alternative(
            mail.calendar, subtype="calendar", params={"method": mail.calendar_method}
        )
        message.add_attachment(
            mail.calendar.encode(),
            maintype="application",
            subtype="ics",
            filename="invitation.ics",
        )


class SmtpBackend:
    def send(self, message: EmailMessage) -> None:
        config = current_app.config
        with smtplib.SMTP(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT_SECONDS"]
        ) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)


class FileBackend:
    """Development: each mail is an .eml file in instance/mail/, opened by any mail client."""

    def send(self, message: EmailMessage) -> None:
        folder = Path(current_app.config["MAIL_FILE_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@")[0]
        (folder / f"{name}.eml").write_bytes(bytes(message))


def backend():
    return FileBackend() if current_app.config["MAIL_BACKEND"] == "file" else SmtpBackend()


def due_mail_ids(now: datetime, after_id: int = 0, limit: int = BATCH_SIZE) -> list[int]:
    """The next `limit` mails due at `now`, in id order from after `after_id`: a pass that
    keeps `now` and moves `after_id` on sees each mail once, however many there are."""
    return list(
        db.session.scalars(
            select(OutboxMail.id)
            .where(
                OutboxMail.id > after_id,
                or_(
                    (OutboxMail.status == MailStatus.PENDING) & (OutboxMail.next_attempt_at <= now),
                    # A sender that died while sending: its claim has expired.
                    (OutboxMail.status == MailStatus.SENDING) & (OutboxMail.claimed_until < now),
                ),
            )
            .order_by(OutboxMail.id)
            .limit(limit)
        )
    )


def claim(mail_id: int, now: datetime) -> OutboxMail | None:
    """This sender takes the mail, unless another one already did."""
    taken = db.session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            or_(
                OutboxMail.status == MailStatus.PENDING,
                (OutboxMail.status == MailStatus.SENDING) & (OutboxMail.claimed_until < now),
            ),
        )
        .values(status=MailStatus.SENDING, claimed_until=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    if rows_changed(taken) != 1:
        return None
    log.info("mail %s claimed", mail_id)
    return db.session.execute(
        select(OutboxMail).where(OutboxMail.id == mail_id).execution_options(populate_existing=True)
    ).scalar_one()


def mark_sent(mail: OutboxMail, now: datetime) -> None:
    mail.status = MailStatus.SENT
    mail.sent_at = now
    mail.claimed_until = None
    mail.last_error = ""
    db.session.flush()
    log.info("mail %s sent", mail.id)


def mark_failed(mail: OutboxMail, error: str, now: datetime) -> None:
    config = current_app.config
    mail.attempts += 1
    delay = min(
        config["MAIL_RETRY_BASE_SECONDS"] * 2 ** (mail.attempts - 1),
        config["MAIL_RETRY_MAX_SECONDS"],
    )
    mail.status = MailStatus.PENDING
    mail.claimed_until = None
    mail.next_attempt_at = now + timedelta(seconds=delay)
    mail.last_error = error[:2000]
    db.session.flush()
    # The error itself may quote the address: it stays in the outbox row, not in the log.
    log.info("mail %s failed (attempt %s), next attempt in %s s", mail.id, mail.attempts, delay)


def mark_undeliverable(mail: OutboxMail, error: str) -> None:
    """For good: the message cannot be built, so no attempt would ever succeed."""
    mail.attempts += 1
    mail.status = MailStatus.FAILED
    mail.claimed_until = None
    mail.last_error = error[:2000]
    db.session.flush()
    log.info("mail %s cannot be built: not sent, not retried", mail.id)
