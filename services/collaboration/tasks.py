"""Checklists and tasks: a tour's template, each stop's tasks, their progress.

A new stop gets the template's tasks (`add_checklist_tasks`, called by every path that
creates a stop). A task whose due date came from the template keeps its offset and follows
its stop when the stop moves (`follow_stop`); setting the date by hand ends that.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import case, func

from extensions import db
from models import (
    CLOSED_TASK_STATUSES,
    ChecklistItem,
    Role,
    Task,
    TaskStatus,
    Tour,
    TourStop,
    User,
)
from services.errors import FieldErrors, InvalidInput

log = logging.getLogger(__name__)

TITLE_MAX = 200
NOTES_MAX = 5000
# A template offset beyond a year before the stop is a typing slip.
OFFSET_MAX = 365


# --- the template -------------------------------------------------------------------------


def checklist_of(tour: Tour) -> list[ChecklistItem]:
    return list(
        db.session.execute(
            db.select(ChecklistItem)
            .where(ChecklistItem.tour_id == tour.id)
            .order_by(ChecklistItem.position, ChecklistItem.id)
        ).scalars()
    )


def _checked_item(title: str | None, offset: int | None) -> tuple[str, int]:
    errors = FieldErrors()
    title = (title or "").strip()
    if not title:
        errors.add("title", _("Donnez un intitulé à l’élément de la liste."))
    elif len(title) > TITLE_MAX:
        errors.add("title", _("L’intitulé ne doit pas dépasser %(n)d caractères.", n=TITLE_MAX))
    if offset is None:
        errors.add(
            "due_offset_days", _("Indiquez combien de jours avant l’étape (0 : le jour même).")
        )
    elif not 0 <= offset <= OFFSET_MAX:
        errors.add(
            "due_offset_days",
            _("L’échéance doit être entre 0 et %(n)d jours avant l’étape.", n=OFFSET_MAX),
        )
    errors.raise_if_any()
    assert offset is not None
    return title, offset


def add_checklist_item(tour: Tour, title: str | None, offset: int | None) -> ChecklistItem:
    """A new line at the end of the template (existing stops keep their tasks)."""
    title, offset = _checked_item(title, offset)
    last = db.session.execute(
        db.select(func.max(ChecklistItem.position)).where(ChecklistItem.tour_id == tour.id)
    ).scalar()
    item = ChecklistItem(tour=tour, title=title, due_offset_days=offset, position=(last or 0) + 1)
    db.session.add(item)
    db.session.flush()
    log.info("checklist item %s added to tour %s", item.id, tour.id)
    return item


def update_checklist_item(item: ChecklistItem, title: str | None, offset: int | None) -> None:
    item.title, item.due_offset_days = _checked_item(title, offset)
    db.session.flush()
    log.info("checklist item %s updated", item.id)


def delete_checklist_item(item: ChecklistItem) -> None:
    """The stops' tasks made from it stay: they are the stops' own now."""
    db.session.delete(item)
    db.session.flush()
    log.info("checklist item %s deleted", item.id)


def due_from_offset(stop: TourStop, offset: int) -> date:
    return stop.local_start.date() - timedelta(days=offset)


def add_checklist_tasks(stop: TourStop) -> list[Task]:
    """The tour's template as tasks of a new stop, each due its offset before the stop."""
    tasks = [
        Task(
            stop=stop,
            title=item.title,
            due_date=due_from_offset(stop, item.due_offset_days),
            from_template_offset=item.due_offset_days,
            position=item.position,
        )
        for item in checklist_of(stop.tour)
    ]
    db.session.add_all(tasks)
    return tasks


def follow_stop(stop: TourStop) -> None:
    """After the stop moved: the tasks due relative to it move with it."""
    for task in stop.tasks:
        if task.from_template_offset is not None:
            task.due_date = due_from_offset(stop, task.from_template_offset)


# --- tasks ----------------------------------------------------------------------------------


def possible_owners(stop: TourStop) -> list[User]:
    """Who may own a task of the stop: the organisers of its territory and the national team
    (admins and the national coordination), active accounts only."""
    from models import user_territories

    in_territory = db.select(user_territories.c.user_id).where(
        user_territories.c.territory_id == stop.territory_id
    )
    return list(
        db.session.execute(
            db.select(User)
            .where(
                User.active.is_(True),
                (User.role.in_([Role.ADMIN, Role.COORDINATOR])) | User.id.in_(in_territory),
            )
            .order_by(User.display_name)
        ).scalars()
    )


@dataclass
class TaskFields:
    title: str | None
    owner_id: int | None = None
    due_date: date | None = None
    status: str | None = TaskStatus.TODO.value
    notes: str = ""


def _resolve(stop: TourStop, fields: TaskFields) -> tuple[str, User | None, TaskStatus, str]:
    errors = FieldErrors()
    title = (fields.title or "").strip()
    if not title:
        errors.add("title", _("Donnez un intitulé à la tâche."))
    elif len(title) > TITLE_MAX:
        errors.add("title", _("L’intitulé ne doit pas dépasser %(n)d caractères.", n=TITLE_MAX))
    owner = None
    if fields.owner_id is not None:
        owner = next((u for u in possible_owners(stop) if u.id == fields.owner_id), None)
        if owner is None:
            errors.add(
                "owner_id",
                _(
                    "Choisissez comme responsable une personne de l’équipe de %(name)s ou de "
                    "l’équipe nationale.",
                    name=stop.territory.name,
                ),
            )
    try:
        status = TaskStatus(fields.status or "")
    except ValueError:
        errors.add("status", _("Statut inconnu : à faire, en cours, fait ou sans objet."))
        status = TaskStatus.TODO
    notes = (fields.notes or "").strip()
    if len(notes) > NOTES_MAX:
        errors.add("notes", _("Les notes ne doivent pas dépasser %(n)d caractères.", n=NOTES_MAX))
    errors.raise_if_any()
    return title, owner, status, notes


def create_task(stop: TourStop, fields: TaskFields) -> Task:
    title, owner, status, notes = _resolve(stop, fields)
    last = max((t.position for t in stop.tasks), default=0)
    task = Task(
        stop=stop,
        title=title,
        owner=owner,
        due_date=fields.due_date,
        status=status,
        notes=notes,
        position=last + 1,
    )
    db.session.add(task)
    db.session.flush()
    log.info("task %s added to stop %s", task.id, stop.id)
    return task


def update_task(task: Task, fields: TaskFields) -> Task:
    title, owner, status, notes = _resolve(task.stop, fields)
    task.title, task.owner, task.status, task.notes = title, owner, status, notes
    if fields.due_date != task.due_date:
        # A date chosen by hand no longer follows the stop.
        task.due_date = fields.due_date
        task.from_template_offset = None
    db.session.flush()
    log.info("task %s updated", task.id)
    return task


def set_task_status(task: Task, status: str | None) -> Task:
    try:
        task.status = TaskStatus(status or "")
    except ValueError:
        raise InvalidInput(
            {"status": [_("Statut inconnu : à faire, en cours, fait ou sans objet.")]}
        ) from None
    db.session.flush()
    log.info("task %s is now %s", task.id, task.status)
    return task


def delete_task(task: Task) -> None:
    db.session.delete(task)
    db.session.flush()
    log.info("task %s deleted", task.id)


# --- progress ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    overdue: int


def progress_by_stop(stop_ids: list[int], today: date) -> dict[int, Progress]:
    """Every stop's progress in one grouped query (the board shows it for each stop)."""
    if not stop_ids:
        return {}
    closed = Task.status.in_(CLOSED_TASK_STATUSES)
    rows = db.session.execute(
        db.select(
            Task.stop_id,
            func.count(Task.id),
            func.sum(case((closed, 1), else_=0)),
            func.sum(case((~closed & (Task.due_date < today), 1), else_=0)),
        )
        .where(Task.stop_id.in_(stop_ids))
        .group_by(Task.stop_id)
    )
    return {
        stop_id: Progress(int(done or 0), total, int(late or 0))
        for stop_id, total, done, late in rows
    }


def tasks_of(user: User, today: date) -> list[Task]:
    """A person's tasks across the tours: open ones first, the overdue at the very top, then
    by due date; finished ones last."""
    from sqlalchemy.orm import selectinload

    closed = Task.status.in_(CLOSED_TASK_STATUSES)
    overdue = ~closed & (Task.due_date < today)
    return list(
        db.session.execute(
            db.select(Task)
            .where(Task.owner_id == user.id)
            .options(selectinload(Task.stop).selectinload(TourStop.territory))
            .order_by(
                case((overdue, 0), (closed, 2), else_=1),
                Task.due_date.is_(None),
                Task.due_date,
                Task.id,
            )
        ).scalars()
    )
