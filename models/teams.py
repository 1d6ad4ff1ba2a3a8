"""A territory's team: who is in it with which role (TeamMembership, a view of the
user_territories rows) and the invitations its leads send to co-organisers."""

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model
from models.territory import Territory
from models.types import UTCDateTime, text_enum, utc_now
from models.user import TeamRole, User, user_territories

INVITATION_VALIDITY = timedelta(days=7)


class TeamMembership(Model):
    """One person in one territory's team. Read-only mapping: the rows are written through
    User.territories (which makes leads) or services/collaboration/teams.py (any role)."""

    __table__ = user_territories

    user_id: Mapped[int]
    territory_id: Mapped[int]
    team_role: Mapped[TeamRole]

    user: Mapped[User] = relationship(viewonly=True)
    territory: Mapped[Territory] = relationship(viewonly=True)


def hash_token(token: str) -> str:
    """Invitation links are stored as their SHA-256 only: a copy of the database opens none."""
    return hashlib.sha256(token.encode()).hexdigest()


class TeamInvitation(Model):
    __tablename__ = "team_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), index=True
    )
    team_role: Mapped[TeamRole] = mapped_column(text_enum(TeamRole, 20))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    territory: Mapped[Territory] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def is_pending(self, now: datetime) -> bool:
        return self.revoked_at is None and self.accepted_at is None and now < self.expires_at
