"""Checklists and tasks: the template on every new stop, due dates that follow their stop,
the board's progress in one query, Mes tâches, permissions of each role on each route."""

from datetime import date

import pytest
from sqlalchemy import event

from extensions import db
from models import ChecklistItem, Role, Task, Tour, TourStop, User
from services.collaboration.tasks import (
    TaskFields,
    add_checklist_item,
    create_task,
    progress_by_stop,
)
from tests.factories import make_user, tour_of
from tests.helpers import login, post_form, stop_form, text_of

COORDINATOR = "coord@test.example"


def add_template(app, world) -> None:
    with app.app_context():
        tour = tour_of(world)
        add_checklist_item(tour, "Salle réservée", 30)
        add_checklist_item(tour, "Invitations envoyées", 14)
        make_user(COORDINATOR, Role.COORDINATOR, [], "Coralie Coordination")
        db.session.commit()


def tasks_of_stop(app, stop_id: int) -> list[tuple[str, date | None, int | None]]:
    with app.app_context():
        stop = db.session.get(TourStop, stop_id)
        return [(t.title, t.due_date, t.from_template_offset) for t in stop.tasks]


def create_roubaix(client, world) -> int:
    response = post_form(
        client,
        f"/board/tours/{world.tour_slug}/stops/new",
        stop_form(world.territory["roubaix"], "2019-03-12", "14:00", "16:00"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("stop-", 1)[1])


def test_a_new_stop_gets_the_template_and_its_due_dates_follow_the_stop(app, client, world):
    add_template(app, world)
    login(client, world.roubaix_organiser)
    stop_id = create_roubaix(client, world)
    assert sorted(tasks_of_stop(app, stop_id)) == [
        ("Invitations envoyées", date(2019, 2, 26), 14),
        ("Salle réservée", date(2019, 2, 10), 30),
    ]
    # One task's date set by hand: it stays when the stop moves; the other follows.
    with app.app_context():
        task = next(
            t for t in db.session.get(TourStop, stop_id).tasks if t.title == "Salle réservée"
        )
        task_id = task.id
    response = post_form(
        client,
        f"/board/tasks/{task_id}/edit",
        {"title": "Salle réservée", "due_date": "2019-02-01", "status": "todo", "notes": ""},
    )
    assert response.status_code == 302
    response = post_form(
        client,
        f"/board/stops/{stop_id}/edit",
        stop_form(world.territory["roubaix"], "2019-03-20", "14:00", "16:00", version=1),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert sorted(tasks_of_stop(app, stop_id)) == [
        ("Invitations envoyées", date(2019, 3, 6), 14),
        ("Salle réservée", date(2019, 2, 1), None),
    ]


def test_ticking_a_task_shows_on_the_board_in_one_grouped_query(app, client, world):
    add_template(app, world)
    login(client, world.roubaix_organiser)
    stop_id = create_roubaix(client, world)
    with app.app_context():
        task_id = db.session.get(TourStop, stop_id).tasks[0].id
    response = post_form(client, f"/board/tasks/{task_id}/status", {"status": "done"})
    assert response.status_code == 302
    page = text_of(client.get(f"/board/tours/{world.tour_slug}/"))
    assert "Tâches : 1/2" in page
    assert "1/2 faites" in text_of(client.get(f"/board/stops/{stop_id}/programme"))

    with app.app_context():
        ids = [s.id for s in db.session.execute(db.select(TourStop)).scalars()]
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            progress = progress_by_stop(ids, date(2019, 3, 1))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(statements) == 1
        assert (progress[stop_id].done, progress[stop_id].total) == (1, 2)
        # On 1 March 2019 both tasks are past due (10 and 26 February): the open one is late.
        assert progress[stop_id].overdue == 1


def test_my_tasks_lists_overdue_first_across_stops(app, client, world):
    with app.app_context():
        roubaix_user = db.session.execute(
            db.select(User).where(User.email == world.roubaix_organiser)
        ).scalar_one()
        nantes = db.session.get(TourStop, world.nantes_stop_id)
        admin = db.session.execute(db.select(User).where(User.email == world.admin)).scalar_one()
        create_task(nantes, TaskFields("Traiteur", admin.id, date(2099, 1, 1)))
        create_task(nantes, TaskFields("Presse", admin.id, date(2019, 1, 1)))
        create_task(nantes, TaskFields("Badges imprimés", admin.id, date(2018, 1, 1), "done"))
        create_task(nantes, TaskFields("Pas à moi", None, date(2018, 1, 1)))
        assert roubaix_user is not None
        db.session.commit()
    login(client, world.admin)
    page = text_of(client.get("/board/mes-taches"))
    assert page.index("Presse") < page.index("Traiteur") < page.index("Badges imprimés")
    assert "Pas à moi" not in page
    assert "En retard" in page


def test_an_owner_outside_the_territory_and_the_national_team_is_refused(app, client, world):
    login(client, world.nantes_organiser)
    with app.app_context():
        roubaix_id = db.session.execute(
            db.select(User.id).where(User.email == world.roubaix_organiser)
        ).scalar_one()
    response = post_form(
        client,
        f"/board/stops/{world.nantes_stop_id}/tasks",
        {
            "new-task-title": "Accueil presse",
            "new-task-owner_id": roubaix_id,
            "new-task-status": "todo",
        },
    )
    assert response.status_code == 400
    assert "Choisissez comme responsable" in text_of(response)
    with app.app_context():
        assert db.session.execute(db.select(Task)).first() is None
    for bad in (
        {"new-task-title": ""},
        {"new-task-title": "x", "new-task-status": "fini"},
        {"new-task-title": "x", "new-task-due_date": "31/02/2019"},
    ):
        response = post_form(client, f"/board/stops/{world.nantes_stop_id}/tasks", bad)
        assert response.status_code == 400, bad


@pytest.fixture
def one_task(app, world) -> int:
    with app.app_context():
        task = create_task(db.session.get(TourStop, world.nantes_stop_id), TaskFields("Traiteur"))
        make_user(COORDINATOR, Role.COORDINATOR, [], "Coralie Coordination")
        item = ChecklistItem(
            tour=db.session.get(Tour, world.tour_id), title="Salle", due_offset_days=3
        )
        db.session.add(item)
        db.session.commit()
        return task.id


def routes(world, task_id: int, item_id: int) -> dict[str, tuple[str, str, dict]]:
    slug = world.tour_slug
    return {
        "checklist": ("GET", f"/board/tours/{slug}/checklist", {}),
        "add_item": (
            "POST",
            f"/board/tours/{slug}/checklist/new",
            {"title": "Traiteur", "due_offset_days": "7"},
        ),
        "edit_item": (
            "POST",
            f"/board/tours/{slug}/checklist/{item_id}",
            {"title": "Salle", "due_offset_days": "5"},
        ),
        "delete_item": (
            "POST",
            f"/board/tours/{slug}/checklist/{item_id}/delete",
            {"confirmation": "oui"},
        ),
        "add_task": (
            "POST",
            f"/board/stops/{world.nantes_stop_id}/tasks",
            {"new-task-title": "Presse", "new-task-status": "todo"},
        ),
        "edit_task": ("GET", f"/board/tasks/{task_id}/edit", {}),
        "tick": ("POST", f"/board/tasks/{task_id}/status", {"status": "done"}),
        "delete_task": ("POST", f"/board/tasks/{task_id}/delete", {"confirmation": "oui"}),
        "my_tasks": ("GET", "/board/mes-taches", {}),
        "activity": ("GET", f"/board/tours/{slug}/activite", {}),
        "activity_csv": ("GET", f"/board/tours/{slug}/activite?format=csv", {}),
        "admin_activity": ("GET", "/admin/activite", {}),
    }


# Who may: the admin everything; the coordinator everything but the admin's feed; the
# organiser of Nantes the Nantes stop's tasks; the organiser of Roubaix only to read.
EXPECTED = {
    "admin@test.example": {
        "checklist",
        "add_item",
        "edit_item",
        "delete_item",
        "add_task",
        "edit_task",
        "tick",
        "delete_task",
        "my_tasks",
        "activity",
        "activity_csv",
        "admin_activity",
    },
    COORDINATOR: {
        "checklist",
        "add_item",
        "edit_item",
        "delete_item",
        "add_task",
        "edit_task",
        "tick",
        "delete_task",
        "my_tasks",
        "activity",
        "activity_csv",
    },
    "nantes@test.example": {
        "checklist",
        "add_task",
        "edit_task",
        "tick",
        "delete_task",
        "my_tasks",
        "activity",
        "activity_csv",
    },
    "roubaix@test.example": {"checklist", "my_tasks", "activity", "activity_csv"},
}


@pytest.mark.parametrize("who", [*EXPECTED, None])
def test_each_role_on_each_route(app, client, world, one_task, who):
    with app.app_context():
        item_id = db.session.execute(db.select(ChecklistItem.id)).scalar_one()
    if who:
        login(client, who)
    for name, (method, url, data) in routes(world, one_task, item_id).items():
        response = client.get(url) if method == "GET" else post_form(client, url, data)
        if who is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], name
        elif name in EXPECTED[who]:
            assert response.status_code in (200, 302), (who, name, response.status_code)
        else:
            assert response.status_code == 403, (who, name, response.status_code)
        # Keep the subjects for the next request: recreate what a deletion removed.
        with app.app_context():
            if db.session.get(Task, one_task) is None:
                db.session.add(Task(id=one_task, stop_id=world.nantes_stop_id, title="Traiteur"))
            if db.session.get(ChecklistItem, item_id) is None:
                db.session.add(ChecklistItem(id=item_id, tour_id=world.tour_id, title="Salle"))
            db.session.commit()
