"""A stop's programme: its round tables with their ordered speakers, and its own speakers.
Organisers of the stop's territory (and admins) manage it; other organisers may look."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from blueprints.access import require, require_login
from blueprints.confirmation import unless_confirmed, warning_of
from blueprints.form_helpers import Refusal, attempt, attempt_or_abort, int_or_none
from blueprints.round_tables.forms import MoveForm, RoundTableForm, SpeakerRoleForm
from extensions import db
from models import RoundTable, TourStop
from services.local_time import ambiguity_notices
from services.permissions import can_manage_stop
from services.planning import round_tables as service
from services.planning import tours
from services.planning.speakers import all_speakers
from services.planning.warnings import tour_warnings

bp = Blueprint("round_tables", __name__)
# The programme editor is for signed-in organisers.
bp.before_request(require_login)


def _stop(stop_id: int) -> TourStop:
    return tours.visible_stop(stop_id, include_drafts=True) or abort(404)


def _require_editor(stop: TourStop) -> None:
    require(
        can_manage_stop,
        stop,
        message=_(
            "Seuls les organisateurs de %(name)s gèrent le programme de cette étape.",
            name=stop.territory.name,
        ),
    )


def _speaker_form(prefix: str) -> SpeakerRoleForm:
    form = SpeakerRoleForm(prefix=prefix)
    form.speaker_id.choices = [SelectChoice("", _("— Choisir —"))] + [
        SelectChoice(s.id, f"{s.name} — {s.title}" if s.title else s.name) for s in all_speakers()
    ]
    return form


def _table_form(table: RoundTable | None = None) -> RoundTableForm:
    form = RoundTableForm(obj=_TableFormData(table) if table and request.method == "GET" else None)
    form.challenge_id.choices = [SelectChoice("", _("— Aucun —"))] + [
        SelectChoice(c.id, c.name) for c in tours.all_challenges()
    ]
    return form


class _TableFormData:
    def __init__(self, table: RoundTable):
        self.title = table.title
        self.challenge_id = table.challenge_id
        self.day = table.local_start.date()
        self.start_time = table.local_start.time().replace(tzinfo=None)
        self.end_time = table.local_end.time().replace(tzinfo=None)
        self.room = table.room
        self.description = table.description
        self.version = table.version


def _warnings_about(stop: TourStop, round_table_id: int | None = None):
    stops = tours.tour_stops(stop.tour, include_drafts=True)
    warnings = tour_warnings(stops, stop.tour.principal)
    if round_table_id is None:
        return [w for w in warnings if stop.id in w.stop_ids]
    return [w for w in warnings if round_table_id in w.round_table_ids]


@bp.get("/stops/<int:stop_id>/programme")
def stop_programme(
    stop_id: int,
    speaker_form: SpeakerRoleForm | None = None,
    status: int = 200,
    task_form=None,
):
    from blueprints.board.task_forms import TaskStatusForm
    from blueprints.board.tasks import prepared_task_form
    from services.collaboration.activity import activity_of, sentence
    from services.collaboration.tasks import progress_by_stop
    from services.local_time import today_in_france

    stop = _stop(stop_id)
    editable = can_manage_stop(current_user, stop)
    today = today_in_france()
    return (
        render_template(
            "round_tables/stop_programme.html",
            stop=stop,
            editable=editable,
            speaker_form=speaker_form or _speaker_form("stop"),
            warnings=_warnings_about(stop),
            task_form=task_form
            or (prepared_task_form(stop, prefix="new-task") if editable else None),
            status_choices_form=TaskStatusForm(),
            progress=progress_by_stop([stop.id], today).get(stop.id),
            today=today,
            activity=activity_of(stop, limit=20),
            activity_sentence=sentence,
        ),
        status,
    )


@bp.post("/stops/<int:stop_id>/speakers")
def add_stop_speaker(stop_id: int):
    stop = _stop(stop_id)
    _require_editor(stop)
    form = _speaker_form("stop")
    if form.validate():
        link = attempt(
            lambda: service.add_stop_speaker(stop, form.speaker_id.data, form.role.data), form
        )
        if not isinstance(link, Refusal):
            flash(_("%(name)s intervient à l’étape.", name=link.speaker.name), "success")
            return redirect(url_for("round_tables.stop_programme", stop_id=stop_id))
    return stop_programme(stop_id, speaker_form=form, status=400)


@bp.post("/stops/<int:stop_id>/speakers/<int:link_id>/delete")
def remove_stop_speaker(stop_id: int, link_id: int):
    stop = _stop(stop_id)
    _require_editor(stop)
    question = unless_confirmed(
        _("Retirer cette intervention ?"),
        warning_of("remove_stop_speaker"),
        _("Oui, retirer"),
        url_for("round_tables.stop_programme", stop_id=stop_id),
    )
    if question is not None:
        return question
    attempt_or_abort(lambda: service.remove_stop_speaker(stop, link_id))
    flash(_("Intervention retirée du programme de l’étape."), "success")
    return redirect(url_for("round_tables.stop_programme", stop_id=stop_id))


def _render_table(stop, table, form, status=200, conflict=None, participant_form=None):
    return (
        render_template(
            "round_tables/round_table_form.html",
            stop=stop,
            table=table,
            form=form,
            conflict=conflict,
            participant_form=participant_form or _speaker_form("participant"),
            editable=can_manage_stop(current_user, stop),
            move_form=MoveForm(),
            warnings=_warnings_about(stop, table.id) if table else [],
        ),
        status,
    )


@bp.route("/stops/<int:stop_id>/round-tables/new", methods=["GET", "POST"])
def new(stop_id: int):
    stop = _stop(stop_id)
    _require_editor(stop)
    form = _table_form()
    if request.method == "GET":
        form.day.data = stop.local_start.date()
        return _render_table(stop, None, form)
    if not form.validate():
        return _render_table(stop, None, form, 400)
    table = attempt(lambda: service.create_round_table(stop, form.to_fields()), form)
    if isinstance(table, Refusal):
        return _render_table(stop, None, form, table.status)
    flash(
        _("Table ronde « %(title)s » créée. Ajoutez-y ses intervenant·es.", title=table.title),
        "success",
    )
    _flash_ambiguous_times(table)
    return redirect(url_for("round_tables.edit", table_id=table.id))


def _flash_ambiguous_times(table: RoundTable) -> None:
    """The saved times that happen twice that day (clocks going back): which one is kept."""
    for notice in ambiguity_notices(table.stop.territory.timezone, table.starts_at, table.ends_at):
        flash(notice, "warning")


def _table(table_id: int) -> tuple[RoundTable, TourStop]:
    table = db.get_or_404(RoundTable, table_id)
    return table, _stop(table.stop_id)


@bp.route("/round-tables/<int:table_id>/edit", methods=["GET", "POST"])
def edit(table_id: int):
    table, stop = _table(table_id)
    form = _table_form(table)
    if request.method == "GET":
        return _render_table(stop, table, form)
    _require_editor(stop)
    if not form.validate():
        return _render_table(stop, table, form, 400)
    refusal = attempt(
        lambda: service.update_round_table(table, form.to_fields(), int_or_none(form.version.data)),
        form,
        edited=table,
    )
    if isinstance(refusal, Refusal):
        return _render_table(stop, table, form, refusal.status, conflict=refusal.conflict)
    flash(_("Table ronde « %(title)s » enregistrée.", title=table.title), "success")
    _flash_ambiguous_times(table)
    return redirect(url_for("round_tables.edit", table_id=table.id))


@bp.post("/round-tables/<int:table_id>/delete")
def delete(table_id: int):
    table, stop = _table(table_id)
    _require_editor(stop)
    title = table.title
    question = unless_confirmed(
        _("Supprimer la table ronde « %(title)s » ?", title=title),
        warning_of("delete_round_table"),
        _("Oui, supprimer"),
        url_for("round_tables.edit", table_id=table_id),
    )
    if question is not None:
        return question
    service.delete_round_table(table)
    flash(_("Table ronde « %(title)s » supprimée.", title=title), "success")
    return redirect(url_for("round_tables.stop_programme", stop_id=stop.id))


@bp.post("/round-tables/<int:table_id>/participants")
def add_participant(table_id: int):
    table, stop = _table(table_id)
    _require_editor(stop)
    form = _speaker_form("participant")
    if form.validate():
        participant = attempt(
            lambda: service.add_participant(table, form.speaker_id.data, form.role.data), form
        )
        if not isinstance(participant, Refusal):
            flash(
                _("%(name)s ajouté·e à la table ronde.", name=participant.speaker.name), "success"
            )
            return redirect(url_for("round_tables.edit", table_id=table_id, _anchor="participants"))
    return _render_table(stop, table, _table_form(table), 400, participant_form=form)


@bp.post("/round-tables/<int:table_id>/participants/<int:participant_id>/delete")
def remove_participant(table_id: int, participant_id: int):
    table, stop = _table(table_id)
    _require_editor(stop)
    question = unless_confirmed(
        _("Retirer cette personne de la table ronde ?"),
        warning_of("remove_participant", title=table.title),
        _("Oui, retirer"),
        url_for("round_tables.edit", table_id=table_id, _anchor="participants"),
    )
    if question is not None:
        return question
    attempt_or_abort(lambda: service.remove_participant(table, participant_id))
    flash(_("Intervenant·e retiré·e de la table ronde."), "success")
    return redirect(url_for("round_tables.edit", table_id=table_id, _anchor="participants"))


@bp.post("/round-tables/<int:table_id>/participants/<int:participant_id>/move")
def move_participant(table_id: int, participant_id: int):
    table, stop = _table(table_id)
    _require_editor(stop)
    form = MoveForm()
    if not form.validate():
        abort(400, description=_("Sens inconnu : choisissez « monter » ou « descendre »."))
    offset = -1 if form.direction.data == "up" else 1
    attempt_or_abort(lambda: service.move_participant(table, participant_id, offset))
    return redirect(url_for("round_tables.edit", table_id=table_id, _anchor="participants"))
