"""Account administration by admins."""

from sqlalchemy import select

from extensions import db
from models import Role, User
from tests.helpers import login, post_form, text_of


def _new_user(**overrides) -> dict:
    data = {
        "email": "claire@test.example",
        "display_name": "Claire",
        "role": "organiser",
        "password": "un-mot-de-passe-long",
    }
    return {**data, **overrides}


def test_admin_creates_an_organiser_attached_to_a_territory(app, client, world):
    login(client, world.admin)
    response = post_form(
        client, "/admin/users/new", _new_user(territories=[world.territory["roubaix"]])
    )
    assert response.status_code == 302
    assert "Compte de Claire créé." in text_of(client.get("/admin/users/"))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "claire@test.example"))
        assert user.role == Role.ORGANISER
        assert [t.slug for t in user.territories] == ["roubaix"]


def test_duplicate_email_is_refused_whatever_its_case(app, client, world):
    login(client, world.admin)
    response = post_form(client, "/admin/users/new", _new_user(email="Roubaix@TEST.example"))
    assert response.status_code == 400
    assert "Un compte existe déjà avec cette adresse e-mail." in text_of(response)


def test_short_password_is_refused(client, world):
    login(client, world.admin)
    response = post_form(client, "/admin/users/new", _new_user(password="court"))
    assert response.status_code == 400
    assert "au moins 10 caractères" in text_of(response)


def test_unknown_role_and_territory_are_refused(app, client, world):
    login(client, world.admin)
    bad_role = post_form(client, "/admin/users/new", _new_user(role="superuser"))
    assert bad_role.status_code == 400
    bad_territory = post_form(client, "/admin/users/new", _new_user(territories=["999999"]))
    assert bad_territory.status_code == 400
    assert "Territoire inconnu" in text_of(bad_territory)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "claire@test.example")) is None


def test_territory_id_beyond_the_database_integers_is_an_unknown_territory(app, client, world):
    login(client, world.admin)
    for number in (str(2**31), str(2**63)):
        response = post_form(
            client,
            "/admin/users/new",
            _new_user(territories=[world.territory["roubaix"], number]),
        )
        assert response.status_code == 400
        assert "Territoire inconnu" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "claire@test.example")) is None


def test_admin_cannot_remove_own_admin_rights(app, client, world):
    login(client, world.admin)
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.email == world.admin))
    response = post_form(
        client,
        f"/admin/users/{admin_id}/edit",
        {"display_name": "Admin", "role": "organiser", "active": "y"},
    )
    assert response.status_code == 400
    assert "Vous ne pouvez pas retirer vos propres droits" in text_of(response)


def test_admin_deactivates_an_organiser_who_is_then_logged_out(app, world):
    admin, organiser = app.test_client(), app.test_client()
    login(admin, world.admin)
    login(organiser, world.nantes_organiser)
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == world.nantes_organiser))
    response = post_form(
        admin, f"/admin/users/{user_id}/edit", {"display_name": "Nadia", "role": "organiser"}
    )
    assert response.status_code == 302
    assert organiser.get("/board/").status_code == 302  # back to the login page


def test_admin_creates_a_national_coordinator_who_plans_everywhere(app, client, world):
    login(client, world.admin)
    created = post_form(
        client,
        "/admin/users/new",
        _new_user(email="coordination@test.example", role="coordinator"),
    )
    assert created.status_code == 302
    listed = text_of(client.get("/admin/users/"))
    assert "Coordination nationale" in listed
    client.post("/logout", data={"csrf_token": ""})
    coordinator = login_as(app, "coordination@test.example")
    profile = text_of(coordinator.get("/board/profile"))
    assert "Coordination nationale" in profile and "tous les territoires" in profile
    # Every territory's stop is theirs to edit; accounts are not.
    assert coordinator.get(f"/board/stops/{world.nantes_stop_id}/edit").status_code == 200
    assert coordinator.get("/admin/users/").status_code == 403


def login_as(app, email: str):
    other = app.test_client()
    login(other, email, "un-mot-de-passe-long")
    return other
