"""Every tracked model: creating, changing and deleting one writes exactly one entry each,
with the right values; secrets never reach the log; the stale-edit message names the other
person's change; the feeds and their CSV; no route edits or deletes the log."""

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from extensions import db
from models import (
    ActivityAction,
    ActivityEntry,
    Availability,
    AvailabilityKind,
    Blackout,
    ChecklistItem,
    Comment,
    DateOption,
    ParticipantRole,
    Registration,
    RegistrationStatus,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    Task,
    TaskStatus,
    Tour,
    TourStop,
    User,
    VisitDuration,
    Workshop,
)
from services.collaboration.activity import MASK, TRACKED, acting_as
from tests.factories import add_workshop
from tests.helpers import login, post_form, stop_form, text_of

T0 = datetime(2019, 3, 12, 13, tzinfo=UTC)
T1 = datetime(2019, 3, 12, 15, tzinfo=UTC)


def _stop(world) -> TourStop:
    return db.session.get(TourStop, world.nantes_stop_id)


def _speaker() -> Speaker:
    speaker = Speaker(name="Christophe Itier")
    db.session.add(speaker)
    return speaker


def _table(world) -> RoundTable:
    table = RoundTable(stop=_stop(world), title="Mobilité", starts_at=T0, ends_at=T1)
    db.session.add(table)
    return table


def _workshop(world) -> Workshop:
    return add_workshop(world)


# Each tracked model: how to make one, which field to change and to what, and the value as
# the log records it.
CASES: dict[type, tuple[Callable[[Any], Any], str, Any, Any]] = {
    Tour: (
        lambda w: db.session.get(Tour, w.tour_id),
        "title",
        "Tournée 2020",
        "Tournée 2020",
    ),
    TourStop: (lambda w: _stop(w), "venue_name", "Solilab", "Solilab"),
    RoundTable: (_table, "room", "Salle 2", "Salle 2"),
    RoundTableParticipant: (
        lambda w: RoundTableParticipant(
            round_table=_table(w), speaker=_speaker(), role=ParticipantRole.PANELIST
        ),
        "role",
        ParticipantRole.MODERATOR,
        "moderator",
    ),
    StopSpeaker: (
        lambda w: StopSpeaker(stop=_stop(w), speaker=_speaker(), role=ParticipantRole.PANELIST),
        "role",
        ParticipantRole.MODERATOR,
        "moderator",
    ),
    Speaker: (lambda w: _speaker(), "organisation", "Haut-commissariat", "Haut-commissariat"),
    Availability: (
        lambda w: Availability(
            speaker=_speaker(), kind=AvailabilityKind.UNAVAILABLE, starts_at=T0, ends_at=T1
        ),
        "note",
        "Congés",
        "Congés",
    ),
    Workshop: (_workshop, "capacity", 99, 99),
    Registration: (
        lambda w: Registration(
            workshop=_workshop(w),
            name="Camille Martin",
            email="camille@example.org",
            token="jeton-secret",
            status=RegistrationStatus.CONFIRMED,
            consented_at=T0,
        ),
        "status",
        RegistrationStatus.CANCELLED,
        "cancelled",
    ),
    DateOption: (
        lambda w: DateOption(
            tour_id=w.tour_id, territory_id=w.territory["roubaix"], starts_at=T0, ends_at=T1, rank=1
        ),
        "rank",
        2,
        2,
    ),
    Blackout: (
        lambda w: Blackout(
            tour_id=w.tour_id,
            territory_id=w.territory["roubaix"],
            first_day=date(2019, 5, 1),
            last_day=date(2019, 5, 2),
        ),
        "last_day",
        date(2019, 5, 3),
        "2019-05-03",
    ),
    VisitDuration: (
        lambda w: VisitDuration(tour_id=w.tour_id, territory_id=w.territory["roubaix"]),
        "minutes",
        90,
        90,
    ),
    User: (
        lambda w: User(email="camille@test.example", display_name="Camille", password_hash="h"),
        "display_name",
        "Camille Martin",
        "Camille Martin",
    ),
    ChecklistItem: (
        lambda w: ChecklistItem(tour_id=w.tour_id, title="Traiteur", due_offset_days=7),
        "due_offset_days",
        14,
        14,
    ),
    Task: (lambda w: Task(stop=_stop(w), title="Traiteur"), "status", TaskStatus.DONE, "done"),
    Comment: (
        lambda w: Comment(target_type="stop", target_id=w.nantes_stop_id, body="Salle ?"),
        "body",
        "Salle réservée.",
        "Salle réservée.",
    ),
}


def test_every_tracked_model_has_a_case():
    assert set(CASES) == set(TRACKED)


def _new_entries(since: int) -> list[ActivityEntry]:
    return list(
        db.session.execute(
            db.select(ActivityEntry).where(ActivityEntry.id > since).order_by(ActivityEntry.id)
        ).scalars()
    )


def _last_id() -> int:
    return db.session.execute(db.select(db.func.max(ActivityEntry.id))).scalar() or 0


@pytest.mark.parametrize("model", list(CASES), ids=lambda m: m.__name__)
def test_create_change_delete_each_write_exactly_one_entry(app, world, model):
    build, field, value, recorded = CASES[model]
    kind = TRACKED[model].object_type
    with app.test_request_context():
        actor = db.session.execute(db.select(User).where(User.email == world.admin)).scalar_one()
        with acting_as(actor):
            obj = build(world)
            db.session.add(obj)
            db.session.commit()
            since = _last_id()
            before = getattr(obj, field)
            before_recorded = before.value if hasattr(before, "value") else before
            if isinstance(before_recorded, date):
                before_recorded = before_recorded.isoformat()
            setattr(obj, field, value)
            db.session.commit()
            (updated,) = [e for e in _new_entries(since) if e.object_type == kind]
            assert updated.action is ActivityAction.UPDATED
            assert updated.actor_id == actor.id
            assert updated.object_id == obj.id
            assert updated.changes == {field: [before_recorded, recorded]}

            since = _last_id()
            object_id = obj.id
            db.session.delete(obj)
            db.session.commit()
            mine = [e for e in _new_entries(since) if e.object_type == kind]
            assert [(e.action, e.object_id) for e in mine] == [(ActivityAction.DELETED, object_id)]
            # What it was, as it was.
            assert mine[0].changes[field][0] == recorded


def test_a_new_stop_is_logged_once_with_its_fields(app, client, world):
    login(client, world.roubaix_organiser)
    with app.app_context():
        since = _last_id()
    response = post_form(
        client,
        f"/board/tours/{world.tour_slug}/stops/new",
        stop_form(world.territory["roubaix"], "2019-03-12", "14:00", "16:00", venue_name="CCI"),
    )
    assert response.status_code == 302
    with app.app_context():
        (entry,) = [e for e in _new_entries(since) if e.object_type == "stop"]
        assert entry.action is ActivityAction.CREATED
        assert entry.changes["venue_name"] == [None, "CCI"]
        assert entry.changes["territory"] == [None, "Roubaix"]
        assert entry.changes["starts_at"] == [None, "2019-03-12T13:00:00+00:00"]


def test_secrets_are_masked_and_session_tokens_never_logged(app, world):
    with app.app_context():
        user = db.session.execute(
            db.select(User).where(User.email == world.roubaix_organiser)
        ).scalar_one()
        since = _last_id()
        with acting_as(None):
            user.set_password("un tout autre mot de passe")
            db.session.commit()
        (entry,) = _new_entries(since)
        assert entry.changes == {"password_hash": [MASK, MASK]}
        since = _last_id()
        user.end_sessions()
        db.session.commit()
        assert _new_entries(since) == []
        assert user.password_hash not in str(
            [e.changes for e in db.session.execute(db.select(ActivityEntry)).scalars()]
        )


def test_a_visitor_registering_writes_no_entry_but_an_organiser_cancelling_does(app, world):
    with app.test_request_context():
        workshop = _workshop(world)
        db.session.commit()
        since = _last_id()
        registration = Registration(
            workshop=workshop,
            name="Camille",
            email="c@example.org",
            token="t" * 43,
            status=RegistrationStatus.CONFIRMED,
            consented_at=T0,
        )
        db.session.add(registration)
        db.session.commit()
        assert [e for e in _new_entries(since) if e.object_type == "registration"] == []
        admin = db.session.execute(db.select(User).where(User.email == world.admin)).scalar_one()
        with acting_as(admin):
            registration.status = RegistrationStatus.CANCELLED
            db.session.commit()
        (entry,) = [e for e in _new_entries(since) if e.object_type == "registration"]
        assert entry.workshop_id == workshop.id and entry.changes["status"][1] == "cancelled"


def test_the_stale_edit_message_names_the_other_persons_change(app, client, world):
    # Nadia opens the form at version 1; the admin moves the stop; Nadia saves.
    admin = app.test_client()
    login(admin, world.admin)
    response = post_form(
        admin,
        f"/board/stops/{world.nantes_stop_id}/edit",
        stop_form(world.territory["nantes"], "2019-02-25", "14:00", "16:30", version=1),
    )
    assert response.status_code == 302
    login(client, world.nantes_organiser)
    response = post_form(
        client,
        f"/board/stops/{world.nantes_stop_id}/edit",
        stop_form(
            world.territory["nantes"], "2019-02-25", "10:00", "12:30", venue_name="X", version=1
        ),
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Admin a modifié l’étape Nantes Métropole : début 10 h 00 → 14 h 00" in page


def _activity_rows(response) -> list[list[str]]:
    return list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )


def test_the_tour_feed_filters_and_exports_csv(app, client, world):
    login(client, world.admin)
    post_form(
        client,
        f"/board/stops/{world.nantes_stop_id}/edit",
        stop_form(world.territory["nantes"], "2019-02-25", "14:00", "16:30", version=1),
    )
    base = f"/board/tours/{world.tour_slug}/activite"
    page = text_of(client.get(f"{base}?type=stop&territoire={world.territory['nantes']}"))
    assert "Admin a modifié l’étape Nantes Métropole" in page
    response = client.get(f"{base}?type=stop&format=csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = _activity_rows(response)
    assert rows[0][:3] == ["date (UTC)", "auteur", "action"]
    assert rows[1][1:5] == ["Admin", "modification", "Étapes", "Nantes Métropole"]
    assert {tuple(r[6:]) for r in rows[1:3]} == {
        ("début", "10 h 00", "14 h 00"),
        ("fin", "12 h 30", "16 h 30"),
    }
    # Another territory's filter: nothing of Nantes.
    rows = _activity_rows(client.get(f"{base}?territoire={world.territory['roubaix']}&format=csv"))
    assert rows[1:] == []


@pytest.mark.parametrize(
    "query", ["type=nimporte", "territoire=abc", "personne=99999999999999", "page=0", "page=x"]
)
def test_bad_filters_are_refused_in_french(client, world, query):
    login(client, world.admin)
    response = client.get(f"/board/tours/{world.tour_slug}/activite?{query}")
    assert response.status_code == 400
    assert "invalide" in text_of(response) or "inconnu" in text_of(response)


def test_no_route_edits_or_deletes_the_log(app):
    """No URL names an activity entry, and nothing but GET reaches the feeds."""
    for rule in app.url_map.iter_rules():
        if "activite" in rule.rule or "activity" in rule.endpoint:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
        assert "entry" not in rule.rule and "entree" not in rule.rule, rule


def test_a_stale_round_table_or_workshop_edit_names_the_other_persons_change(app, world):
    """Not only stops: a refused save of a round table or a workshop says what changed."""
    from datetime import time

    from services.errors import EditConflict
    from services.planning.round_tables import RoundTableFields, update_round_table
    from services.registration.workshops import update_workshop
    from tests.factories import add_round_table

    with app.test_request_context():
        admin = db.session.execute(db.select(User).where(User.email == world.admin)).scalar_one()
        nadia = db.session.execute(
            db.select(User).where(User.email == world.nantes_organiser)
        ).scalar_one()
        table = add_round_table(world.nantes_stop_id, "Mobilité", "10:00", "11:00")
        db.session.commit()
        opened = table.version
        with acting_as(admin):
            update_round_table(
                table, RoundTableFields("Mobilité solidaire", time(10), time(11)), opened
            )
            db.session.commit()
        with acting_as(nadia), pytest.raises(EditConflict) as refused:
            update_round_table(table, RoundTableFields("Mobilité", time(10), time(12)), opened)
        assert "Admin a modifié" in str(refused.value) and "Mobilité solidaire" in str(
            refused.value
        )
        db.session.rollback()

        workshop = add_workshop(world)
        db.session.commit()
        opened = workshop.version
        with acting_as(admin):
            workshop.title = "Réemploi partagé"  # another organiser's save, logged
            db.session.commit()
        # The version is checked before the fields are read: the stale save stops there.
        with acting_as(nadia), pytest.raises(EditConflict) as refused:
            update_workshop(workshop, None, opened)  # type: ignore[arg-type]
        assert "Admin a modifié" in str(refused.value) and "Réemploi partagé" in str(refused.value)
