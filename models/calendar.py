"""What calendar feeds need beyond the items: a revision for cheap freshness checks, and
private feed links."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, event, insert, update
from sqlalchemy.orm import Mapped, Session, backref, mapped_column, relationship

from extensions import Model, db
from models.release import Release
from models.round_table import RoundTable, RoundTableParticipant, StopSpeaker
from models.speaker import Speaker
from models.territory import Challenge, Organisation, Territory, TerritoryChallenge
from models.tour import Tour, TourStop
from models.types import LabelledEnum, UTCDateTime, new_token, rows_changed, text_enum, utc_now
from models.user import User
from models.workshop import Workshop


class FeedRevision(Model):
    """One row: bumped in the same transaction as any change to what public feeds show.
    A feed's ETag derives from it, so answering If-None-Match needs no calendar built."""

    __tablename__ = "feed_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(default=0)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)


# Registrations are left out on purpose: they change often and concurrently, and a shared
# row would serialise them; private participant feeds check them on their own.
FEED_MODELS = (
    Tour,
    # A release labels the printed programme and versions the frab schedule.
    Release,
    TourStop,
    RoundTable,
    RoundTableParticipant,
    StopSpeaker,
    Speaker,
    Workshop,
    Territory,
    Organisation,
    Challenge,
    # A territory's challenges are public too (territory pages, the API's ETags).
    TerritoryChallenge,
)


def _touches_feeds(session: Session) -> bool:
    if any(isinstance(item, FEED_MODELS) for item in session.new | session.deleted):
        return True
    return any(
        isinstance(item, FEED_MODELS) and session.is_modified(item) for item in session.dirty
    )


# On the application's sessions only, not on every SQLAlchemy Session of the process.
@event.listens_for(db.session, "before_flush")
def _bump_feed_revision(session: Session, _context, _instances) -> None:
    if not _touches_feeds(session):
        return
    now = utc_now()
    bumped = session.execute(
        update(FeedRevision)
        .where(FeedRevision.id == 1)
        .values(revision=FeedRevision.revision + 1, changed_at=now)
    )
    if rows_changed(bumped) == 0:  # first change ever (or an emptied test database)
        session.execute(insert(FeedRevision).values(id=1, revision=1, changed_at=now))


class FeedOwner(LabelledEnum):
    PARTICIPANT = "participant", _l("Participant·e")
    SPEAKER = "speaker", _l("Intervenant·e")
    ORGANISER = "organiser", _l("Organisateur·rice")


class PrivateFeed(Model):
    """One person's own calendar link. Regenerating replaces the token: the old link dies."""

    __tablename__ = "private_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    owner: Mapped[FeedOwner] = mapped_column(text_enum(FeedOwner, 20))
    # Exactly one of these, by owner: the participant's e-mail, the speaker, the user.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    speaker_id: Mapped[int | None] = mapped_column(
        ForeignKey("speakers.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    # The speaker's and the organiser's link come into being with them (no page creates one
    # when it is first shown); deleting the speaker deletes the link.
    speaker: Mapped[Speaker | None] = relationship(
        backref=backref("private_feed", uselist=False, cascade="all, delete-orphan")
    )
    user: Mapped[User | None] = relationship(
        backref=backref("private_feed", uselist=False, cascade="all, delete-orphan")
    )


@event.listens_for(Speaker, "init")
def _speaker_calendar_link(speaker: Speaker, _args, _kwargs) -> None:
    PrivateFeed(owner=FeedOwner.SPEAKER, token=new_token(), speaker=speaker)


@event.listens_for(User, "init")
def _organiser_calendar_link(user: User, _args, _kwargs) -> None:
    PrivateFeed(owner=FeedOwner.ORGANISER, token=new_token(), user=user)
