"""Releases of a tour's programme: frozen snapshots of what was public, with the PDF that
showed it. The change log between two releases is computed from their snapshots
(services/publishing/releases.py), never typed."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model
from models.tour import Tour
from models.types import UTCDateTime, utc_now
from models.user import User

RELEASE_NAME_MAX = 40


class Release(Model):
    """A version publiée: a name unique in its tour (v3, or a date), an optional public
    note, and the snapshot of the public programme at that moment (no draft, no e-mail
    address, no online meeting link)."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("tour_id", "name", name="uq_releases_tour_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(RELEASE_NAME_MAX))
    note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # {"items": [...]}: see services/publishing/releases.py, snapshot_of().
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)

    tour: Mapped[Tour] = relationship()
    published_by: Mapped[User | None] = relationship()
    document: Mapped["ReleaseDocument | None"] = relationship(
        back_populates="release", cascade="all, delete-orphan", uselist=False
    )

    def __repr__(self) -> str:
        return f"<Release {self.tour_id} {self.name!r}>"


class ReleaseDocument(Model):
    """The tour programme PDF as printed for a release, kept so that it stays available."""

    __tablename__ = "release_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("releases.id", ondelete="CASCADE"), unique=True
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    release: Mapped[Release] = relationship(back_populates="document")
