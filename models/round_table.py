"""Round tables at a stop, their speakers, and the speakers of a stop itself."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from extensions import Model
from models.speaker import Speaker
from models.territory import Challenge
from models.tour import TourStop
from models.types import (
    InLocalTime,
    LabelledEnum,
    UTCDateTime,
    new_calendar_uid,
    text_enum,
    utc_now,
)


class ParticipantRole(LabelledEnum):
    MODERATOR = "moderator", _l("Modération")
    PANELIST = "panelist", _l("Intervention")
    KEYNOTE = "keynote", _l("Discours")
    HOST = "host", _l("Accueil")


class RoundTable(InLocalTime, Model):
    __tablename__ = "round_tables"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(
        ForeignKey("tour_stops.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    challenge_id: Mapped[int | None] = mapped_column(
        ForeignKey("challenges.id", ondelete="SET NULL")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    room: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    uid: Mapped[str] = mapped_column(String(100), unique=True, default=new_calendar_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}

    stop: Mapped[TourStop] = relationship(back_populates="round_tables")
    challenge: Mapped[Challenge | None] = relationship()
    participants: Mapped[list["RoundTableParticipant"]] = relationship(
        back_populates="round_table",
        cascade="all, delete-orphan",
        order_by="RoundTableParticipant.position",
    )

    @property
    def zone(self) -> ZoneInfo:
        return self.stop.zone

    def __repr__(self) -> str:
        return f"<RoundTable {self.id} {self.title!r}>"


class SpeakerListing:
    """A speaker listed somewhere with a role and a place in the order."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: a booked speaker is removed through the service, which asks first.
    speaker_id: Mapped[int] = mapped_column(
        ForeignKey("speakers.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[ParticipantRole] = mapped_column(text_enum(ParticipantRole, 20))
    position: Mapped[int] = mapped_column(default=0)

    @declared_attr
    def speaker(cls) -> Mapped[Speaker]:
        return relationship(Speaker)

    @property
    def role_label(self) -> str:
        return self.role.label


class RoundTableParticipant(SpeakerListing, Model):
    """A speaker at a round table. The same speaker listed twice is allowed in the data,
    and reported as a planning warning."""

    __tablename__ = "round_table_participants"

    round_table_id: Mapped[int] = mapped_column(
        ForeignKey("round_tables.id", ondelete="CASCADE"), index=True
    )
    round_table: Mapped[RoundTable] = relationship(back_populates="participants")


class StopSpeaker(SpeakerListing, Model):
    """A speaker at the stop as a whole (e.g. the tour's speaker at every stop)."""

    __tablename__ = "stop_speakers"

    stop_id: Mapped[int] = mapped_column(
        ForeignKey("tour_stops.id", ondelete="CASCADE"), index=True
    )
    stop: Mapped[TourStop] = relationship(back_populates="speakers")
