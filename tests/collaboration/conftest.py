"""A team around the Roubaix stop: its lead (the world's Roubaix organiser), a member, an
observer, the national coordination, and the organiser of another territory (Nantes)."""

from dataclasses import dataclass

import pytest
from sqlalchemy import update

from extensions import db
from models import Role, TeamRole, User, user_territories
from tests.factories import make_roubaix_stop, make_user, territory_of
from tests.helpers import csrf_token, login


@dataclass
class Team:
    admin: str
    coordinator: str
    lead: str
    member: str
    observer: str
    other: str  # an organiser of Nantes
    stop_id: int  # the Roubaix stop


def add_team_member(email: str, slug: str, role: TeamRole, world, name: str = "") -> User:
    user = make_user(email, Role.ORGANISER, [territory_of(world, slug)], name)
    db.session.flush()
    db.session.execute(
        update(user_territories).where(user_territories.c.user_id == user.id).values(team_role=role)
    )
    return user


def switch_to(client, email: str) -> None:
    """Sign out whoever is signed in, then sign in as this account."""
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    login(client, email)


ROLES = ["admin", "coordinator", "lead", "member", "observer", "other"]


@pytest.fixture
def team(app, world) -> Team:
    with app.app_context():
        make_user("coordination@test.example", Role.COORDINATOR, [], "Coralie Coordination")
        add_team_member("membre@test.example", "roubaix", TeamRole.MEMBER, world, "Mehdi Membre")
        add_team_member(
            "obs@test.example", "roubaix", TeamRole.OBSERVER, world, "Olga Observatrice"
        )
        db.session.commit()
    return Team(
        admin=world.admin,
        coordinator="coordination@test.example",
        lead=world.roubaix_organiser,
        member="membre@test.example",
        observer="obs@test.example",
        other=world.nantes_organiser,
        stop_id=make_roubaix_stop(app, world),
    )
