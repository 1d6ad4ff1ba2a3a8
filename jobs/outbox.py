"""Draining the mail outbox. The outbox table stays the source of truth (mails are written to
it in the same transaction as the change that causes them); this job only sends what is due,
each mail claimed before it is sent (services/mail/sender.py), so two consumers never send
one mail twice. It runs every minute, and right after any transaction that queued a mail."""

import logging

from huey import crontab
from sqlalchemy import event
from sqlalchemy.orm import Session

from blueprints.transaction import end_transaction
from jobs.queue import enqueue, job
from models import OutboxMail
from services.mail.sender import send_due_mails

log = logging.getLogger(__name__)


@job(periodic=crontab(minute="*"), retries=3, retry_delay=30)
def send_outbox() -> tuple[int, int, int]:
    """One pass over the due mails; failures are retried by the outbox's own back-off."""
    report = send_due_mails(checkpoint=end_transaction)
    if any(report):
        log.info("outbox: %s sent, %s failed, %s undeliverable", *report)
    return report.sent, report.failed, report.undeliverable


@event.listens_for(Session, "after_flush")
def _note_queued_mail(session: Session, _context) -> None:
    if any(isinstance(instance, OutboxMail) for instance in session.new):
        session.info["outbox_written"] = True


@event.listens_for(Session, "after_rollback")
def _forget_queued_mail(session: Session) -> None:
    session.info.pop("outbox_written", None)


@event.listens_for(Session, "after_commit")
def _send_soon(session: Session) -> None:
    """Mail queued and committed: a consumer sends it now rather than at the next minute.
    A queue that cannot be reached only delays it (the periodic pass will send it)."""
    if session.info.pop("outbox_written", False):
        try:
            enqueue("send_outbox")
        except Exception:
            log.exception("could not queue the outbox pass; the next periodic pass sends it")
