"""Checklists, tasks and the activity log on the board: a tour's checklist template, each
stop's tasks, *Mes tâches*, the tour's activity feed and its CSV."""

import csv
import io
from dataclasses import dataclass

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from blueprints.access import require
from blueprints.board import _tour_or_404, bp
from blueprints.board.task_forms import ChecklistItemForm, TaskForm, TaskStatusForm
from blueprints.confirmation import unless_confirmed, warning_of
from blueprints.form_helpers import Refusal, attempt, attempt_or_abort, int_or_none
from extensions import db
from models import ChecklistItem, Task, Tour, TourStop, User
from services.collaboration import activity
from services.collaboration import tasks as service
from services.local_time import today_in_france
from services.permissions import can_edit_checklist, can_manage_stop, can_see_activity
from services.planning import tours

PER_PAGE = 50


# --- the checklist template -------------------------------------------------------------


def _require_checklist_editor() -> None:
    require(
        can_edit_checklist,
        message=_(
            "Seules la coordination nationale et les administrateur·rice·s modifient la liste."
        ),
    )


def _render_checklist(tour: Tour, form: ChecklistItemForm | None = None, status: int = 200):
    return (
        render_template(
            "board/checklist.html",
            tour=tour,
            items=service.checklist_of(tour),
            form=form or ChecklistItemForm(),
            editable=can_edit_checklist(current_user),
        ),
        status,
    )


@bp.get("/tours/<slug>/checklist")
def checklist(slug: str):
    return _render_checklist(_tour_or_404(slug))


@bp.post("/tours/<slug>/checklist/new")
def add_checklist_item(slug: str):
    tour = _tour_or_404(slug)
    _require_checklist_editor()
    form = ChecklistItemForm()
    if not form.validate():
        return _render_checklist(tour, form, 400)
    outcome = attempt(
        lambda: service.add_checklist_item(tour, form.title.data, form.due_offset_days.data), form
    )
    if isinstance(outcome, Refusal):
        return _render_checklist(tour, form, outcome.status)
    flash(_("« %(title)s » ajouté à la liste des étapes à venir.", title=outcome.title), "success")
    return redirect(url_for("board.checklist", slug=tour.slug))


def _item(slug: str, item_id: int) -> tuple[Tour, ChecklistItem]:
    tour = _tour_or_404(slug)
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.tour_id != tour.id:
        abort(404)
    return tour, item


@bp.post("/tours/<slug>/checklist/<int:item_id>")
def update_checklist_item(slug: str, item_id: int):
    tour, item = _item(slug, item_id)
    _require_checklist_editor()
    form = ChecklistItemForm()
    if not form.validate():
        abort(400, description=_("Indiquez un intitulé et un nombre de jours de 0 à 365."))
    attempt_or_abort(
        lambda: service.update_checklist_item(item, form.title.data, form.due_offset_days.data)
    )
    flash(_("Élément « %(title)s » enregistré.", title=item.title), "success")
    return redirect(url_for("board.checklist", slug=tour.slug))


@bp.post("/tours/<slug>/checklist/<int:item_id>/delete")
def delete_checklist_item(slug: str, item_id: int):
    tour, item = _item(slug, item_id)
    _require_checklist_editor()
    question = unless_confirmed(
        _("Retirer « %(title)s » de la liste ?", title=item.title),
        warning_of("remove_checklist_item"),
        _("Oui, retirer"),
        url_for("board.checklist", slug=tour.slug),
    )
    if question is not None:
        return question
    title = item.title
    service.delete_checklist_item(item)
    flash(_("« %(title)s » retiré de la liste.", title=title), "success")
    return redirect(url_for("board.checklist", slug=tour.slug))


# --- a stop's tasks ---------------------------------------------------------------------


def _not_your_stop(stop: TourStop) -> str:
    return _(
        "Seules les personnes qui préparent l’étape de %(name)s gèrent ses tâches.",
        name=stop.territory.name,
    )


def _stop(stop_id: int) -> TourStop:
    return tours.visible_stop(stop_id, include_drafts=True) or abort(404)


def prepared_task_form(stop: TourStop, task: Task | None = None, prefix: str = "") -> TaskForm:
    form = TaskForm(obj=task if task and request.method == "GET" else None, prefix=prefix)
    form.owner_id.choices = [SelectChoice("", _("— Personne —"))] + [
        SelectChoice(u.id, u.display_name) for u in service.possible_owners(stop)
    ]
    if task is not None and request.method == "GET":
        form.status.data = task.status.value
    return form


def _tasks_url(stop: TourStop) -> str:
    return url_for("round_tables.stop_programme", stop_id=stop.id, _anchor="taches")


@bp.post("/stops/<int:stop_id>/tasks")
def add_task(stop_id: int):
    stop = _stop(stop_id)
    require(can_manage_stop, stop, message=_not_your_stop(stop))
    form = prepared_task_form(stop, prefix="new-task")
    if form.validate():
        outcome = attempt(lambda: service.create_task(stop, form.to_fields()), form)
        if not isinstance(outcome, Refusal):
            flash(_("Tâche « %(title)s » ajoutée.", title=outcome.title), "success")
            return redirect(_tasks_url(stop))
        status = outcome.status
    else:
        status = 400
    from blueprints.round_tables import stop_programme

    return stop_programme(stop.id, task_form=form, status=status)


def _task(task_id: int) -> Task:
    task = db.get_or_404(Task, task_id)
    require(can_manage_stop, task.stop, message=_not_your_stop(task.stop))
    return task


def _render_task(task: Task, form: TaskForm, status: int = 200):
    return render_template("board/task_form.html", task=task, stop=task.stop, form=form), status


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
def edit_task(task_id: int):
    task = _task(task_id)
    form = prepared_task_form(task.stop, task)
    if request.method == "GET":
        return _render_task(task, form)
    if not form.validate():
        return _render_task(task, form, 400)
    outcome = attempt(lambda: service.update_task(task, form.to_fields()), form)
    if isinstance(outcome, Refusal):
        return _render_task(task, form, outcome.status)
    flash(_("Tâche « %(title)s » enregistrée.", title=task.title), "success")
    return redirect(_tasks_url(task.stop))


@bp.post("/tasks/<int:task_id>/status")
def change_task_status(task_id: int):
    task = _task(task_id)
    form = TaskStatusForm()
    if not form.validate():
        abort(400, description=_("Statut inconnu : à faire, en cours, fait ou sans objet."))
    attempt_or_abort(lambda: service.set_task_status(task, form.status.data))
    flash(
        _("« %(title)s » : %(status)s.", title=task.title, status=task.status.label.lower()),
        "success",
    )
    back = request.form.get("retour")
    if back == "mes-taches":
        return redirect(url_for("board.my_tasks"))
    return redirect(_tasks_url(task.stop))


@bp.post("/tasks/<int:task_id>/delete")
def delete_task(task_id: int):
    task = _task(task_id)
    stop = task.stop
    question = unless_confirmed(
        _("Supprimer la tâche « %(title)s » ?", title=task.title),
        warning_of("delete_task"),
        _("Oui, supprimer"),
        _tasks_url(stop),
    )
    if question is not None:
        return question
    title = task.title
    service.delete_task(task)
    flash(_("Tâche « %(title)s » supprimée.", title=title), "success")
    return redirect(_tasks_url(stop))


@bp.get("/mes-taches")
def my_tasks():
    today = today_in_france()
    return render_template(
        "board/my_tasks.html",
        tasks=service.tasks_of(current_user, today),
        today=today,
        status_form=TaskStatusForm(),
        can_manage_stop=can_manage_stop,
    )


# --- the activity feed ------------------------------------------------------------------


@dataclass
class Page:
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self):
        shown = {1, self.pages, *range(max(1, self.page - 2), min(self.pages, self.page + 2) + 1)}
        previous = 0
        for n in sorted(shown):
            if n - previous > 1:
                yield None
            yield n
            previous = n


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    value = int_or_none(raw)
    if value is None:
        abort(400, description=_("Filtre invalide : « %(name)s » doit être un numéro.", name=name))
    return value


def activity_filter(tour: Tour | None) -> activity.ActivityFilter:
    """The filters of the query string: territoire, personne, type, etape, atelier."""
    kind = request.args.get("type", "").strip() or None
    if kind is not None and kind not in activity.kinds():
        abort(400, description=_("Type inconnu : choisissez un type de la liste."))
    return activity.ActivityFilter(
        tour_id=tour.id if tour else None,
        territory_id=_int_arg("territoire"),
        actor_id=_int_arg("personne"),
        object_type=kind,
        stop_id=_int_arg("etape"),
        workshop_id=_int_arg("atelier"),
    )


def page_asked() -> int:
    page = _int_arg("page")
    if page is None:
        return 1
    if page < 1:
        abort(400, description=_("Page invalide."))
    return page


def csv_response(wanted: activity.ActivityFilter, filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    for row in activity.csv_rows(wanted):
        writer.writerow(row)
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def render_feed(template: str, wanted: activity.ActivityFilter, **context):
    page = Page(page_asked(), PER_PAGE, activity.count(wanted))
    if page.page > page.pages:
        abort(404)
    entries = activity.entries(wanted, PER_PAGE, (page.page - 1) * PER_PAGE)
    people = db.session.execute(db.select(User).order_by(User.display_name)).scalars()
    page_html = render_template(
        template,
        entries=entries,
        page=page,
        wanted=wanted,
        kinds=activity.kinds(),
        people=list(people),
        territories=tours.all_territories(),
        args={k: v for k, v in request.args.items() if k != "page" and v},
        sentence=activity.sentence,
        **context,
    )
    return page_html, 200, {"Cache-Control": "private, no-store"}


@bp.get("/tours/<slug>/activite")
def tour_activity(slug: str):
    tour = _tour_or_404(slug)
    require(can_see_activity)
    wanted = activity_filter(tour)
    if request.args.get("format") == "csv":
        return csv_response(wanted, f"activite-{tour.slug}.csv")
    return render_feed("board/activity.html", wanted, tour=tour)
