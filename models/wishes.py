"""What a territory says about hosting its stop of a tour: the dates it offers (ranked), the
periods when it cannot host, and how long a visit usually lasts there."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model
from models.territory import Territory
from models.tour import Tour
from models.types import InLocalTime, UTCDateTime, utc_now

# What a visit lasts when the territory has said nothing (minutes).
DEFAULT_VISIT_MINUTES = 180
MIN_VISIT_MINUTES, MAX_VISIT_MINUTES = 30, 720
BEST_RANK, WORST_RANK = 1, 9


class DateOption(InLocalTime, Model):
    """A day and a time window a territory offers to host its stop (proposition de date).
    Like a stop, the window is entered in the territory's local time and stored as UTC
    instants; rank 1 is the territory's preferred option."""

    __tablename__ = "date_options"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint(f"rank BETWEEN {BEST_RANK} AND {WORST_RANK}", name="rank_range"),
        UniqueConstraint("tour_id", "territory_id", "starts_at", name="one_option_per_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"), index=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rank: Mapped[int]
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    tour: Mapped[Tour] = relationship()
    territory: Mapped[Territory] = relationship()

    @property
    def zone(self) -> ZoneInfo:
        return self.territory.zone

    @property
    def day(self) -> date:
        """The day of the option in the territory's own calendar."""
        return self.local_start.date()

    def __repr__(self) -> str:
        return f"<DateOption {self.id} {self.territory_id} n°{self.rank}>"


class Blackout(Model):
    """Days when a territory cannot host its stop, first and last included, in the
    territory's own calendar."""

    __tablename__ = "territory_blackouts"
    __table_args__ = (CheckConstraint("last_day >= first_day", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"), index=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), index=True
    )
    first_day: Mapped[date]
    last_day: Mapped[date]
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    tour: Mapped[Tour] = relationship()
    territory: Mapped[Territory] = relationship()

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def __repr__(self) -> str:
        return f"<Blackout {self.id} {self.territory_id} {self.first_day}–{self.last_day}>"


class VisitDuration(Model):
    """How long a visit of the tour usually lasts in a territory; without a row, the
    default (DEFAULT_VISIT_MINUTES)."""

    __tablename__ = "visit_durations"
    __table_args__ = (
        CheckConstraint(
            f"minutes BETWEEN {MIN_VISIT_MINUTES} AND {MAX_VISIT_MINUTES}", name="minutes_range"
        ),
        UniqueConstraint("tour_id", "territory_id", name="one_duration_per_territory"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"), index=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), index=True
    )
    minutes: Mapped[int] = mapped_column(default=DEFAULT_VISIT_MINUTES)

    tour: Mapped[Tour] = relationship()
    territory: Mapped[Territory] = relationship()
