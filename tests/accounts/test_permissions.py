"""Every mutating route against every role: allowed, refused (403) or sent to log in."""

import pytest
from sqlalchemy import func, select

from extensions import db
from models import TourStop, User
from tests.factories import make_roubaix_stop
from tests.helpers import PASSWORD, login, post_form, stop_form, text_of


@pytest.fixture
def roubaix_stop_id(app, world) -> int:
    return make_roubaix_stop(app, world)


def _routes(world, stop_id, user_id):
    """(name, url, form data, whether organisers of Roubaix may use it)."""
    return {
        "create_stop": (
            f"/board/tours/{world.tour_slug}/stops/new",
            stop_form(world.territory["roubaix"], "2019-03-20", "10:00", "12:00"),
            True,
        ),
        "edit_stop": (
            f"/board/stops/{stop_id}/edit",
            stop_form(world.territory["roubaix"], "2019-03-13", "10:00", "12:00", version=1),
            True,
        ),
        "change_status": (
            f"/board/stops/{stop_id}/status",
            {"status": "cancelled", "version": 1, "confirmation": "oui"},
            True,
        ),
        "create_user": (
            "/admin/users/new",
            {
                "email": "new@test.example",
                "display_name": "Nouvelle",
                "role": "organiser",
                "password": "un-mot-de-passe-long",
            },
            False,
        ),
        "edit_user": (
            f"/admin/users/{user_id}/edit",
            {"display_name": "Renommée", "role": "organiser", "active": "y"},
            False,
        ),
    }


ROUTES = ["create_stop", "edit_stop", "change_status", "create_user", "edit_user"]


def _nantes_user_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == "nantes@test.example"))


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_is_sent_to_login(app, client, world, roubaix_stop_id, route):
    url, data, _ = _routes(world, roubaix_stop_id, _nantes_user_id(app))[route]
    response = post_form(client, url, data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("route", ROUTES)
def test_organiser_of_another_territory_is_refused(app, client, world, roubaix_stop_id, route):
    url, data, _ = _routes(world, roubaix_stop_id, _nantes_user_id(app))[route]
    login(client, world.nantes_organiser)
    response = post_form(client, url, data)
    assert response.status_code == 403
    assert "Accès refusé" in text_of(response)


@pytest.mark.parametrize("route", ROUTES)
def test_organiser_of_the_territory_may_plan_but_not_administer(
    app, client, world, roubaix_stop_id, route
):
    url, data, allowed = _routes(world, roubaix_stop_id, _nantes_user_id(app))[route]
    login(client, world.roubaix_organiser)
    response = post_form(client, url, data)
    if allowed:
        assert response.status_code == 302, text_of(response)
        assert response.headers["Location"].startswith("/board/")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("route", ROUTES)
def test_admin_may_do_everything(app, client, world, roubaix_stop_id, route):
    url, data, _ = _routes(world, roubaix_stop_id, _nantes_user_id(app))[route]
    login(client, world.admin)
    response = post_form(client, url, data)
    assert response.status_code == 302, text_of(response)


def test_organiser_cannot_move_own_stop_into_another_territory(app, client, world, roubaix_stop_id):
    login(client, world.roubaix_organiser)
    response = post_form(
        client,
        f"/board/stops/{roubaix_stop_id}/edit",
        stop_form(world.territory["nantes"], "2019-03-13", "10:00", "12:00", version=1),
    )
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(TourStop, roubaix_stop_id).territory_id == world.territory["roubaix"]


def test_organiser_cannot_open_the_edit_form_of_another_territory(client, world, roubaix_stop_id):
    login(client, world.nantes_organiser)
    assert client.get(f"/board/stops/{roubaix_stop_id}/edit").status_code == 403


def test_board_pages_need_login(client, world):
    for url in ("/board/", f"/board/tours/{world.tour_slug}/", "/admin/users/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_board_lists_drafts_for_organisers_with_actions_only_on_their_territories(
    client, world, roubaix_stop_id
):
    login(client, world.roubaix_organiser)
    page = text_of(client.get(f"/board/tours/{world.tour_slug}/"))
    assert "Lieu secret du brouillon" in page  # organisers see every draft
    assert f"/board/stops/{roubaix_stop_id}/edit" in page
    assert f"/board/stops/{world.nantes_stop_id}/edit" not in page


def test_post_without_csrf_token_is_refused_and_nothing_written(app, client, world):
    login(client, world.roubaix_organiser)
    with app.app_context():
        before = db.session.scalar(select(func.count(TourStop.id)))
    response = client.post(
        f"/board/tours/{world.tour_slug}/stops/new",
        data=stop_form(world.territory["roubaix"], "2019-03-20", "10:00", "12:00"),
    )
    assert response.status_code == 400
    assert "jeton CSRF" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(TourStop.id))) == before


def test_login_without_csrf_token_is_refused(client, world):
    response = client.post("/login", data={"email": world.admin, "password": PASSWORD})
    assert response.status_code == 400
    assert "jeton CSRF" in text_of(response)


def test_logout_needs_post_with_csrf(client, world):
    login(client, world.admin)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert post_form(client, "/logout", {}).status_code == 302
    assert client.get("/board/").status_code == 302
