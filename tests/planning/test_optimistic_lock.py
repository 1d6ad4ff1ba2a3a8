"""Two organisers editing the same stop: the second save is refused, not silently applied."""

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from extensions import db
from models import TourStop, User
from services.errors import EditConflict
from services.planning.stops import StopFields, update_stop
from tests.helpers import login, post_form, stop_form, text_of


def test_second_organiser_saving_a_stale_form_is_refused(app, world):
    first, second = app.test_client(), app.test_client()
    login(first, world.admin)
    login(second, world.nantes_organiser)
    url = f"/board/stops/{world.nantes_stop_id}/edit"
    # Both open the form at version 1.
    assert 'name="version" type="hidden" value="1"' in text_of(first.get(url))
    assert 'name="version" type="hidden" value="1"' in text_of(second.get(url))

    saved = post_form(
        first,
        url,
        stop_form(
            world.territory["nantes"],
            "2019-02-25",
            "09:00",
            "12:00",
            venue_name="Solilab",
            version=1,
        ),
    )
    assert saved.status_code == 302

    refused = post_form(
        second,
        url,
        stop_form(
            world.territory["nantes"],
            "2019-02-25",
            "14:00",
            "15:00",
            venue_name="Ailleurs",
            version=1,
        ),
    )
    assert refused.status_code == 409
    page = text_of(refused)
    assert "Cette étape a été modifiée par Admin" in page
    assert "Vos changements n’ont pas été enregistrés" in page
    assert 'value="Ailleurs"' in page  # their input is kept in the form, nothing lost
    with app.app_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        assert stop.venue_name == "Solilab"
        assert stop.version == 2


def test_stale_status_change_is_refused(app, client, world):
    login(client, world.admin)
    response = post_form(
        client,
        f"/board/stops/{world.nantes_stop_id}/status",
        {"status": "cancelled", "version": 0, "confirmation": "oui"},
    )
    assert response.status_code == 409
    assert "a été modifiée" in text_of(response)
    with app.app_context():
        assert db.session.get(TourStop, world.nantes_stop_id).status.value == "confirmed"


def test_concurrent_transactions_cannot_both_write_the_same_version(app, world, database_url):
    """Even if two saves pass the form check at the same moment, the database's
    `WHERE version = …` lets only one through."""
    engine = create_engine(database_url)
    with app.test_request_context():
        winner = db.session.get(TourStop, world.nantes_stop_id)
        author = db.session.scalar(db.select(User).where(User.email == world.admin))
        # A second connection changes the row after we loaded it.
        with Session(engine) as other:
            stale = other.get(TourStop, world.nantes_stop_id)
            stale.venue_name = "Premier arrivé"
            other.commit()
        fields = StopFields(
            territory_id=world.territory["nantes"],
            day=winner.local_start.date(),
            start_time=winner.local_start.time(),
            end_time=winner.local_end.time(),
            venue_name="Second",
        )
        try:
            update_stop(winner, fields, expected_version=1, author=author)
        except EditConflict as conflict:
            assert "vient d’être modifiée" in conflict.message
        else:
            raise AssertionError("the stale save went through")
        db.session.rollback()
        assert db.session.get(TourStop, world.nantes_stop_id).venue_name == "Premier arrivé"
    engine.dispose()
