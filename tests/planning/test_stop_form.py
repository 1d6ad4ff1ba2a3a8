"""Creating and editing stops from the planning board: validation messages, nothing half-written."""

import re

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Organisation, StopStatus, TourStop
from tests.helpers import login, post_form, stop_form, text_of, utc


def stop_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(TourStop.id)))


def new_stop_url(world) -> str:
    return f"/board/tours/{world.tour_slug}/stops/new"


def test_organiser_creates_a_draft_stop_in_local_time(app, client, world):
    login(client, world.roubaix_organiser)
    response = post_form(
        client,
        new_stop_url(world),
        stop_form(
            world.territory["roubaix"],
            "2019-03-12",
            "14:00",
            "16:00",
            venue_name="La Condition Publique",
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        stop = db.session.scalar(
            select(TourStop).where(TourStop.venue_name == "La Condition Publique")
        )
        assert stop.status == StopStatus.DRAFT
        assert stop.starts_at == utc(2019, 3, 12, 13)
        assert stop.ends_at == utc(2019, 3, 12, 15)
    board = text_of(client.get(response.headers["Location"]))
    assert "Étape de Roubaix créée en brouillon" in board


def test_stop_on_31_march_after_the_change_is_stored_in_summer_time(app, client, world):
    login(client, world.roubaix_organiser)
    post_form(
        client,
        new_stop_url(world),
        stop_form(world.territory["roubaix"], "2019-03-31", "03:30", "05:00"),
    )
    with app.app_context():
        stop = db.session.scalar(
            select(TourStop).where(TourStop.territory_id == world.territory["roubaix"])
        )
        assert stop.starts_at == utc(2019, 3, 31, 1, 30)


INVALID = [
    (
        "end_before_start",
        lambda w: stop_form(w.territory["roubaix"], "2019-03-12", "16:00", "14:00"),
        "La fin doit être postérieure au début.",
    ),
    (
        "end_equals_start",
        lambda w: stop_form(w.territory["roubaix"], "2019-03-12", "14:00", "14:00"),
        "La fin doit être postérieure au début.",
    ),
    (
        "time_skipped_by_clock_change",
        lambda w: stop_form(w.territory["roubaix"], "2019-03-31", "02:30", "04:00"),
        "L’heure 2 h 30 n’existe pas le 31 mars 2019 en Europe/Paris",
    ),
    (
        "unknown_territory_id",
        lambda w: stop_form(999999, "2019-03-12", "14:00", "16:00"),
        "Territoire inconnu",
    ),
    (
        "territory_not_a_number",
        lambda w: stop_form("roubaix", "2019-03-12", "14:00", "16:00"),
        "Territoire inconnu",
    ),
    (
        "before_the_tour",
        lambda w: stop_form(w.territory["roubaix"], "2019-01-15", "14:00", "16:00"),
        "entre le 1 février 2019 et le 31 décembre 2019.",
    ),
    (
        "after_the_tour",
        lambda w: stop_form(w.territory["roubaix"], "2020-01-06", "14:00", "16:00"),
        "L’étape doit avoir lieu pendant la tournée",
    ),
    (
        "missing_date",
        lambda w: stop_form(w.territory["roubaix"], "", "14:00", "16:00"),
        "Indiquez la date de l’étape.",
    ),
    (
        "malformed_date",
        lambda w: stop_form(w.territory["roubaix"], "12/03/2019", "14:00", "16:00"),
        "Indiquez la date de l’étape.",
    ),
    (
        "missing_end",
        lambda w: stop_form(w.territory["roubaix"], "2019-03-12", "14:00", ""),
        "Indiquez l’heure de fin.",
    ),
    (
        "latitude_without_longitude",
        lambda w: stop_form(
            w.territory["roubaix"], "2019-03-12", "14:00", "16:00", latitude="50.7"
        ),
        "Indiquez la latitude et la longitude, ou aucune des deux.",
    ),
    (
        "territory_id_beyond_the_database_integers",
        lambda w: stop_form(2**63, "2019-03-12", "14:00", "16:00"),
        "Territoire inconnu",
    ),
    (
        "host_beyond_the_database_integers",
        lambda w: stop_form(
            w.territory["roubaix"], "2019-03-12", "14:00", "16:00", host_organisation_id=2**31
        ),
        "Cette structure ne fait pas partie du collectif du territoire choisi.",
    ),
    (
        "first_day_of_the_calendar",
        lambda w: stop_form(w.territory["roubaix"], "0001-01-01", "00:00", "16:00"),
        "Indiquez une date comprise entre 1900 et 2999.",
    ),
    (
        "last_day_of_the_calendar",
        lambda w: stop_form(
            w.territory["roubaix"], "2019-03-12", "14:00", "23:59", end_day="9999-12-31"
        ),
        "Indiquez une date comprise entre 1900 et 2999.",
    ),
    (
        "latitude_out_of_range",
        lambda w: stop_form(
            w.territory["roubaix"], "2019-03-12", "14:00", "16:00", latitude="123", longitude="3"
        ),
        "La latitude va de -90 à 90.",
    ),
]


@pytest.mark.parametrize("case,form,message", INVALID, ids=[c[0] for c in INVALID])
def test_invalid_stop_is_refused_with_french_message_and_nothing_written(
    app, client, world, case, form, message
):
    login(client, world.roubaix_organiser)
    before = stop_count(app)
    response = post_form(client, new_stop_url(world), form(world))
    assert response.status_code == 400
    assert message in text_of(response)
    assert stop_count(app) == before


def test_host_must_belong_to_the_stop_territory(app, client, world):
    with app.app_context():
        other = Organisation(territory_id=world.territory["nantes"], name="Les Ecossolies")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    login(client, world.roubaix_organiser)
    response = post_form(
        client,
        new_stop_url(world),
        stop_form(
            world.territory["roubaix"],
            "2019-03-12",
            "14:00",
            "16:00",
            host_organisation_id=other_id,
        ),
    )
    assert response.status_code == 400
    assert "Cette structure ne fait pas partie du collectif du territoire choisi." in text_of(
        response
    )


def test_edit_form_shows_values_in_local_time_and_its_warnings(app, client, world):
    login(client, world.admin)
    # A Mayotte stop on its own holiday.
    post_form(
        client,
        new_stop_url(world),
        stop_form(world.territory["mayotte"], "2019-04-27", "09:00", "11:00"),
    )
    with app.app_context():
        stop_id = db.session.scalar(
            select(TourStop.id).where(TourStop.territory_id == world.territory["mayotte"])
        )
    page = text_of(client.get(f"/board/stops/{stop_id}/edit"))
    assert 'value="09:00"' in page  # shown back in Mayotte's time, not UTC (06:00)
    assert "tombe un jour férié dans ce territoire" in page
    assert "L’enregistrement reste possible" in page


def test_saving_a_stop_with_a_warning_is_allowed_and_the_warning_stays_visible(app, client, world):
    login(client, world.roubaix_organiser)
    # Overlaps the confirmed Nantes stop (25 February 2019, 10:00–12:30).
    response = post_form(
        client,
        new_stop_url(world),
        stop_form(world.territory["roubaix"], "2019-02-25", "11:00", "13:00"),
    )
    assert response.status_code == 302
    board = text_of(client.get(response.headers["Location"]))
    assert "Christophe Itier est attendu·e à deux étapes en même temps" in board
    assert "Nantes Métropole et Roubaix se chevauchent" in board


def test_unknown_territory_in_planning_link_is_404(client, world):
    login(client, world.roubaix_organiser)
    response = client.get(f"/board/tours/{world.tour_slug}/stops/new?territoire=atlantide")
    assert response.status_code == 404
    assert "Territoire inconnu." in text_of(response)


def test_confirming_a_stop_publishes_it(app, client, world):
    login(client, world.admin)
    with app.app_context():
        version = db.session.get(TourStop, world.clermont_draft_id).version
    response = post_form(
        client,
        f"/board/stops/{world.clermont_draft_id}/status",
        {"status": "confirmed", "version": version},
    )
    assert response.status_code == 302
    assert "maintenant publique" in text_of(client.get(response.headers["Location"]))
    client.post("/logout", data={"csrf_token": ""})
    visitor = app.test_client()
    assert visitor.get(f"/stops/{world.clermont_draft_id}").status_code == 200


def test_unknown_status_is_refused(app, client, world):
    login(client, world.admin)
    response = post_form(
        client,
        f"/board/stops/{world.clermont_draft_id}/status",
        {"status": "published", "version": 1},
    )
    assert response.status_code == 400
    assert "Statut inconnu" in text_of(response)


def test_stop_at_a_repeated_hour_is_saved_with_a_notice_of_the_time_kept(app, client, world):
    login(client, world.roubaix_organiser)
    response = post_form(
        client,
        new_stop_url(world),
        stop_form(world.territory["roubaix"], "2019-10-27", "02:30", "04:00"),
    )
    assert response.status_code == 302
    with app.app_context():
        stop = db.session.scalar(
            select(TourStop).where(TourStop.territory_id == world.territory["roubaix"])
        )
        assert stop.starts_at == utc(2019, 10, 27, 0, 30)  # the first 02:30, summer time
        stop_id = stop.id
    board = text_of(client.get(response.headers["Location"]))
    assert "Étape de Roubaix créée en brouillon" in board
    notice = (
        "L’heure 2 h 30 existe deux fois le 27 octobre 2019 (Europe/Paris) : les horloges "
        "reculent d’une heure cette nuit-là. Nous retenons la première (heure d’été, UTC+02:00)."
    )
    assert board.count(notice) == 1  # 04:00 happens once
    edit = post_form(
        client,
        f"/board/stops/{stop_id}/edit",
        stop_form(world.territory["roubaix"], "2019-10-27", "01:00", "02:15", version=1),
    )
    assert edit.status_code == 302
    assert "L’heure 2 h 15 existe deux fois" in text_of(client.get(edit.headers["Location"]))


def test_new_stop_form_proposes_the_territory_position_and_the_map_reads_the_options(client, world):
    login(client, world.roubaix_organiser)
    page = text_of(client.get(f"/board/tours/{world.tour_slug}/stops/new?territoire=roubaix"))
    assert re.search(r'<input[^>]*id="latitude"[^>]*value="50.6942"', page)
    assert re.search(r'<input[^>]*id="longitude"[^>]*value="3.1746"', page)
    # Each territory carries its position for the map of the form (static/js/stop-map.js),
    # which stays hidden until the script shows it: the fields work without it.
    assert re.search(r'<option[^>]*data-latitude="50.6942"[^>]*data-longitude="3.1746"', page)
    assert "data-stop-map-block hidden" in page and 'src="/static/js/stop-map.js"' in page
    assert "<script>" not in page  # the CSP allows no inline script


def test_new_stop_form_without_territory_leaves_the_position_empty(client, world):
    login(client, world.roubaix_organiser)
    page = text_of(client.get(f"/board/tours/{world.tour_slug}/stops/new"))
    assert re.search(r'<input[^>]*id="latitude"[^>]*value=""', page)
