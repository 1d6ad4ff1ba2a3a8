"""Internal discussion threads of the organisers on a stop, a round table, a workshop (and
whatever services/collaboration/comments.py registers): never shown to the public."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model
from models.types import UTCDateTime, utc_now
from models.user import User


class Comment(Model):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What it is about: a kind registered in services/collaboration/comments.py and its id.
    target_type: Mapped[str] = mapped_column(String(30))
    target_id: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author: Mapped[User | None] = relationship()
    revisions: Mapped[list["CommentRevision"]] = relationship(
        order_by="CommentRevision.id", cascade="all, delete-orphan", passive_deletes=True
    )
    mentions: Mapped[list["CommentMention"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class CommentRevision(Model):
    """A text the comment had before an edit, kept when it was replaced."""

    __tablename__ = "comment_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime())
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


class CommentMention(Model):
    """A user named with @[Name] in a comment (and allowed to read it)."""

    __tablename__ = "comment_mentions"

    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )

    user: Mapped[User] = relationship()
