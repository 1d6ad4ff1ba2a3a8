"""Delivering the outbox: SMTP in production, .eml files in development.

A mail is claimed by a conditional UPDATE before it is sent, so two senders never send the
same one; it is marked sent only after the server accepted it. When the server is down,
the mail goes back to the queue with a growing delay (back-off) and is tried again.
"""

import logging
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from extensions import db
from models import MailStatus, OutboxMail
from models.types import rows_changed

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(minutes=10)


def build_message(mail: OutboxMail) -> EmailMessage:
    """Plain text and HTML, plus the invitation as text/calendar when there is one."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = formataddr((mail.to_name, mail.to_address))
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
    return message


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


def due_mail_ids(now: datetime, limit: int = 100) -> list[int]:
    return list(
        db.session.scalars(
            select(OutboxMail.id)
            .where(
                or_(
                    (OutboxMail.status == MailStatus.PENDING) & (OutboxMail.next_attempt_at <= now),
                    # A sender that died while sending: its claim has expired.
                    (OutboxMail.status == MailStatus.SENDING) & (OutboxMail.claimed_until < now),
                )
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
