"""Every destructive action asks first. A post without confirmation=oui (no JavaScript, a
replayed or forged form) changes nothing and answers with the page asking the question,
carrying the same fields; the same post with the yes does the deed."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from extensions import db
from models import (
    Availability,
    PrivateFeed,
    Registration,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    User,
    Workshop,
)
from services.calendar.private_feeds import organiser_feed_link, speaker_feed_link
from tests.factories import (
    make_availability,
    make_round_table,
    make_speaker,
    make_stop_speaker,
    make_workshop,
    sign_up,
)
from tests.helpers import login, post_form, text_of

PARIS = ZoneInfo("Europe/Paris")


def snapshot() -> tuple:
    """What a destructive action could change, in one comparable value."""
    return (
        tuple(db.session.execute(select(Registration.status, Registration.name)).all()),
        tuple(db.session.scalars(select(Workshop.status))),
        db.session.scalar(select(func.count(RoundTable.id))),
        db.session.scalar(select(func.count(RoundTableParticipant.id))),
        db.session.scalar(select(func.count(StopSpeaker.id))),
        db.session.scalar(select(func.count(Availability.id))),
        tuple(db.session.scalars(select(PrivateFeed.token).order_by(PrivateFeed.id))),
    )


@pytest.fixture
def things(app, world) -> dict:
    speaker = make_speaker(app, "Claire Dupont", territory_id=world.territory["nantes"])
    other = make_speaker(app, "Marc Petit")
    table = make_round_table(
        app, world.nantes_stop_id, "Emploi et territoires", "10:00", "11:00", [(other, "host")]
    )
    workshop = make_workshop(app, world)
    with app.app_context():
        participant = db.session.scalar(select(RoundTableParticipant.id))
        user = db.session.scalar(select(User).where(User.email == world.nantes_organiser))
        organiser_feed_link(user)
        speaker_feed_link(db.session.get(Speaker, speaker))
        db.session.commit()
    return {
        "speaker": speaker,
        "table": table,
        "participant": participant,
        "link": make_stop_speaker(app, world.nantes_stop_id, speaker),
        "window": make_availability(
            app,
            speaker,
            datetime(2019, 3, 4, 9, tzinfo=PARIS),
            datetime(2019, 3, 4, 18, tzinfo=PARIS),
        ),
        "workshop": workshop,
        "registration": sign_up(app, workshop, "Hélène Éluard"),
    }


ACTIONS = {
    "cancel_workshop": ("/board/workshops/{workshop}/cancel", "Annuler l’atelier"),
    "cancel_registration": (
        "/board/registrations/{registration}/cancel",
        "Annuler l’inscription de Hélène Éluard ?",
    ),
    "anonymise": (
        "/board/registrations/{registration}/anonymise",
        "Anonymiser l’inscription de Hélène Éluard ?",
    ),
    "delete_round_table": (
        "/board/round-tables/{table}/delete",
        "Supprimer la table ronde « Emploi et territoires » ?",
    ),
    "remove_participant": (
        "/board/round-tables/{table}/participants/{participant}/delete",
        "Retirer cette personne de la table ronde ?",
    ),
    "remove_stop_speaker": (
        "/board/stops/{stop}/speakers/{link}/delete",
        "Retirer cette intervention ?",
    ),
    "remove_availability": (
        "/board/speakers/{speaker}/availability/{window}/delete",
        "Retirer cette disponibilité de Claire Dupont ?",
    ),
    "regenerate_own_link": (
        "/board/profile/calendar/regenerate",
        "Remplacer le lien de votre agenda privé ?",
    ),
    "regenerate_speaker_link": (
        "/board/speakers/{speaker}/calendar/regenerate",
        "Remplacer le lien d’agenda privé de Claire Dupont ?",
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
def test_a_destructive_post_without_the_yes_asks_and_changes_nothing(
    app, client, world, things, action
):
    path, question = ACTIONS[action]
    url = path.format(stop=world.nantes_stop_id, **things)
    login(client, world.nantes_organiser)
    with app.app_context():
        before = snapshot()
    asked = post_form(client, url, {})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert question in text_of(asked)
    assert f'action="{url}"' in page and 'name="confirmation" value="oui"' in page
    assert "Ne rien changer</a>" in page  # the way back, without doing anything
    with app.app_context():
        assert snapshot() == before
    done = post_form(client, url, {"confirmation": "oui"})
    assert done.status_code == 302
    with app.app_context():
        assert snapshot() != before


@pytest.mark.parametrize("action", ["cancel_registration", "delete_round_table"])
def test_any_other_value_than_oui_is_no_yes(app, client, world, things, action):
    path, _question = ACTIONS[action]
    url = path.format(stop=world.nantes_stop_id, **things)
    login(client, world.nantes_organiser)
    with app.app_context():
        before = snapshot()
    for value in ("", "non", "1", "OUI "):
        assert post_form(client, url, {"confirmation": value}).status_code == 200
    with app.app_context():
        assert snapshot() == before


def test_the_registrants_page_asks_in_a_modal_for_each_registration(app, client, world, things):
    login(client, world.nantes_organiser)
    page = client.get(f"/board/workshops/{things['workshop']}/registrations").get_data(as_text=True)
    for dialog in (f"annuler-{things['registration']}", f"anonymiser-{things['registration']}"):
        assert f'<dialog id="{dialog}"' in page
        assert f'aria-controls="{dialog}"' in page


def test_private_links_come_with_a_copy_button_and_regenerating_asks(app, client, world, things):
    login(client, world.nantes_organiser)
    speaker = client.get(f"/speakers/{things['speaker']}").get_data(as_text=True)
    own = client.get("/board/profile").get_data(as_text=True)
    for page, dialog in ((speaker, "regenerer-agenda-intervenant"), (own, "regenerer-agenda")):
        assert 'data-copy="' in page and "/calendar/private/" in page
        assert f'<dialog id="{dialog}"' in page and f'aria-controls="{dialog}"' in page


def test_the_workshop_page_leads_to_finding_a_registration_again(app, client, world, things):
    page = client.get(f"/workshops/{things['workshop']}").get_data(as_text=True)
    assert 'href="/registrations/lien-perdu"' in page
