"""A speaker's territory decides who may merge or delete the record, so an organiser only
attaches a speaker to, or detaches it from, a territory they manage."""

from sqlalchemy import func, select

from extensions import db
from models import Speaker
from tests.factories import make_speaker
from tests.helpers import login, post_form, text_of


def _speaker_form(world, territory: str | None, version: int = 1, name="Nadia Nantes") -> dict:
    return {
        "name": name,
        "territory_id": world.territory[territory] if territory else "",
        "version": version,
    }


def _territory_id(app, speaker_id: int) -> int | None:
    with app.app_context():
        speaker = db.session.get(Speaker, speaker_id)
        assert speaker is not None
        return speaker.territory_id


def test_organiser_cannot_move_another_territory_speaker_to_their_own(app, client, world):
    speaker_id = make_speaker(app, "Nadia Nantes", territory_id=world.territory["nantes"])
    login(client, world.roubaix_organiser)
    response = post_form(
        client, f"/board/speakers/{speaker_id}/edit", _speaker_form(world, "roubaix")
    )
    assert response.status_code == 403
    assert "ni la détacher" in text_of(response)
    assert _territory_id(app, speaker_id) == world.territory["nantes"]
    # And so cannot delete it next: removal rights still follow Nantes.
    assert post_form(client, f"/board/speakers/{speaker_id}/delete", {}).status_code == 403


def test_organiser_cannot_detach_another_territory_speaker(app, client, world):
    speaker_id = make_speaker(app, "Nadia Nantes", territory_id=world.territory["nantes"])
    login(client, world.roubaix_organiser)
    response = post_form(client, f"/board/speakers/{speaker_id}/edit", _speaker_form(world, None))
    assert response.status_code == 403
    assert _territory_id(app, speaker_id) == world.territory["nantes"]


def test_organiser_cannot_create_a_speaker_in_another_territory(app, client, world):
    login(client, world.roubaix_organiser)
    response = post_form(client, "/board/speakers/new", _speaker_form(world, "nantes"))
    assert response.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Speaker.id))) == 0


def test_organiser_may_still_edit_another_territory_speaker_without_moving_it(app, client, world):
    speaker_id = make_speaker(app, "Nadia Nantes", territory_id=world.territory["nantes"])
    login(client, world.roubaix_organiser)
    response = post_form(
        client,
        f"/board/speakers/{speaker_id}/edit",
        _speaker_form(world, "nantes", name="Nadia Nantes-Atlantique"),
    )
    assert response.status_code == 302
    assert _territory_id(app, speaker_id) == world.territory["nantes"]


def test_organiser_attaches_a_speaker_without_territory_to_their_own(app, client, world):
    speaker_id = make_speaker(app, "Sans Territoire")
    login(client, world.roubaix_organiser)
    form = _speaker_form(world, "roubaix", name="Sans Territoire")
    response = post_form(client, f"/board/speakers/{speaker_id}/edit", form)
    assert response.status_code == 302
    assert _territory_id(app, speaker_id) == world.territory["roubaix"]


def test_territory_choices_are_the_organiser_own_and_the_speaker_current(app, client, world):
    speaker_id = make_speaker(app, "Nadia Nantes", territory_id=world.territory["nantes"])
    login(client, world.roubaix_organiser)
    page = text_of(client.get(f"/board/speakers/{speaker_id}/edit"))
    assert "Roubaix" in page and "Nantes Métropole" in page
    assert "Clermont-Ferrand" not in page
