"""The reminder mailed to each confirmed participant two days before their workshop, once.

A registration is claimed by one UPDATE that sets its reminder_sent_at only while it is
still empty, so two consumers running the same pass (or a pass run twice) queue one mail;
the mail goes to the outbox in the same transaction, with the calendar invitation."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update

from extensions import db
from models import Registration, RegistrationStatus, Workshop, WorkshopStatus
from models.types import rows_changed
from services.mail.outbox import queue_registration_mail

log = logging.getLogger(__name__)

REMINDER_LEAD = timedelta(days=2)


def due_reminders(now: datetime) -> list[int]:
    """Confirmed registrations of open workshops starting within two days, not reminded
    yet. Those made inside the two days are left out: their confirmation, with the same
    invitation, has just been sent."""
    rows = db.session.execute(
        select(Registration.id, Registration.created_at, Workshop.starts_at)
        .join(Workshop, Registration.workshop_id == Workshop.id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.reminder_sent_at.is_(None),
            Workshop.status == WorkshopStatus.OPEN,
            Workshop.starts_at > now,
            Workshop.starts_at <= now + REMINDER_LEAD,
        )
        .order_by(Registration.id)
    )
    # Compared here rather than in SQL: date arithmetic differs between SQLite and PostgreSQL,
    # and the rows are only those of the next two days.
    return [id_ for id_, created_at, starts_at in rows if created_at < starts_at - REMINDER_LEAD]


def send_reminder(registration_id: int, now: datetime) -> bool:
    """Queues the reminder of one registration unless it was queued already; True if queued."""
    claimed = db.session.execute(
        update(Registration)
        .where(
            Registration.id == registration_id,
            Registration.reminder_sent_at.is_(None),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        # A reminder changes nothing the participant sees: updated_at stays.
        .values(reminder_sent_at=now, updated_at=Registration.updated_at)
        .execution_options(synchronize_session=False)
    )
    if not rows_changed(claimed):
        return False
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        return False
    db.session.refresh(registration)
    queue_registration_mail("reminder", registration)
    db.session.flush()
    log.info("reminder queued for registration %s", registration_id)
    return True
