"""Accounts of the people who organise the tour."""

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import Model, db
from models.territory import Territory
from models.types import LabelledEnum, UTCDateTime, new_token, text_enum, utc_now

if TYPE_CHECKING:
    from models.teams import TeamMembership


class Role(LabelledEnum):
    ADMIN = "admin", _l("Administrateur·rice")
    ORGANISER = "organiser", _l("Organisateur·rice")
    # Plans the whole tour (every territory) without administering accounts.
    COORDINATOR = "coordinator", _l("Coordination nationale")


class TeamRole(LabelledEnum):
    """One's place in a territory's team. Leads invite and manage the team; members plan;
    observers see the board, the drafts and the tasks and change nothing."""

    LEAD = "lead", _l("Responsable territorial·e")
    MEMBER = "member", _l("Membre de l’équipe territoriale")
    OBSERVER = "observer", _l("Observateur·rice (lecture seule)")


class NotificationMode(LabelledEnum):
    """How a user hears of the changes others make to what they follow, besides the list."""

    IMMEDIATE = "immediate", _l("Immédiat : un e-mail à chaque changement")
    DAILY = "daily", _l("Résumé quotidien : un e-mail par jour au plus")
    NEVER = "never", _l("Jamais par e-mail : seulement dans la plateforme")


# One row per member of a territory's team, with their role there (models/teams.py maps it
# as TeamMembership to read the role; User.territories writes it, as leads by default).
user_territories = Table(
    "user_territories",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("territory_id", ForeignKey("territories.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "team_role",
        text_enum(TeamRole, 20),
        nullable=False,
        default=TeamRole.LEAD,
        server_default=TeamRole.LEAD.value,
    ),
)


def normalise_email(email: str) -> str:
    return email.strip().lower()


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        text_enum(Role, 20),
        default=Role.ORGANISER,
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session cookie (Flask-Login's alternative id): replacing it ends every
    # session of the account, on logout, a new password or deactivation.
    session_token: Mapped[str] = mapped_column(String(64), default=new_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    notification_mode: Mapped[NotificationMode] = mapped_column(
        text_enum(NotificationMode, 20),
        default=NotificationMode.DAILY,
        server_default=NotificationMode.DAILY.value,
    )

    territories: Mapped[list[Territory]] = relationship(
        secondary=user_territories, order_by=Territory.name
    )
    # The same rows with the role in each team (models/teams.py); read-only.
    memberships: Mapped[list["TeamMembership"]] = relationship(viewonly=True)

    def team_role_in(self, territory_id: int) -> "TeamRole | None":
        return next((m.team_role for m in self.memberships if m.territory_id == territory_id), None)

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        return normalise_email(email)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Every cookie issued so far stops working."""
        self.session_token = new_token()

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the current session token."""
        return f"{self.id}:{self.session_token}"

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def plans_every_territory(self) -> bool:
        """Admins and the national coordination: the whole tour, not a list of territories."""
        return self.role in (Role.ADMIN, Role.COORDINATOR)

    @property
    def role_label(self) -> str:
        return self.role.label

    def __repr__(self) -> str:
        return f"<User {self.email}>"
