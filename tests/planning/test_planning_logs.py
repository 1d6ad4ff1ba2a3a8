"""Planning changes leave one log line each: what happened and the ids, nothing personal."""

import logging

from sqlalchemy import select

from extensions import db
from models import RoundTable, TourStop
from services.planning.round_tables import RoundTableFields, create_round_table, delete_round_table
from tests.helpers import login, post_form, stop_form


def lines(caplog, logger: str) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == logger and r.levelno == logging.INFO
    ]


def test_a_stop_created_on_the_board_logs_its_id_and_its_tour(app, client, world, caplog):
    login(client, world.roubaix_organiser)
    caplog.set_level(logging.INFO, logger="services")
    response = post_form(
        client,
        f"/board/tours/{world.tour_slug}/stops/new",
        stop_form(world.territory["roubaix"], "2019-03-12", "14:00", "16:00"),
    )
    assert response.status_code == 302
    with app.app_context():
        stop_id = db.session.scalar(
            select(TourStop.id).where(TourStop.territory_id == world.territory["roubaix"])
        )
    assert lines(caplog, "services.planning.stops") == [
        f"stop {stop_id} created in tour {world.tour_id}"
    ]
    assert not any("@" in r.getMessage() or "Rémi" in r.getMessage() for r in caplog.records)


def test_a_status_change_logs_one_line_and_an_unchanged_status_none(app, client, world, caplog):
    login(client, world.admin)
    caplog.set_level(logging.INFO, logger="services")
    url = f"/board/stops/{world.clermont_draft_id}/status"
    assert post_form(client, url, {"status": "confirmed", "version": 1}).status_code == 302
    assert post_form(client, url, {"status": "confirmed", "version": 2}).status_code == 302
    assert lines(caplog, "services.planning.stops") == [
        f"stop {world.clermont_draft_id} is now confirmed"
    ]


def test_round_tables_created_and_deleted_are_logged(app, world, caplog):
    caplog.set_level(logging.INFO, logger="services")
    with app.test_request_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        fields = RoundTableFields(
            title="Essaimer", start_time=stop.local_start.time(), end_time=stop.local_end.time()
        )
        table = create_round_table(stop, fields)
        table_id = table.id
        delete_round_table(db.session.get(RoundTable, table_id))
        db.session.rollback()
    assert lines(caplog, "services.planning.round_tables") == [
        f"round table {table_id} created at stop {world.nantes_stop_id}",
        f"round table {table_id} deleted from stop {world.nantes_stop_id}",
    ]
