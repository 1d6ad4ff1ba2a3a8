"""Large documents rendered in the background and kept in the database (RenderedDocument),
so that no web request spends seconds in WeasyPrint and every server serves the same copy.

A tour's programme is always rendered by a job (jobs/documents.py): the route answers with
the last rendered version, or a progress page while the first one is made. A document is
known by its kind and subject ("tour", "3"); what it shows is named by its ETag
(rendering.document_etag), so a new ETag means it is rendered again.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer

from extensions import db
from models import RenderedDocument, Tour
from models.types import rows_changed
from services.documents import programmes, rendering

log = logging.getLogger(__name__)

# A rendering that started longer ago than this is taken over (its consumer died).
RENDERING_ABANDONED_AFTER = timedelta(minutes=10)
# Progress is written at most this often (seconds), besides the first page and the end.
PROGRESS_INTERVAL = 0.25


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    subject: str
    title: str
    template: str
    context: Callable[[], dict]
    workshop_ids: list[int]
    page_aware: bool
    filename: str

    def etag(self) -> str:
        return rendering.document_etag(
            self.kind, self.subject, rendering.data_version(self.workshop_ids)
        )


def tour_programme_spec(tour: Tour) -> DocumentSpec:
    return DocumentSpec(
        kind="tour",
        subject=str(tour.id),
        title=tour.title,
        template="print/tour_programme.html",
        context=lambda: programmes.tour_programme(tour),
        workshop_ids=programmes.workshop_ids_of_tour(tour),
        page_aware=True,
        filename=f"programme-{tour.slug}",
    )


def spec_for(kind: str, subject: str) -> DocumentSpec | None:
    """The document a job was asked to render, or None if its subject is gone."""
    if kind == "tour" and subject.isdigit():
        tour = db.session.get(Tour, int(subject))
        return tour_programme_spec(tour) if tour else None
    return None


def stored_document(kind: str, subject: str) -> RenderedDocument | None:
    return db.session.scalars(
        select(RenderedDocument).where(
            RenderedDocument.kind == kind, RenderedDocument.subject == subject
        )
    ).first()


def needs_rendering(stored: RenderedDocument | None, etag: str, now: datetime) -> bool:
    """Whether a job must be queued: no copy of this version, and none being made."""
    if stored is None:
        return True
    if stored.etag == etag:
        return False
    if stored.rendering_etag != etag or stored.rendering_started_at is None:
        return True
    return stored.rendering_started_at < now - RENDERING_ABANDONED_AFTER


def progress_percent(stored: RenderedDocument | None) -> int | None:
    """How far the rendering under way is, in percent (never 100 before it is stored), or
    None while the number of pages is not known yet."""
    if stored is None or not stored.pages_expected:
        return None
    return min(99, 100 * stored.pages_laid_out // stored.pages_expected)


def claim_rendering(kind: str, subject: str, etag: str, now: datetime) -> bool:
    """Takes the rendering of this version for the caller; False if it is stored already or
    another consumer renders it (the job is then done: idempotent)."""
    if stored_document(kind, subject) is None:
        try:
            with db.session.begin_nested():
                db.session.add(RenderedDocument(kind=kind, subject=subject))
        except IntegrityError:
            pass  # created by another consumer at the same time
    claimed = db.session.execute(
        update(RenderedDocument)
        .where(
            RenderedDocument.kind == kind,
            RenderedDocument.subject == subject,
            or_(RenderedDocument.etag.is_(None), RenderedDocument.etag != etag),
            or_(
                RenderedDocument.rendering_etag.is_(None),
                RenderedDocument.rendering_etag != etag,
                RenderedDocument.rendering_started_at < now - RENDERING_ABANDONED_AFTER,
            ),
        )
        # pages_expected stays: the last rendering's work, the estimate of this one.
        .values(rendering_etag=etag, rendering_started_at=now, pages_laid_out=0)
        .execution_options(synchronize_session=False)
    )
    return rows_changed(claimed) == 1


def _progress_writer(kind: str, subject: str) -> rendering.Progress:
    """Writes the progress on its own connection, committed at once, so that the progress
    page of any server sees it while the job's transaction is still open."""
    last = [0.0]

    def write(laid_out: int, expected: int | None) -> None:
        moment = time.monotonic()
        if laid_out > 1 and moment - last[0] < PROGRESS_INTERVAL:
            return
        last[0] = moment
        with db.engine.begin() as connection:
            connection.execute(
                update(RenderedDocument)
                .where(RenderedDocument.kind == kind, RenderedDocument.subject == subject)
                .values(pages_laid_out=laid_out, pages_expected=expected)
            )

    return write


def render_spec(
    spec: DocumentSpec, progress: rendering.Progress | None = None, hint: int | None = None
) -> rendering.RenderedPdf:
    """A document's PDF, its progress reported as it is laid out."""
    values = spec.context()

    def with_pages(pages: dict[str, int]) -> str:
        return render_template(
            spec.template, document_title=spec.title, anchor_pages=pages, **values
        )

    return rendering.render_pdf_counted(
        render_template(spec.template, document_title=spec.title, **values),
        spec.title,
        with_pages=with_pages if spec.page_aware else None,
        progress=progress,
        expected_work=hint,
    )


def render_and_store(
    kind: str, subject: str, now: Callable[[], datetime], checkpoint: Callable[[bool], None]
) -> bool:
    """Renders the current version of a document and stores it; False when there was
    nothing to do (stored already, rendered elsewhere, or its subject is gone).
    checkpoint(True) commits: the claim is made durable before the long rendering."""
    spec = spec_for(kind, subject)
    if spec is None:
        return False
    etag = spec.etag()
    if not claim_rendering(kind, subject, etag, now()):
        return False
    previous = stored_document(kind, subject)
    hint = previous.pages_expected if previous else None
    checkpoint(True)
    body, pages, work = render_spec(spec, _progress_writer(kind, subject), hint)
    checkpoint(True)  # ends any read transaction before writing (SQLite)
    stored = stored_document(kind, subject)
    if stored is None:
        return False
    db.session.refresh(stored)
    stored.etag = etag
    stored.body = body
    stored.pages = pages
    stored.rendered_at = now()
    stored.pages_laid_out = stored.pages_expected = work
    if stored.rendering_etag == etag:
        stored.rendering_etag = None
        stored.rendering_started_at = None
    db.session.flush()
    log.info("document %s %s rendered: %s pages, %s bytes", kind, subject, pages, len(body))
    return True


def stale_programmes(now: datetime) -> list[tuple[str, str]]:
    """The tour programmes already asked for whose data changed since their rendering."""
    stale = []
    for stored in db.session.scalars(
        select(RenderedDocument)
        .where(RenderedDocument.kind == "tour")
        .options(defer(RenderedDocument.body))
    ):
        spec = spec_for(stored.kind, stored.subject)
        if spec is not None and needs_rendering(stored, spec.etag(), now):
            stale.append((stored.kind, stored.subject))
    return stale
