"""The organisers' planning board: the tour as a calendar and a list, stops to create and edit."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from blueprints.access import require, require_login
from blueprints.board.forms import StopForm, StopStatusForm
from blueprints.confirmation import unless_confirmed, warning_of
from blueprints.form_helpers import Refusal, attempt, attempt_or_abort, month_asked
from extensions import db
from models import NotificationMode, StopStatus, Territory, Tour, TourStop
from services.calendar.private_feeds import feed_link_of, organiser_feed_link, regenerate
from services.collaboration.tasks import progress_by_stop
from services.local_time import ambiguity_notices, short_when, today_in_france
from services.permissions import (
    can_edit_territory,
    can_manage_stop,
    can_publish,
    editable_territory_ids,
)
from services.planning import tours
from services.planning.month_grid import month_grid
from services.planning.stops import create_stop, set_stop_status, update_stop
from services.planning.warnings import tour_warnings, warnings_by_stop, warnings_for_stop
from services.urls import absolute_url

bp = Blueprint("board", __name__)
# Every page of the board is for signed-in organisers.
bp.before_request(require_login)


def _tour_or_404(slug: str) -> Tour:
    return tours.tour_by_slug(slug) or abort(404)


def _not_your_territory(territory: Territory) -> str:
    return _(
        "Vous ne pouvez planifier que les étapes de vos territoires (%(name)s n’en fait "
        "pas partie).",
        name=territory.name,
    )


def _require_territory_editor(territory: Territory) -> None:
    require(can_edit_territory, territory, message=_not_your_territory(territory))


def _require_stop_manager(stop: TourStop) -> None:
    require(can_manage_stop, stop, message=_not_your_territory(stop.territory))


@bp.get("/")
def index():
    tour = tours.current_tour(today_in_france())
    if tour is None:
        abort(404, description=_("Aucune tournée n’existe encore."))
    return redirect(url_for("board.tour", slug=tour.slug))


@bp.get("/profile")
def profile():
    link = feed_link_of(user=current_user)
    private_feed_url = absolute_url("calendar.private", token=link.token) if link else None
    page = render_template(
        "board/profile.html",
        private_feed_url=private_feed_url,
        wishes_tour=tours.current_tour(today_in_france()),
        notification_modes=list(NotificationMode),
    )
    return page, 200, {"Cache-Control": "private, no-store"}


@bp.post("/profile/calendar/regenerate")
def regenerate_calendar():
    question = unless_confirmed(
        _("Remplacer le lien de votre agenda privé ?"),
        warning_of("regenerate_link"),
        _("Oui, créer un nouveau lien"),
        url_for("board.profile", _anchor="mon-agenda"),
    )
    if question is not None:
        return question
    regenerate(organiser_feed_link(current_user))
    flash(_("Nouveau lien d’agenda créé : l’ancien ne fonctionne plus."), "success")
    return redirect(url_for("board.profile", _anchor="mon-agenda"))


@bp.get("/tours/<slug>/")
def tour(slug: str):
    tour = _tour_or_404(slug)
    stops = tours.tour_stops(tour, include_drafts=True)
    year, month = month_asked(stops, tour)
    unscheduled = tours.unscheduled_territories(tour)
    warnings = tour_warnings(stops, tour.principal)
    return render_template(
        "board/tour.html",
        tour=tour,
        stops=stops,
        grid=month_grid(year, month, stops, tour.start_date, tour.end_date),
        warnings=warnings,
        warnings_by_stop=warnings_by_stop(warnings),
        stops_by_id={s.id: s for s in stops},
        cancel_message=_cancel_message,
        unscheduled=unscheduled,
        editable_ids=editable_territory_ids(
            current_user, [s.territory for s in stops] + unscheduled
        ),
        status_form=StopStatusForm(),
        can_publish=can_publish(current_user),
        progress=progress_by_stop([s.id for s in stops], today_in_france()),
    )


def _prepare_stop_form(form: StopForm, tour: Tour, stop: TourStop | None) -> None:
    """Territory and host choices: the territories this person may plan, and their collectives."""
    territories = [t for t in tours.all_territories() if can_edit_territory(current_user, t)]
    if stop is not None and stop.territory not in territories:
        territories.append(stop.territory)
    form.territory_id.choices = [SelectChoice("", _("— Choisir un territoire —"))] + [
        SelectChoice(t.id, t.name, render_kw=_coordinates_of(t)) for t in territories
    ]
    organisations = tours.organisations_by_territory()
    form.host_organisation_id.choices = [SelectChoice("", _("— Aucune —"))] + [
        SelectChoice(o.id, o.name, optgroup=t.name)
        for t in territories
        for o in organisations.get(t.id, [])
    ]


def _coordinates_of(territory: Territory) -> dict:
    """The territory's position on its option, for the map of the form (static/js/stop-map.js)."""
    if territory.coordinates is None:
        return {}
    return {"data-latitude": territory.latitude, "data-longitude": territory.longitude}


def _render_stop_form(form, tour, stop, status=200, conflict=None):
    stops = tours.tour_stops(tour, include_drafts=True)
    warnings = warnings_for_stop(tour_warnings(stops, tour.principal), stop.id) if stop else []
    return (
        render_template(
            "board/stop_form.html",
            form=form,
            tour=tour,
            stop=stop,
            warnings=warnings,
            conflict=conflict,
        ),
        status,
    )


def _flash_saved(stop: TourStop, message: str) -> None:
    flash(message, "success")
    for notice in ambiguity_notices(stop.territory.timezone, stop.starts_at, stop.ends_at):
        flash(notice, "warning")
    stops = tours.tour_stops(stop.tour, include_drafts=True)
    count = len(warnings_for_stop(tour_warnings(stops, stop.tour.principal), stop.id))
    if count:
        # Said in full once, in the board's warnings panel; the message only points to it.
        flash(
            ngettext(
                "Cette étape a %(num)d avertissement de planification : voir le panneau des "
                "avertissements en haut du tableau.",
                "Cette étape a %(num)d avertissements de planification : voir le panneau des "
                "avertissements en haut du tableau.",
                count,
            ),
            "warning",
        )


def _back_to_board(stop: TourStop):
    """The board, its calendar on the stop's month, scrolled to the stop."""
    local = stop.local_start
    return redirect(
        url_for(
            "board.tour",
            slug=stop.tour.slug,
            mois=f"{local.year:04d}-{local.month:02d}",
            _anchor=f"stop-{stop.id}",
        )
    )


def _chosen_territory(form: StopForm) -> Territory | None:
    territory_id = form.territory_id.data
    return db.session.get(Territory, territory_id) if territory_id else None


@bp.route("/tours/<slug>/stops/new", methods=["GET", "POST"])
def new_stop(slug: str):
    tour = _tour_or_404(slug)
    form = StopForm()
    _prepare_stop_form(form, tour, None)
    if request.method == "GET":
        territory_slug = request.args.get("territoire")
        if territory_slug:
            territory = tours.territory_by_slug(territory_slug)
            if territory is None:
                abort(404, description=_("Territoire inconnu."))
            _require_territory_editor(territory)
            form.territory_id.data = territory.id
            # Where the stop is until the organiser moves it: the territory itself.
            form.latitude.data, form.longitude.data = territory.latitude, territory.longitude
        return _render_stop_form(form, tour, None)
    if not form.validate():
        return _render_stop_form(form, tour, None, 400)
    territory = _chosen_territory(form)
    if territory is not None:
        _require_territory_editor(territory)
    stop = attempt(lambda: create_stop(tour, form.to_fields(), current_user), form)
    if isinstance(stop, Refusal):
        return _render_stop_form(form, tour, None, stop.status)
    _flash_saved(
        stop,
        _(
            "Étape de %(name)s créée en brouillon. Confirmez-la pour la publier.",
            name=stop.territory.name,
        ),
    )
    return _back_to_board(stop)


@bp.route("/stops/<int:stop_id>/edit", methods=["GET", "POST"])
def edit_stop(stop_id: int):
    stop = db.get_or_404(TourStop, stop_id)
    _require_stop_manager(stop)
    tour = stop.tour
    form = StopForm(obj=None if request.method == "POST" else _StopFormData(stop))
    _prepare_stop_form(form, tour, stop)
    if request.method == "GET":
        return _render_stop_form(form, tour, stop)
    if not form.validate():
        return _render_stop_form(form, tour, stop, 400)
    territory = _chosen_territory(form)
    if territory is not None and territory.id != stop.territory_id:
        _require_territory_editor(territory)
    refusal = attempt(
        lambda: update_stop(stop, form.to_fields(), form.expected_version(), current_user),
        form,
        edited=stop,
    )
    if isinstance(refusal, Refusal):
        return _render_stop_form(form, tour, stop, refusal.status, conflict=refusal.conflict)
    _flash_saved(stop, _("Étape de %(name)s enregistrée.", name=stop.territory.name))
    return _back_to_board(stop)


class _StopFormData:
    """A stop seen as the form's fields, in the territory's local time."""

    def __init__(self, stop: TourStop):
        start, end = stop.local_start, stop.local_end
        self.territory_id = stop.territory_id
        self.day = start.date()
        self.start_time = start.time().replace(tzinfo=None)
        self.end_time = end.time().replace(tzinfo=None)
        self.end_day = end.date() if end.date() != start.date() else None
        self.venue_name = stop.venue_name
        self.address = stop.address
        self.latitude = stop.latitude
        self.longitude = stop.longitude
        self.host_organisation_id = stop.host_organisation_id
        self.description = stop.description
        self.version = stop.version


STATUS_MESSAGES = {
    StopStatus.CONFIRMED: _l("Étape de %(name)s confirmée : elle est maintenant publique."),
    StopStatus.CANCELLED: _l("Étape de %(name)s annulée : elle reste affichée comme annulée."),
    StopStatus.DRAFT: _l("Étape de %(name)s repassée en brouillon : elle n’est plus publique."),
}


def _cancel_message(stop: TourStop) -> str:
    return _(
        "L’étape de %(name)s (%(when)s) restera affichée comme annulée sur les pages publiques "
        "et dans les agendas abonnés. Vous pourrez la repasser en brouillon ensuite.",
        name=stop.territory.name,
        when=short_when(stop.starts_at, stop.territory.timezone),
    )


@bp.post("/stops/<int:stop_id>/status")
def change_stop_status(stop_id: int):
    stop = db.get_or_404(TourStop, stop_id)
    _require_stop_manager(stop)
    form = StopStatusForm()
    if not form.validate():
        abort(400, description=_("Statut inconnu : choisissez confirmée, annulée ou brouillon."))
    status = StopStatus(form.status.data)
    if status is StopStatus.CANCELLED and (
        question := unless_confirmed(
            _("Annuler l’étape de %(name)s ?", name=stop.territory.name),
            _cancel_message(stop),
            _("Oui, annuler l’étape"),
            url_for("board.tour", slug=stop.tour.slug, _anchor=f"stop-{stop.id}"),
        )
    ):
        return question
    attempt_or_abort(lambda: set_stop_status(stop, status, form.version.data, current_user))
    flash(STATUS_MESSAGES[status] % {"name": stop.territory.name}, "success")
    return _back_to_board(stop)


# The pages of a territory's hosting wishes register on bp (imported last: they import bp).
from blueprints.board import itinerary as _itinerary  # noqa: E402, F401
from blueprints.board import tasks as _tasks  # noqa: E402, F401
from blueprints.board import wishes as _wishes  # noqa: E402, F401
