"""A tour and its stops."""

from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model
from models.territory import Organisation, Territory
from models.types import (
    InLocalTime,
    LabelledEnum,
    UTCDateTime,
    new_calendar_uid,
    text_enum,
    utc_now,
)

if TYPE_CHECKING:  # the modules that define them import this one
    from models.collaboration import Task
    from models.round_table import RoundTable, StopSpeaker
    from models.user import User


class Tour(Model):
    __tablename__ = "tours"
    __table_args__ = (CheckConstraint("end_date >= start_date", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The person expected at every stop (the High Commissioner for the 2019 tour).
    principal: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    # What the API's updated_since filter reads (nullable: see its migration).
    updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), default=utc_now, onupdate=utc_now
    )

    stops: Mapped[list["TourStop"]] = relationship(
        back_populates="tour", cascade="all, delete-orphan", order_by="TourStop.starts_at"
    )

    def __repr__(self) -> str:
        return f"<Tour {self.slug}>"


class StopStatus(LabelledEnum):
    DRAFT = "draft", _l("Brouillon")
    CONFIRMED = "confirmed", _l("Confirmée")
    CANCELLED = "cancelled", _l("Annulée")


class TourStop(InLocalTime, Model):
    """The visit of the tour to one territory (étape)."""

    __tablename__ = "tour_stops"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"), index=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territories.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    host_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    status: Mapped[StopStatus] = mapped_column(
        text_enum(StopStatus, 20),
        default=StopStatus.DRAFT,
    )
    description: Mapped[str] = mapped_column(Text, default="")
    # Calendar identity: the UID never changes; SEQUENCE grows with time, place or status.
    uid: Mapped[str] = mapped_column(String(100), unique=True, default=new_calendar_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    # Optimistic locking: SQLAlchemy adds "AND version = :old" to every UPDATE.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    __mapper_args__ = {"version_id_col": version}

    tour: Mapped[Tour] = relationship(back_populates="stops")
    territory: Mapped[Territory] = relationship()
    host_organisation: Mapped[Organisation | None] = relationship()
    updated_by: Mapped["User | None"] = relationship()
    round_tables: Mapped[list["RoundTable"]] = relationship(
        back_populates="stop", cascade="all, delete-orphan", order_by="RoundTable.starts_at"
    )
    speakers: Mapped[list["StopSpeaker"]] = relationship(
        back_populates="stop", cascade="all, delete-orphan", order_by="StopSpeaker.position"
    )
    tasks: Mapped[list["Task"]] = relationship(
        back_populates="stop",
        cascade="all, delete-orphan",
        order_by="(Task.due_date, Task.position, Task.id)",
    )

    @property
    def zone(self) -> ZoneInfo:
        return self.territory.zone

    @property
    def is_public(self) -> bool:
        return self.status != StopStatus.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == StopStatus.CANCELLED

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """The venue's position, or else the territory's."""
        if self.latitude is not None and self.longitude is not None:
            return (self.latitude, self.longitude)
        return self.territory.coordinates

    def __repr__(self) -> str:
        return f"<TourStop {self.id} {self.territory_id} {self.starts_at:%Y-%m-%d}>"
