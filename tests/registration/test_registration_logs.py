"""Registration changes leave one log line each, with ids and never the person's address."""

import logging

from sqlalchemy import select

from extensions import db
from models import Registration
from tests.factories import make_workshop, register
from tests.helpers import csrf_token

LOGGER = "services.registration.registrations"


def lines(caplog, logger: str) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == logger and r.levelno == logging.INFO
    ]


def registration_ids(app, workshop_id) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(Registration.email, Registration.id).where(
                Registration.workshop_id == workshop_id
            )
        )
        return dict(rows.all())


def nothing_personal(caplog) -> bool:
    return not any(
        "@" in r.getMessage() or "Camille" in r.getMessage() or "Martin" in r.getMessage()
        for r in caplog.records
    )


def test_a_registration_logs_its_id_its_workshop_and_its_status(app, client, world, caplog):
    workshop_id = make_workshop(app, world, capacity=1)
    caplog.set_level(logging.INFO, logger="services")
    register(client, workshop_id, "camille@example.org", name="Camille Martin")
    register(app.test_client(), workshop_id, "dominique@example.org", name="Dominique Martin")
    ids = registration_ids(app, workshop_id)
    assert lines(caplog, LOGGER) == [
        f"registration {ids['camille@example.org']} to workshop {workshop_id}: confirmed",
        f"registration {ids['dominique@example.org']} to workshop {workshop_id}: waitlisted",
    ]
    assert lines(caplog, "services.mail.outbox") == [
        f"mail confirmed queued for registration {ids['camille@example.org']}",
        f"mail waitlisted queued for registration {ids['dominique@example.org']}",
    ]
    assert nothing_personal(caplog)


def test_a_cancellation_logs_it_and_the_promotion_it_causes(app, client, world, caplog):
    workshop_id = make_workshop(app, world, capacity=1)
    first = register(app.test_client(), workshop_id, "first@example.org").headers["Location"]
    register(app.test_client(), workshop_id, "second@example.org", name="Camille Martin")
    ids = registration_ids(app, workshop_id)
    caplog.set_level(logging.INFO, logger="services")
    caplog.clear()  # only what the cancellation logs
    client.post(
        f"{first}/cancel", data={"csrf_token": csrf_token(client, first), "confirmation": "oui"}
    )
    assert lines(caplog, LOGGER) == [
        f"registration {ids['first@example.org']} to workshop {workshop_id} cancelled",
        f"registration {ids['second@example.org']} to workshop {workshop_id} promoted from the "
        "waiting list",
    ]
    assert nothing_personal(caplog)
