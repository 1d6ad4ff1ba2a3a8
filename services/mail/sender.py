"""The send loop: one pass over the outbox, each mail claimed, sent and marked.

Each step must be durable before the next (a claimed mail is not sent twice; a sent mail is
marked sent even if a later one fails), so the caller's `checkpoint` ends a transaction after
each step: `checkpoint(True)` keeps what was flushed, `checkpoint(False)` drops it. Like the
request layer, the command line owns that boundary; this module only flushes.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from services.mail.delivery import (
    UnbuildableMail,
    backend,
    build_message,
    claim,
    due_mail_ids,
    mark_failed,
    mark_sent,
    mark_undeliverable,
)

log = logging.getLogger(__name__)


class SendReport(NamedTuple):
    sent: int
    # The server or the network failed: tried again later, with back-off.
    failed: int
    # The message could not be built: marked failed for good (MailStatus.FAILED).
    undeliverable: int


def send_due_mails(checkpoint: Callable[[bool], None]) -> SendReport:
    """Send everything that is due now, batch after batch; a failure never stops the pass.

    The pass keeps the time it started at and walks the due mails in id order, so it sees
    each mail once: one that failed and is due again at once (no back-off configured) waits
    for the next pass instead of looping."""
    started = datetime.now(UTC)
    sent = failed = undeliverable = 0
    delivery = backend()
    last_id = 0
    while batch := due_mail_ids(started, after_id=last_id):
        for mail_id in batch:
            last_id = mail_id
            mail = claim(mail_id, datetime.now(UTC))
            checkpoint(True)
            if mail is None:
                continue  # another sender has it
            try:
                delivery.send(build_message(mail))
            except UnbuildableMail as error:  # the same on every attempt: do not retry
                checkpoint(False)
                mark_undeliverable(mail, str(error))
                checkpoint(True)
                undeliverable += 1
                continue
            except Exception as error:  # whatever the server or the network did: retry later
                checkpoint(False)
                mark_failed(mail, f"{type(error).__name__}: {error}", datetime.now(UTC))
                checkpoint(True)
                failed += 1
                continue
            mark_sent(mail, datetime.now(UTC))
            checkpoint(True)
            sent += 1
    return SendReport(sent, failed, undeliverable)
