"""Every enum carries its label: stored as its plain value, read in the visitor's language."""

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import text

from extensions import db
from models import (
    AvailabilityKind,
    FeedOwner,
    MailStatus,
    ParticipantRole,
    RegistrationStatus,
    Role,
    StopStatus,
    TerritoryKind,
    Tour,
    WorkshopStatus,
)
from models.types import LabelledEnum
from services.planning.warnings import WarningKind
from tests.factories import make_stop

ENUMS = [
    AvailabilityKind,
    FeedOwner,
    MailStatus,
    ParticipantRole,
    RegistrationStatus,
    Role,
    StopStatus,
    TerritoryKind,
    WarningKind,
    WorkshopStatus,
]


def test_member_is_its_plain_value():
    assert StopStatus.CONFIRMED == "confirmed"
    assert str(StopStatus.CONFIRMED) == "confirmed"
    assert f"{StopStatus.CONFIRMED}" == "confirmed"
    assert StopStatus("confirmed") is StopStatus.CONFIRMED
    assert StopStatus.CONFIRMED.value == "confirmed"
    with pytest.raises(ValueError):
        StopStatus("Confirmée")


def test_label_is_read_in_the_current_locale(app):
    with app.test_request_context():
        assert StopStatus.CONFIRMED.label == "Confirmée"
        assert RegistrationStatus.WAITLISTED.label == "Liste d’attente"
        assert WarningKind.PRINCIPAL_OVERLAP.label == "Principal attendu à deux étapes"
        with force_locale("en"):
            assert StopStatus.CONFIRMED.label == "Confirmed"
            assert RegistrationStatus.WAITLISTED.label == "Waiting list"
            assert WarningKind.PRINCIPAL_OVERLAP.label == "Principal expected at two stops"


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_member_has_a_french_label_and_an_english_one(app, enum):
    assert issubclass(enum, LabelledEnum)
    with app.test_request_context():
        for member in enum:
            french = member.label
            with force_locale("en"):
                english = member.label
            assert french and english and french != member.value
            assert english != french or french in {"Cluster"}, member


def test_a_member_without_label_is_refused():
    with pytest.raises(TypeError, match="no label"):

        class Unlabelled(LabelledEnum):
            LABELLED = "labelled", _l("Étiqueté")
            BARE = "bare"


def test_the_database_stores_the_plain_value(app, world):
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        stop = make_stop(tour, tour.stops[0].territory, tour.start_date, "10:00", "11:00")
        stop.status = StopStatus.CANCELLED
        db.session.commit()
        stored = db.session.execute(
            text("SELECT status FROM tour_stops WHERE id = :id"), {"id": stop.id}
        ).scalar_one()
        assert stored == "cancelled"
        db.session.expire(stop)
        assert stop.status is StopStatus.CANCELLED
