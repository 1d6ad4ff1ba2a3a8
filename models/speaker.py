"""People who speak at stops and round tables, and when they can or cannot be there."""

import unicodedata
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model
from models.territory import Territory
from models.types import LabelledEnum, UTCDateTime, text_enum, utc_now


def search_key(text: str) -> str:
    """Lower-case, without accents: "Élise" and "elise" search alike on every database
    (SQLite's lower() only folds ASCII)."""
    folded = text.casefold().replace("œ", "oe").replace("æ", "ae")  # ligatures NFKD keeps
    decomposed = unicodedata.normalize("NFKD", folded)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


class Speaker(Model):
    """An intervenant·e. The e-mail is private: organisers only, never on public pages."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    # Plain text or a small subset of Markdown; rendered through the sanitiser, never as HTML.
    biography: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL")
    )
    # Name, title and organisation, folded by search_key(): what the speaker search matches.
    search_key: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}

    territory: Mapped[Territory | None] = relationship()
    availabilities: Mapped[list["Availability"]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan", order_by="Availability.starts_at"
    )

    def refresh_search_key(self) -> None:
        self.search_key = search_key(f"{self.name} {self.title} {self.organisation}")

    @property
    def zone_name(self) -> str:
        """The zone in which this person's availability is entered and shown."""
        return self.territory.timezone if self.territory else "Europe/Paris"

    def __repr__(self) -> str:
        return f"<Speaker {self.id} {self.name}>"


@event.listens_for(Speaker, "before_insert")
@event.listens_for(Speaker, "before_update")
def _keep_search_key(_mapper, _connection, speaker: Speaker) -> None:
    speaker.refresh_search_key()


class AvailabilityKind(LabelledEnum):
    AVAILABLE = "available", _l("Disponible")
    UNAVAILABLE = "unavailable", _l("Indisponible")


class Availability(Model):
    """A window when the speaker can (or cannot) be there. When a speaker has any
    "available" window, they are expected only inside those windows."""

    __tablename__ = "speaker_availabilities"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(
        ForeignKey("speakers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AvailabilityKind] = mapped_column(text_enum(AvailabilityKind, 20))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(300), default="")

    speaker: Mapped[Speaker] = relationship(back_populates="availabilities")

    @property
    def kind_label(self) -> str:
        return self.kind.label

    def covers(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at <= starts_at and ends_at <= self.ends_at

    def overlaps(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at < ends_at and starts_at < self.ends_at
