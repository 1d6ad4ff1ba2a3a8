"""The activity log: one entry per change made through a service, in the same transaction,
with who, what and the fields' values before and after; never edited nor deleted."""

from datetime import date

import pytest

from extensions import db
from models import ActivityAction, ActivityEntry, AppendOnly, StopStatus, TourStop, User
from services.collaboration.activity import acting_as, activity_of, sentence
from services.planning.stops import StopFields, set_stop_status, update_stop
from tests.helpers import login, post_form, stop_form


def last_entry_id(app) -> int:
    """Building the world writes entries too: tests look at what came after."""
    with app.app_context():
        return db.session.execute(db.select(db.func.max(ActivityEntry.id))).scalar() or 0


def _entries(app, since: int = 0) -> list[ActivityEntry]:
    with app.app_context():
        rows = db.session.execute(
            db.select(ActivityEntry).where(ActivityEntry.id > since).order_by(ActivityEntry.id)
        ).scalars()
        entries = list(rows)
        db.session.expunge_all()
        return entries


def _user(email: str) -> User:
    return db.session.execute(db.select(User).where(User.email == email)).scalar_one()


def test_editing_a_stop_through_the_board_writes_one_entry_with_before_and_after(
    app, client, world
):
    login(client, world.nantes_organiser)
    since = last_entry_id(app)
    response = post_form(
        client,
        f"/board/stops/{world.nantes_stop_id}/edit",
        stop_form(world.territory["nantes"], "2019-02-25", "14:00", "16:30", version=1),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    (entry,) = _entries(app, since)
    with app.app_context():
        entry = db.session.get(ActivityEntry, entry.id)
        nadia = _user(world.nantes_organiser)
        assert entry.actor_id == nadia.id
        assert entry.action is ActivityAction.UPDATED
        assert (entry.object_type, entry.object_id) == ("stop", world.nantes_stop_id)
        assert (entry.tour_id, entry.territory_id) == (world.tour_id, world.territory["nantes"])
        assert entry.changes == {
            "starts_at": ["2019-02-25T09:00:00+00:00", "2019-02-25T13:00:00+00:00"],
            "ends_at": ["2019-02-25T11:30:00+00:00", "2019-02-25T15:30:00+00:00"],
        }
        assert sentence(entry).replace("\u00a0", " ") == (
            "Nadia Nantes a modifié l’étape Nantes Métropole : "
            "début 10 h 00 → 14 h 00; fin 12 h 30 → 16 h 30"
        )


def test_a_refused_change_leaves_no_entry(app, client, world):
    login(client, world.nantes_organiser)
    since = last_entry_id(app)
    response = post_form(
        client,
        f"/board/stops/{world.nantes_stop_id}/edit",
        stop_form(world.territory["nantes"], "2019-02-25", "14:00", "13:00", version=1),
    )
    assert response.status_code == 400
    assert _entries(app, since) == []


def test_a_save_that_changes_nothing_writes_nothing(app, world):
    since = last_entry_id(app)
    with app.app_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        admin = _user(world.admin)
        with acting_as(admin):
            set_stop_status(stop, StopStatus.CONFIRMED, stop.version, admin)
        db.session.commit()
    assert _entries(app, since) == []


def test_entries_cannot_be_changed_or_deleted_through_the_orm(app, world):
    since = last_entry_id(app)
    with app.app_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        with acting_as(None):
            update_stop(
                stop,
                StopFields(world.territory["nantes"], date(2019, 2, 26), *stop_times()),
                stop.version,
                _user(world.admin),
            )
        db.session.commit()
        entry = activity_of(stop)[0]
        assert entry.actor_id is None and entry.id > since
        entry.object_label = "réécrit"
        with pytest.raises(AppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(ActivityEntry, entry.id))
        with pytest.raises(AppendOnly):
            db.session.flush()
        db.session.rollback()
    assert [e.object_label for e in _entries(app, since)] == ["Nantes Métropole"]


def stop_times():
    from datetime import time

    return time(10), time(12)


def test_a_workshop_page_shows_its_own_activity(app, client, world):
    """The organisers' page of a workshop lists what was changed on it, and by whom."""
    from models import Workshop
    from tests.factories import make_workshop

    workshop_id = make_workshop(app, world)
    with app.app_context(), acting_as(_user(world.admin)):
        db.session.get(Workshop, workshop_id).title = "Mobilité rurale partagée"
        db.session.commit()
    login(client, world.admin)
    page = client.get(f"/board/workshops/{workshop_id}/edit").get_data(as_text=True)
    feed = page.split("Activité de l’atelier", 1)[1].replace("\u00a0", " ")
    assert "Admin a modifié l’atelier" in feed
    assert "Mobilité rurale partagée" in feed
    assert f"atelier={workshop_id}" in feed  # the whole feed, filtered on the workshop
