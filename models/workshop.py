"""Cross-territory workshops, the registrations of their participants."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model, db
from models.speaker import Speaker
from models.territory import Challenge, Territory
from models.tour import Tour, TourStop
from models.types import (
    InLocalTime,
    LabelledEnum,
    UTCDateTime,
    new_calendar_uid,
    text_enum,
    utc_now,
)


class WorkshopStatus(LabelledEnum):
    DRAFT = "draft", _l("Brouillon")
    OPEN = "open", _l("Ouvert")
    CANCELLED = "cancelled", _l("Annulé")


workshop_territories = Table(
    "workshop_territories",
    db.metadata,
    Column("workshop_id", ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territories.id", ondelete="CASCADE"), primary_key=True),
)

workshop_facilitators = Table(
    "workshop_facilitators",
    db.metadata,
    Column("workshop_id", ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True),
)


class Workshop(InLocalTime, Model):
    """An atelier inter-territoires on one challenge, with a capacity."""

    __tablename__ = "workshops"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), index=True)
    host_territory_id: Mapped[int] = mapped_column(ForeignKey("territories.id"), index=True)
    stop_id: Mapped[int | None] = mapped_column(ForeignKey("tour_stops.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    venue_name: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[WorkshopStatus] = mapped_column(
        text_enum(WorkshopStatus, 20), default=WorkshopStatus.DRAFT
    )
    # Calendar identity: the UID never changes; SEQUENCE grows with time, place or status.
    uid: Mapped[str] = mapped_column(String(100), unique=True, default=new_calendar_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    # Bumped by every registration change, as its first write: that UPDATE is the lock that
    # serialises registrations of one workshop (row lock on PostgreSQL, the database write
    # lock on SQLite).
    registrations_revision: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)

    __mapper_args__ = {"version_id_col": version}

    tour: Mapped[Tour] = relationship()
    challenge: Mapped[Challenge] = relationship()
    host_territory: Mapped[Territory] = relationship()
    stop: Mapped[TourStop | None] = relationship()
    territories: Mapped[list[Territory]] = relationship(
        secondary=workshop_territories, order_by=Territory.name
    )
    facilitators: Mapped[list[Speaker]] = relationship(
        secondary=workshop_facilitators, order_by=Speaker.name
    )

    @property
    def zone_name(self) -> str:
        return self.host_territory.timezone

    @property
    def zone(self) -> ZoneInfo:
        return self.host_territory.zone

    def seats_left_after(self, confirmed: int) -> int:
        """Seats still free when this many registrations are confirmed (never below 0)."""
        return max(0, self.capacity - confirmed)

    @property
    def is_public(self) -> bool:
        return self.status != WorkshopStatus.DRAFT

    @property
    def is_cancelled(self) -> bool:
        return self.status == WorkshopStatus.CANCELLED

    @property
    def status_label(self) -> str:
        return self.status.label

    def __repr__(self) -> str:
        return f"<Workshop {self.id} {self.title!r}>"


class RegistrationStatus(LabelledEnum):
    CONFIRMED = "confirmed", _l("Confirmée")
    WAITLISTED = "waitlisted", _l("Liste d’attente")
    CANCELLED = "cancelled", _l("Annulée")


class Registration(Model):
    """A participant's place in a workshop. No account: the token is their key."""

    __tablename__ = "registrations"
    __table_args__ = (
        # One registration per address and workshop, whatever the number of concurrent posts.
        UniqueConstraint("workshop_id", "email"),
        Index("ix_registrations_workshop_status", "workshop_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL")
    )
    locale: Mapped[str] = mapped_column(String(5), default="fr")
    # 256 random bits, URL-safe: the private management link.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[RegistrationStatus] = mapped_column(text_enum(RegistrationStatus, 20))
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, onupdate=utc_now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool | None] = mapped_column(Boolean)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Order in the waiting list: arrival order, or the front when an organiser says so.
    queue_key: Mapped[int] = mapped_column(default=0)
    # SEQUENCE of the last calendar message sent to this participant.
    calendar_sequence: Mapped[int] = mapped_column(default=0)
    # When the reminder two days before the workshop was queued (once: jobs/reminders.py).
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    workshop: Mapped[Workshop] = relationship()
    territory: Mapped[Territory | None] = relationship()

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED


class MailStatus(LabelledEnum):
    PENDING = "pending", _l("En attente")
    SENDING = "sending", _l("En cours d’envoi")
    SENT = "sent", _l("Envoyé")
    # The message could not be built (e.g. a line break in the name): never tried again,
    # shown to the organisers with its reason (last_error).
    FAILED = "failed", _l("Non envoyé")


class OutboxMail(Model):
    """A mail written in the same transaction as the change that causes it, sent later by
    `flask mail send`: a mail server that is down delays mail, it never loses it."""

    __tablename__ = "outbox_mails"
    __table_args__ = (Index("ix_outbox_mails_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registrations.id", ondelete="SET NULL")
    )
    to_address: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    # The calendar part (text/calendar; method=REQUEST or CANCEL), if any.
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(10))
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[MailStatus] = mapped_column(
        text_enum(MailStatus, 10), default=MailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    registration: Mapped[Registration | None] = relationship()
