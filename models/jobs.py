"""What background work leaves in the database: the jobs that failed for good (for admins),
and the last rendering of each large document (served while the next one is made)."""

from datetime import datetime

from sqlalchemy import LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from extensions import Model
from models.types import UTCDateTime, utc_now


class FailedJob(Model):
    """A job whose every attempt failed (written by jobs/queue.py's error signal)."""

    __tablename__ = "failed_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    task_id: Mapped[str] = mapped_column(String(64))
    # The job's arguments as given (ids and plain values, nothing personal).
    arguments: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str] = mapped_column(String(2000))
    details: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(default=1)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)


class RenderedDocument(Model):
    """The last PDF rendered of one document (kind and subject, e.g. "tour", "3"), with the
    ETag naming its content; and, while the next version is rendered, that version's ETag
    and how many pages WeasyPrint has laid out so far, out of how many expected (the last
    rendering's count): the progress page reads them."""

    __tablename__ = "rendered_documents"
    __table_args__ = (UniqueConstraint("kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))
    etag: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[bytes | None] = mapped_column(LargeBinary)
    pages: Mapped[int | None] = mapped_column()
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rendering_etag: Mapped[str | None] = mapped_column(String(100))
    rendering_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pages_laid_out: Mapped[int] = mapped_column(default=0)
    pages_expected: Mapped[int | None] = mapped_column()
