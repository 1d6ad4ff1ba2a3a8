"""Rendering large documents (tour programmes) away from web requests."""

from huey import crontab

from blueprints.transaction import end_transaction
from jobs.queue import enqueue, job
from models.types import utc_now
from services.documents.stored import render_and_store, stale_programmes


@job(retries=3, retry_delay=20)
def render_document(kind: str, subject: str) -> bool:
    """Renders the current version of one document, unless it is stored or being rendered
    already (idempotent); its progress is written as WeasyPrint lays out the pages."""
    return render_and_store(kind, subject, utc_now, checkpoint=end_transaction)


@job(periodic=crontab(minute="*"))
def refresh_documents() -> int:
    """After a change, the programmes already asked for are rendered again, so the next
    reader gets the new version at once."""
    stale = stale_programmes(utc_now())
    for kind, subject in stale:
        enqueue("render_document", kind, subject)
    return len(stale)
