"""What a user follows, what they are told of, and the daily digests already sent."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model
from models.types import UTCDateTime, utc_now
from models.user import User


class Follow(Model):
    """A user's explicit choice about one object (a stop, a workshop, a task): following it
    (they commented, were mentioned, own it, or asked) or not (they clicked "Ne plus suivre",
    which also overrides following it as a member of its territory's team)."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "object_type", "object_id", name="one_follow"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int]
    following: Mapped[bool] = mapped_column(default=True)
    reason: Mapped[str] = mapped_column(String(20), default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class Notification(Model):
    """One change by someone else on what the user follows (or a mention of them)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(20))  # change, comment, mention
    # The followed object the change is about, and where the change itself happened.
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[int]
    object_label: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    # The activity entry it comes from, when it comes from the activity log.
    activity_id: Mapped[int | None]
    comment_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When it went out by mail (at once, or in the digest of that period).
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class NotificationDigest(Model):
    """The digest of one user for one day (Paris): at most one, whatever the re-runs."""

    __tablename__ = "notification_digests"
    __table_args__ = (UniqueConstraint("user_id", "period", name="one_digest_per_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    period: Mapped[date]
    notifications: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
