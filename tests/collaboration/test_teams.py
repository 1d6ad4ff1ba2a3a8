"""Territories' teams: who sees and manages them, invitations (valid 7 days, hashed,
revocable, used once), and observers who change nothing."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from extensions import db
from models import OutboxMail, TeamInvitation, TeamRole, User, hash_token
from models.types import utc_now
from tests.collaboration.conftest import ROLES
from tests.factories import make_round_table, make_workshop
from tests.helpers import csrf_token, login, post_form, stop_form, text_of

STRONG = "cheval agrafe batterie correcte"
TEAM = "/board/territories/roubaix/equipe"

# Who gets what on each team page: 200, 403, or a login redirect for visitors.
SEE_ALL = {
    "admin": 200,
    "coordinator": 200,
    "lead": 403,
    "member": 403,
    "observer": 403,
    "other": 403,
}
SEE_TEAM = {
    "admin": 200,
    "coordinator": 200,
    "lead": 200,
    "member": 200,
    "observer": 200,
    "other": 403,
}
MANAGE = {
    "admin": 302,
    "coordinator": 302,
    "lead": 302,
    "member": 403,
    "observer": 403,
    "other": 403,
}


def _login_as(client, team, role):
    login(client, getattr(team, role))


@pytest.mark.parametrize("role", ROLES)
def test_team_pages_for_each_role(client, team, role):
    _login_as(client, team, role)
    assert client.get("/board/equipes").status_code == SEE_ALL[role]
    assert client.get(TEAM).status_code == SEE_TEAM[role]


def test_team_pages_send_visitors_to_login(client, team):
    for url in ("/board/equipes", TEAM, "/board/territories/inconnu/equipe"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location
    response = client.post(TEAM + "/invitations", data={"email": "x@y.fr", "role": "member"})
    assert response.status_code in (302, 400)


def _invite(client, email="nouvelle@roubaix.example", role="member"):
    return post_form(client, TEAM + "/invitations", {"email": email, "role": role})


@pytest.mark.parametrize("role", ROLES)
def test_who_may_invite(app, client, team, role):
    _login_as(client, team, role)
    response = _invite(client)
    assert response.status_code == MANAGE[role]
    with app.app_context():
        sent = db.session.scalar(select(TeamInvitation))
        assert (sent is not None) == (MANAGE[role] == 302)


def _link_of(app) -> str:
    with app.app_context():
        mail = db.session.scalars(
            select(OutboxMail).where(OutboxMail.kind == "team_invitation")
        ).one()
        return re.search(r"http\S+/invitations/(\S+)", mail.text_body).group(0)


def test_invitation_makes_an_account_in_the_team(app, client, team):
    login(client, team.lead)
    assert _invite(client, "Nouvelle@Roubaix.example", "observer").status_code == 302
    url = _link_of(app)
    token = url.rsplit("/", 1)[1]
    with app.app_context():
        invitation = db.session.scalar(select(TeamInvitation))
        # Only the hash is stored; the link holds the token.
        assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
        assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    path = "/invitations/" + token
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert "Rejoindre l’équipe de Roubaix" in text_of(client.get(path))
    weak = post_form(client, path, {"name": "Nina Nouvelle", "password": "motdepasse"})
    assert weak.status_code == 400 and "mot de passe" in text_of(weak)
    done = post_form(client, path, {"name": "Nina Nouvelle", "password": STRONG})
    assert done.status_code == 302 and done.location.endswith(TEAM)
    assert "Nina Nouvelle" in text_of(client.get(TEAM))  # signed in, in the team
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "nouvelle@roubaix.example"))
        assert [(m.territory.slug, m.team_role) for m in user.memberships] == [
            ("roubaix", TeamRole.OBSERVER)
        ]
    # Used once.
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    again = client.get(path)
    assert again.status_code == 410 and "déjà été utilisée" in text_of(again)


def test_an_existing_account_signs_in_and_gets_the_territory(app, client, team):
    login(client, team.coordinator)
    assert _invite(client, team.other).status_code == 302
    path = "/invitations/" + _link_of(app).rsplit("/", 1)[1]
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    page = text_of(client.get(path))
    assert "connectez-vous" in page
    login(client, team.other)
    assert post_form(client, path, {}).status_code == 302
    assert client.get(TEAM).status_code == 200
    # Planning in Roubaix now (member), still in Nantes.
    assert client.get(f"/board/stops/{team.stop_id}/edit").status_code == 200


def test_revoked_and_expired_invitations_are_refused(app, client, team):
    login(client, team.lead)
    _invite(client, "a@roubaix.example")
    first = _link_of(app).rsplit("/", 1)[1]
    with app.app_context():
        invitation = db.session.scalar(select(TeamInvitation))
        invitation_id = invitation.id
    unconfirmed = post_form(client, f"{TEAM}/invitations/{invitation_id}/revoke", {})
    assert unconfirmed.status_code == 200 and "Annuler l’invitation" in text_of(unconfirmed)
    assert client.get("/invitations/" + first).status_code == 200  # nothing changed yet
    revoked = post_form(
        client, f"{TEAM}/invitations/{invitation_id}/revoke", {"confirmation": "oui"}
    )
    assert revoked.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    page = client.get("/invitations/" + first)
    assert page.status_code == 410 and "annulée" in text_of(page)
    refused = post_form(client, "/invitations/" + first, {"name": "A", "password": STRONG})
    assert refused.status_code == 410
    with app.app_context():
        invitation = db.session.get(TeamInvitation, invitation_id)
        invitation.revoked_at = None
        invitation.expires_at = utc_now() - timedelta(seconds=1)
        db.session.commit()
    expired = client.get("/invitations/" + first)
    assert expired.status_code == 410 and "expiré" in text_of(expired)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "a@roubaix.example")) is None
    unknown = client.get("/invitations/pas-un-vrai-jeton")
    assert unknown.status_code == 404 and "n’existe pas" in text_of(unknown)


def test_bad_invitation_input_is_refused_in_french(app, client, team):
    login(client, team.lead)
    bad = _invite(client, "pas-une-adresse")
    assert bad.status_code == 400 and "adresse e-mail n’est pas valide" in text_of(bad)
    assert _invite(client, "x@roubaix.example", "roi").status_code == 400
    already = _invite(client, team.member)
    assert already.status_code == 400 and "fait déjà partie" in text_of(already)
    with app.app_context():
        assert db.session.scalar(select(TeamInvitation)) is None


def _user_id(app, email):
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def test_lead_changes_roles_and_removes_members(app, client, team):
    member_id = _user_id(app, team.member)
    login(client, team.lead)
    assert (
        post_form(client, f"{TEAM}/membres/{member_id}/role", {"role": "observer"}).status_code
        == 302
    )
    with app.app_context():
        assert (
            db.session.get(User, member_id).team_role_in(
                db.session.get(User, member_id).memberships[0].territory_id
            )
            == TeamRole.OBSERVER
        )
    assert post_form(client, f"{TEAM}/membres/{member_id}/role", {"role": "roi"}).status_code == 400
    own = post_form(client, f"{TEAM}/membres/{_user_id(app, team.lead)}/role", {"role": "member"})
    assert own.status_code == 409 and "propre rôle" in text_of(own)
    removed = post_form(client, f"{TEAM}/membres/{member_id}/remove", {"confirmation": "oui"})
    assert removed.status_code == 302
    with app.app_context():
        assert db.session.get(User, member_id).memberships == []
    assert (
        post_form(client, f"{TEAM}/membres/{member_id}/remove", {"confirmation": "oui"}).status_code
        == 404
    )


def test_observer_changes_nothing(app, client, world, team):
    """Every editing route of a Roubaix item answers 403 to an observer of Roubaix, who still
    sees the board and the drafts."""
    table_id = make_round_table(app, team.stop_id, "Table de Roubaix", "14:30", "15:30")
    workshop_id = make_workshop(app, world, host="roubaix", territories=("roubaix",))
    login(client, team.observer)
    assert client.get(f"/board/tours/{world.tour_slug}/").status_code == 200
    assert client.get(f"/board/stops/{world.clermont_draft_id}/programme").status_code == 200
    roubaix = world.territory["roubaix"]
    refused = [
        client.get(f"/board/stops/{team.stop_id}/edit"),
        post_form(
            client,
            f"/board/stops/{team.stop_id}/edit",
            stop_form(roubaix, "2019-03-12", "14:00", "16:00"),
        ),
        post_form(
            client,
            f"/board/tours/{world.tour_slug}/stops/new",
            stop_form(roubaix, "2019-03-13", "14:00", "16:00"),
        ),
        post_form(
            client, f"/board/stops/{team.stop_id}/status", {"status": "draft", "version": "1"}
        ),
        client.get(f"/board/stops/{team.stop_id}/round-tables/new"),
        post_form(client, f"/board/round-tables/{table_id}/edit", {"title": "Changée"}),
        post_form(client, f"/board/round-tables/{table_id}/delete", {"confirmation": "oui"}),
        client.get(f"/board/workshops/{workshop_id}/edit"),
        post_form(client, f"/board/workshops/{workshop_id}/cancel", {"confirmation": "oui"}),
        post_form(
            client,
            f"/board/tours/{world.tour_slug}/territories/roubaix/disponibilites/dates",
            {"day": "2019-05-02", "start_time": "10:00", "end_time": "12:00", "rank": "1"},
        ),
        client.get("/board/speakers/new"),
        post_form(client, TEAM + "/invitations", {"email": "x@y.fr", "role": "member"}),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
