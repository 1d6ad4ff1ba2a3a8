"""The factory configures the services' loggers once: each line says who acted."""

import logging

from sqlalchemy import select

from extensions import db
from models import User
from tests.factories import make_workshop, register
from tests.helpers import login, post_form, stop_form


def actors(caplog, logger: str) -> list[str]:
    return [getattr(r, "actor", None) for r in caplog.records if r.name == logger]


def test_a_change_by_an_organiser_names_their_account(app, client, world, caplog):
    login(client, world.roubaix_organiser)
    caplog.set_level(logging.INFO, logger="services")
    response = post_form(
        client,
        f"/board/tours/{world.tour_slug}/stops/new",
        stop_form(world.territory["roubaix"], "2019-03-12", "14:00", "16:00"),
    )
    assert response.status_code == 302
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == world.roubaix_organiser))
    assert actors(caplog, "services.planning.stops") == [f"user:{user_id}"]


def test_a_registration_by_a_visitor_says_visitor(app, client, world, caplog):
    workshop_id = make_workshop(app, world)
    caplog.set_level(logging.INFO, logger="services")
    caplog.clear()
    assert register(client, workshop_id, "camille@example.org").status_code == 302
    assert actors(caplog, "services.registration.registrations") == ["visitor"]


def test_the_services_logger_has_one_handler_however_many_apps(app):
    from app import create_app

    other = create_app(app.config)  # as the tests and the CLI do: no second handler
    with other.app_context():
        db.engine.dispose()
    handlers = logging.getLogger("services").handlers
    assert len(handlers) == 1
    record = logging.LogRecord("services.x", logging.INFO, __file__, 1, "stop %s", (1,), None)
    assert handlers[0].filter(record) and record.actor == "cli"
    assert "[cli] stop 1" in handlers[0].format(record)
