"""Reminders two days before a workshop, with its calendar invitation, once per participant."""

from huey import crontab

from jobs.queue import job
from models.types import utc_now
from services.registration.reminders import due_reminders, send_reminder


@job(periodic=crontab(minute="*/10"))
def send_reminders() -> int:
    """Queues the reminders that are due in the outbox (the mail job sends them). Each one
    is claimed by its registration's sent-marker: running twice, or on two consumers at
    once, queues each reminder once."""
    now = utc_now()
    return sum(send_reminder(registration_id, now) for registration_id in due_reminders(now))
