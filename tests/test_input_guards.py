"""The request-wide input guards (blueprints/input_guards.py): ids beyond the database's
integers in URLs are a 404, control characters in URLs a 404 and in form values or query
strings a 400 with a French message, before any view runs and on both databases."""

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Speaker
from tests.factories import make_workshop
from tests.helpers import login, post_form, text_of

# Past PostgreSQL's INTEGER; past SQLite's 64-bit integers; far past both.
TOO_LARGE = [str(2**31), str(2**63), "9" * 40]


@pytest.mark.parametrize("number", TOO_LARGE)
def test_id_beyond_the_database_integers_in_a_url_is_not_found(client, world, number):
    for url in (f"/stops/{number}", f"/speakers/{number}", f"/calendar/workshops/{number}.ics"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("number", TOO_LARGE)
def test_organiser_route_with_an_id_beyond_the_integers_is_not_found(client, world, number):
    login(client, world.admin)
    assert client.get(f"/board/stops/{number}/edit").status_code == 404
    assert post_form(client, f"/board/workshops/{number}/open", {}).status_code == 404


def test_largest_database_id_in_a_url_is_an_ordinary_lookup(client, world):
    assert client.get(f"/stops/{2**31 - 1}").status_code == 404
    assert client.get(f"/stops/{world.nantes_stop_id}").status_code == 200


@pytest.mark.parametrize("segment", ["a%00b", "%00", "tournee-test%1F", "x%7F"])
def test_control_character_in_a_slug_or_token_is_not_found(client, world, segment):
    for url in (
        f"/tours/{segment}/",
        f"/territories/{segment}",
        f"/calendar/challenges/{segment}.ics",
        f"/registrations/{segment}",
        f"/calendar/private/{segment}.ics",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("query", ["q=a%00b", "q=%01", "page=1%00", "q=ligne%0Aautre"])
def test_control_character_in_a_query_string_is_refused_with_a_message(client, world, query):
    response = client.get(f"/speakers/?{query}")
    assert response.status_code == 400
    assert "La demande contient un caractère de contrôle" in text_of(response)


@pytest.mark.parametrize("number", [str(2**31), str(2**63)])
def test_id_beyond_the_integers_in_a_query_string_is_an_unknown_item(client, world, number):
    login(client, world.admin)
    response = client.get(f"/board/tours/{world.tour_slug}/workshops/new?defi={number}")
    assert response.status_code == 404
    assert "Défi inconnu." in text_of(response)


def speaker_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Speaker.id)))


@pytest.mark.parametrize("character", ["\x00", "\x01", "\x0b", "\x1b", "\x7f"])
def test_control_character_in_a_form_is_refused_and_nothing_written(app, client, world, character):
    login(client, world.admin)
    response = post_form(client, "/board/speakers/new", {"name": f"Camille{character}Martin"})
    assert response.status_code == 400
    assert "La demande contient un caractère de contrôle" in text_of(response)
    assert speaker_count(app) == 0


def test_nul_in_a_field_name_is_refused_too(app, client, world):
    login(client, world.admin)
    response = post_form(client, "/board/speakers/new", {"name": "Camille", "x\x00": "1"})
    assert response.status_code == 400
    assert speaker_count(app) == 0


def test_multi_line_text_keeps_its_tabs_and_line_breaks(app, client, world):
    login(client, world.admin)
    biography = "Première ligne,\r\n\tpuis la suite."
    response = post_form(client, "/board/speakers/new", {"name": "Camille", "biography": biography})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Speaker.biography)) == biography


def test_visitor_registering_with_a_nul_byte_is_refused_before_anything_is_written(
    app, client, world
):
    workshop_id = make_workshop(app, world)
    response = post_form(
        client,
        f"/workshops/{workshop_id}",
        {"name": "Camille", "email": "camille\x00@example.org", "consent": "y"},
    )
    assert response.status_code == 400
    assert "caractère de contrôle" in text_of(response)
