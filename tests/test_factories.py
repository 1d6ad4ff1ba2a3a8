"""The shared test factories build what they say: the same workshop whether from the models
or through the service, times in the right zone, and rows found again rather than doubled."""

from datetime import timedelta

import pytest

from extensions import db
from models import Challenge, Registration, RoundTable, TourStop, Workshop, WorkshopStatus
from tests.factories import (
    NOW,
    WORKSHOP_DAY,
    add_challenge,
    add_round_table,
    make_speaker,
    make_workshop,
    sign_up,
)
from tests.helpers import utc


def _workshop(app, workshop_id) -> dict:
    with app.app_context():
        w = db.session.get(Workshop, workshop_id)
        return {
            "title": w.title,
            "challenge": w.challenge.slug,
            "host": w.host_territory.slug,
            "territories": sorted(t.slug for t in w.territories),
            "starts_at": w.starts_at,
            "ends_at": w.ends_at,
            "capacity": w.capacity,
            "status": w.status,
            "venue": (w.venue_name, w.address),
            "window": (w.registration_opens_at, w.registration_closes_at),
            "facilitators": [(s.name, s.organisation) for s in w.facilitators],
            "sequence": w.sequence,
        }


@pytest.mark.parametrize("status", [WorkshopStatus.DRAFT, WorkshopStatus.OPEN])
def test_a_workshop_is_the_same_from_the_models_or_through_the_service(app, world, status):
    fields = {
        "host": "mayotte",
        "territories": ("mayotte", "clermont"),
        "day": WORKSHOP_DAY,
        "capacity": 7,
        "status": status,
        "address": "Mamoudzou",
        "registration_opens_at": utc(2019, 5, 1, 6),
        "registration_closes_at": utc(2019, 6, 11, 18),
    }
    direct = _workshop(app, make_workshop(app, world, **fields))
    served = _workshop(
        app,
        make_workshop(
            app, world, through_service=True, facilitators=[("Inès", "Ronalpia")], **fields
        ),
    )
    assert served.pop("facilitators") == [("Inès", "Ronalpia")]
    assert direct.pop("facilitators") == []
    # The service counts opening as a change for calendars; the models start at 0.
    assert (direct.pop("sequence"), served.pop("sequence")) == (
        0,
        1 if status == WorkshopStatus.OPEN else 0,
    )
    assert served == direct
    assert direct["starts_at"] == utc(2019, 6, 12, 11)  # 14:00 in Mayotte (UTC+3)
    assert direct["ends_at"] == utc(2019, 6, 12, 13)
    assert direct["territories"] == ["clermont", "mayotte"]


def test_a_workshop_by_default_takes_registrations_in_ten_days(app, world):
    workshop = _workshop(app, make_workshop(app, world))
    assert abs(workshop["starts_at"] - (NOW + timedelta(days=10))) < timedelta(seconds=1)
    assert workshop["ends_at"] - workshop["starts_at"] == timedelta(hours=3)
    assert (workshop["title"], workshop["challenge"], workshop["status"]) == (
        "Filière du réemploi",
        "reemploi",
        WorkshopStatus.OPEN,
    )


def test_workshops_share_their_challenge_by_its_slug(app, world):
    make_workshop(app, world)
    make_workshop(app, world, through_service=True, day=WORKSHOP_DAY)
    with app.app_context():
        assert db.session.query(Challenge).count() == 1
        assert add_challenge("Autre nom", "reemploi").name == "Réemploi"


def test_round_table_times_are_wall_clock_on_the_stop_day_or_instants(app, world):
    speaker = make_speaker(app, "Camille Martin")
    with app.app_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)  # 25 February 2019, Paris
        local = add_round_table(stop, "Locale", "10:30", "11:30", [(speaker, "moderator")])
        instant = add_round_table(
            world.nantes_stop_id,
            "Instants",
            utc(2019, 2, 25, 9, 30),
            utc(2019, 2, 25, 10, 30),
            [(speaker, "panelist", 3)],
        )
        db.session.commit()
        tables = {t.title: t for t in db.session.query(RoundTable)}
        assert (tables["Locale"].starts_at, tables["Locale"].ends_at) == (
            instant.starts_at,
            instant.ends_at,
        )
        assert [p.position for p in local.participants] == [0]
        assert [p.position for p in instant.participants] == [3]


def test_sign_up_makes_the_address_from_the_name(app, world):
    workshop_id = make_workshop(app, world, capacity=1)
    first = sign_up(app, workshop_id, "Hélène Éluard 2")
    second = sign_up(app, workshop_id, "Zoé", "zoe@example.org", organisation="CRESS")
    with app.app_context():
        one, two = db.session.get(Registration, first), db.session.get(Registration, second)
        assert (one.email, one.consented_at) == ("h.l.ne.luard.2@example.org", utc(2019, 5, 1, 10))
        assert (two.email, two.organisation, two.status.value) == (
            "zoe@example.org",
            "CRESS",
            "waitlisted",
        )
