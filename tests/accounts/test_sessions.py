"""A session cookie stops working when its account logs out, gets a new password or is
deactivated: a copy of the cookie taken before is worth nothing after."""

from sqlalchemy import select

from extensions import db
from models import User
from services.accounts.users import set_password, update_user
from tests.helpers import login, post_form


def _session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replayed(app, cookie: str):
    """A second browser holding a copy of the cookie asks for an organiser page."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get("/board/profile")


def test_session_copied_before_logout_is_refused_after_it(app, client, world):
    login(client, world.roubaix_organiser)
    stolen = _session_cookie(client)
    assert _replayed(app, stolen).status_code == 200
    assert post_form(client, "/logout", {}).status_code == 302
    response = _replayed(app, stolen)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_new_password_ends_the_sessions_opened_before(app, client, world):
    login(client, world.roubaix_organiser)
    stolen = _session_cookie(client)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world.roubaix_organiser))
        set_password(user, "Une-Nouvelle-Phrase-De-Passe-2019")
        db.session.commit()
    assert _replayed(app, stolen).status_code == 302
    assert client.get("/board/profile").status_code == 302  # the owner logs in again too


def test_deactivation_ends_the_sessions_and_reactivation_does_not_revive_them(app, client, world):
    login(client, world.roubaix_organiser)
    stolen = _session_cookie(client)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world.roubaix_organiser))
        admin = db.session.scalar(select(User).where(User.email == world.admin))
        update_user(user, user.display_name, user.role, list(user.territories), False, admin)
        db.session.commit()
        update_user(user, user.display_name, user.role, list(user.territories), True, admin)
        db.session.commit()
    assert _replayed(app, stolen).status_code == 302


def test_a_forged_session_id_without_the_token_is_refused(app, client, world):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == world.roubaix_organiser))
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)  # the id alone, as the cookies before tokens held
        session["_fresh"] = True
    assert client.get("/board/profile").status_code == 302
