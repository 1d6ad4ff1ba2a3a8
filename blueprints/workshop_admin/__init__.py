"""The organisers' side of cross-territory workshops: the tour's workshops, the form to
create and edit one (with the territories that share its challenge suggested first),
opening and cancelling it, its registrants and their export for Excel.

The host territory's organisers (and admins) manage a workshop; the organisers of the
other participating territories may see who registered."""

from datetime import UTC, datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from blueprints.access import require, require_login
from blueprints.confirmation import unless_confirmed, warning_of
from blueprints.form_helpers import Refusal, attempt, attempt_or_abort, int_or_none
from blueprints.template_helpers import stop_day
from blueprints.workshop_admin.forms import AttendanceForm, WorkshopForm
from extensions import db
from models import (
    Challenge,
    Registration,
    RegistrationStatus,
    Territory,
    Tour,
    TourStop,
    Workshop,
    WorkshopStatus,
)
from services.collaboration import activity
from services.local_time import ambiguity_notices
from services.mail.outbox import undeliverable_mails
from services.permissions import (
    can_edit_territory,
    can_export_registrants,
    can_manage_stop,
    can_manage_workshop,
    can_plan_in_any_territory,
    can_see_drafts,
    can_view_registrants,
    registrant_workshops,
)
from services.planning import tours
from services.planning.speakers import all_speakers
from services.publishing import spreadsheets
from services.registration import export as export_csv
from services.registration import registrations as registering
from services.registration import workshops as service

bp = Blueprint("workshop_admin", __name__)
# Workshop administration is for signed-in organisers.
bp.before_request(require_login)


def _tour_or_404(slug: str) -> Tour:
    return tours.tour_by_slug(slug) or abort(404)


def _workshop_or_404(workshop_id: int) -> Workshop:
    return service.workshop_for(workshop_id, include_drafts=True) or abort(404)


def _require_manager(workshop: Workshop) -> None:
    require(
        can_manage_workshop,
        workshop,
        message=_(
            "Seuls les organisateurs de %(name)s, territoire hôte de l’atelier, le gèrent.",
            name=workshop.host_territory.name,
        ),
    )


def _require_viewer(workshop: Workshop) -> None:
    require(
        can_view_registrants,
        workshop,
        message=_("Seuls les organisateurs des territoires de l’atelier voient ses inscrit·es."),
    )


def _require_stop_of_mine(stop_id: int | None, workshop: Workshop | None) -> None:
    """A workshop prints in the programme of its stop: only a stop one manages (keeping the
    stop it already has needs nothing more)."""
    stop = db.session.get(TourStop, stop_id) if stop_id else None
    if stop is None or (workshop is not None and workshop.stop_id == stop.id):
        return  # no stop, an unknown one (the service says so), or unchanged
    require(
        can_manage_stop,
        stop,
        message=_(
            "Vous ne pouvez rattacher un atelier qu’aux étapes de vos territoires (%(name)s "
            "n’en fait pas partie).",
            name=stop.territory.name,
        ),
    )


def _require_host_editor(territory_id: int | None) -> None:
    """Only a territory of one's own may host a workshop (admins: any)."""
    territory = db.session.get(Territory, territory_id) if territory_id else None
    if territory is not None:
        require(
            can_edit_territory,
            territory,
            message=_(
                "Vous ne pouvez organiser un atelier que dans vos territoires (%(name)s n’en "
                "fait pas partie).",
                name=territory.name,
            ),
        )


# --- the list ------------------------------------------------------------------------------


@bp.get("/tours/<slug>/workshops")
def index(slug: str):
    tour = _tour_or_404(slug)
    workshops = service.all_workshops(tour)
    ids = [w.id for w in workshops]
    return render_template(
        "workshop_admin/index.html",
        tour=tour,
        workshops=workshops,
        confirmed=registering.confirmed_counts(ids),
        waiting=registering.waitlist_counts(ids),
        can_create=can_plan_in_any_territory(current_user, tours.all_territories()),
        can_manage=can_manage_workshop,
        can_view=can_view_registrants,
        can_export_registrants=can_export_registrants(current_user, workshops),
        user=current_user,
    )


# --- the form ------------------------------------------------------------------------------


def _prepare_form(form: WorkshopForm, tour: Tour, workshop: Workshop | None) -> list[int]:
    """Choices of the form; the territories that share the chosen challenge come first.
    Returns their ids, to mark them."""
    territories = tours.all_territories()
    hosts = [t for t in territories if can_edit_territory(current_user, t)]
    if workshop is not None and workshop.host_territory not in hosts:
        hosts.append(workshop.host_territory)
    form.host_territory_id.choices = [SelectChoice("", _("— Choisir un territoire —"))] + [
        SelectChoice(t.id, t.name) for t in hosts
    ]
    form.challenge_id.choices = [SelectChoice("", _("— Choisir un défi —"))] + [
        SelectChoice(c.id, c.name) for c in tours.all_challenges()
    ]
    suggested = service.suggested_territories(form.challenge_id.data)
    suggested_ids = [t.id for t in suggested]
    others = [t for t in territories if t.id not in suggested_ids]
    form.territory_ids.choices = [SelectChoice(t.id, t.name) for t in suggested + others]
    current_stop_id = workshop.stop_id if workshop is not None else None
    form.stop_id.choices = [SelectChoice("", _("— Aucune —"))] + [
        SelectChoice(s.id, f"{s.territory.name} – {stop_day(s)}")
        for s in tours.tour_stops(tour, include_drafts=True)
        if can_manage_stop(current_user, s) or s.id == current_stop_id
    ]
    form.facilitator_ids.choices = [
        SelectChoice(s.id, f"{s.name} — {s.title}" if s.title else s.name) for s in all_speakers()
    ]
    return suggested_ids


def _check_suggestions(form: WorkshopForm, suggested_ids: list[int]) -> None:
    """Tick the suggested territories, keeping those already ticked."""
    checked = [i for i in form.territory_ids.data or [] if i is not None]
    form.territory_ids.data = checked + [i for i in suggested_ids if i not in checked]


def _render_form(form, tour, workshop, suggested_ids, status=200, conflict=None):
    return (
        render_template(
            "workshop_admin/workshop_form.html",
            form=form,
            tour=tour,
            workshop=workshop,
            suggested_ids=suggested_ids,
            conflict=conflict,
            activity=activity.activity_of(workshop) if workshop else None,
            activity_sentence=activity.sentence,
        ),
        status,
    )


def _chosen_challenge() -> int | None:
    """?defi=<challenge id> on the new form; an unknown challenge is a 404."""
    raw = request.args.get("defi", "").strip()
    if not raw:
        return None
    challenge_id = int_or_none(raw)
    if challenge_id is None or db.session.get(Challenge, challenge_id) is None:
        abort(404, description=_("Défi inconnu."))
    return challenge_id


@bp.route("/tours/<slug>/workshops/new", methods=["GET", "POST"])
def new(slug: str):
    tour = _tour_or_404(slug)
    form = WorkshopForm()
    if request.method == "GET":
        form.challenge_id.data = _chosen_challenge()
    suggested_ids = _prepare_form(form, tour, None)
    own = [c.value for c in form.host_territory_id.choices if c.value != ""]
    require(
        can_plan_in_any_territory,
        tours.all_territories(),
        message=_("Vous n’êtes organisateur·rice d’aucun territoire."),
    )
    if request.method == "GET":
        if len(own) == 1:
            form.host_territory_id.data = own[0]
        _check_suggestions(form, suggested_ids)
        return _render_form(form, tour, None, suggested_ids)
    if "suggest" in request.form:
        _check_suggestions(form, suggested_ids)
        return _render_form(form, tour, None, suggested_ids)
    if not form.validate():
        return _render_form(form, tour, None, suggested_ids, 400)
    _require_host_editor(form.host_territory_id.data)
    _require_stop_of_mine(form.stop_id.data, None)
    workshop = attempt(lambda: service.create_workshop(tour, form.to_fields()), form)
    if isinstance(workshop, Refusal):
        return _render_form(form, tour, None, suggested_ids, workshop.status)
    flash(
        _(
            "Atelier « %(title)s » créé en brouillon. Ouvrez-le pour le publier et prendre les "
            "inscriptions.",
            title=workshop.title,
        ),
        "success",
    )
    _flash_ambiguous_times(workshop)
    return redirect(url_for("workshop_admin.edit", workshop_id=workshop.id))


def _flash_ambiguous_times(workshop: Workshop) -> None:
    """The saved times that happen twice that day (clocks going back): which one is kept."""
    for notice in ambiguity_notices(
        workshop.zone_name,
        workshop.starts_at,
        workshop.ends_at,
        workshop.registration_opens_at,
        workshop.registration_closes_at,
    ):
        flash(notice, "warning")


class _WorkshopFormData:
    """A workshop seen as the form's fields, in the host territory's local time."""

    def __init__(self, workshop: Workshop):
        zone = workshop.host_territory.zone
        start, end = workshop.local_start, workshop.local_end
        self.title = workshop.title
        self.description = workshop.description
        self.challenge_id = workshop.challenge_id
        self.host_territory_id = workshop.host_territory_id
        self.territory_ids = [t.id for t in workshop.territories]
        self.stop_id = workshop.stop_id
        self.day = start.date()
        self.start_time = start.time().replace(tzinfo=None)
        self.end_time = end.time().replace(tzinfo=None)
        self.venue_name = workshop.venue_name
        self.address = workshop.address
        self.online_url = workshop.online_url
        self.capacity = workshop.capacity
        self.opens_day = self.opens_time = self.closes_day = self.closes_time = None
        if workshop.registration_opens_at:
            opens = workshop.registration_opens_at.astimezone(zone)
            self.opens_day, self.opens_time = opens.date(), opens.time().replace(tzinfo=None)
        if workshop.registration_closes_at:
            closes = workshop.registration_closes_at.astimezone(zone)
            self.closes_day, self.closes_time = closes.date(), closes.time().replace(tzinfo=None)
        self.facilitator_ids = [s.id for s in workshop.facilitators]
        self.version = workshop.version


@bp.route("/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
def edit(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    _require_manager(workshop)
    tour = workshop.tour
    form = WorkshopForm(obj=None if request.method == "POST" else _WorkshopFormData(workshop))
    suggested_ids = _prepare_form(form, tour, workshop)
    if request.method == "GET":
        return _render_form(form, tour, workshop, suggested_ids)
    if "suggest" in request.form:
        _check_suggestions(form, suggested_ids)
        return _render_form(form, tour, workshop, suggested_ids)
    if not form.validate():
        return _render_form(form, tour, workshop, suggested_ids, 400)
    if form.host_territory_id.data != workshop.host_territory_id:
        _require_host_editor(form.host_territory_id.data)
    _require_stop_of_mine(form.stop_id.data, workshop)
    refusal = attempt(
        lambda: service.update_workshop(workshop, form.to_fields(), form.expected_version()),
        form,
        edited=workshop,
    )
    if isinstance(refusal, Refusal):
        return _render_form(
            form, tour, workshop, suggested_ids, refusal.status, conflict=refusal.conflict
        )
    flash(_("Atelier « %(title)s » enregistré.", title=workshop.title), "success")
    _flash_ambiguous_times(workshop)
    return redirect(url_for("workshop_admin.registrants", workshop_id=workshop_id))


# --- opening and cancelling ----------------------------------------------------------------


@bp.post("/workshops/<int:workshop_id>/open", endpoint="open")
def open_workshop(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    _require_manager(workshop)
    if workshop.status == WorkshopStatus.OPEN:
        flash(_("Cet atelier est déjà ouvert."), "info")
        return redirect(url_for("workshop_admin.registrants", workshop_id=workshop_id))
    attempt_or_abort(lambda: service.open_workshop(workshop))
    flash(
        _(
            "Atelier « %(title)s » ouvert : il est public et prend les inscriptions.",
            title=workshop.title,
        ),
        "success",
    )
    return redirect(url_for("workshop_admin.registrants", workshop_id=workshop_id))


@bp.post("/workshops/<int:workshop_id>/cancel")
def cancel(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    _require_manager(workshop)
    if workshop.is_cancelled:
        flash(_("Cet atelier était déjà annulé."), "info")
        return redirect(url_for("workshop_admin.registrants", workshop_id=workshop_id))
    question = unless_confirmed(
        _("Annuler l’atelier « %(title)s » ?", title=workshop.title),
        warning_of("cancel_workshop"),
        _("Oui, annuler l’atelier"),
        url_for("workshop_admin.registrants", workshop_id=workshop_id),
    )
    if question is not None:
        return question
    told = service.cancel_workshop(workshop)
    flash(
        ngettext(
            "Atelier annulé : %(num)d personne inscrite est prévenue par e-mail.",
            "Atelier annulé : %(num)d personnes inscrites sont prévenues par e-mail.",
            told,
        ),
        "success",
    )
    return redirect(url_for("workshop_admin.registrants", workshop_id=workshop_id))


# --- registrants ---------------------------------------------------------------------------


@bp.get("/workshops/<int:workshop_id>/registrations")
def registrants(workshop_id: int, error: str | None = None, status: int = 200):
    workshop = _workshop_or_404(workshop_id)
    _require_viewer(workshop)
    rows = registering.registrants(workshop)
    counts = registering.status_counts(rows)
    return (
        render_template(
            "workshop_admin/registrants.html",
            workshop=workshop,
            rows=rows,
            counts=counts,
            manageable=can_manage_workshop(current_user, workshop),
            started=datetime.now(UTC) >= workshop.starts_at,
            undeliverable=undeliverable_mails(workshop.id),
            error=error,
        ),
        status,
    )


def _registration(registration_id: int) -> Registration:
    registration = db.get_or_404(Registration, registration_id)
    _require_manager(registration.workshop)
    return registration


def _registrants_url(registration: Registration) -> str:
    return url_for(
        "workshop_admin.registrants",
        workshop_id=registration.workshop_id,
        _anchor=f"registration-{registration.id}",
    )


def _back_to_registrants(registration: Registration):
    return redirect(_registrants_url(registration))


def _refused(workshop_id: int, refusal: Refusal):
    return registrants(workshop_id, error=refusal.message, status=refusal.status)


@bp.post("/registrations/<int:registration_id>/promote")
def promote(registration_id: int):
    registration = _registration(registration_id)
    workshop_id, name = registration.workshop_id, registration.name
    confirmed = attempt(lambda: registering.promote_now(registration))
    if isinstance(confirmed, Refusal):
        return _refused(workshop_id, confirmed)
    if confirmed:
        flash(_("%(name)s a une place : inscription confirmée.", name=name), "success")
    else:
        flash(
            _(
                "Atelier complet : %(name)s passe en tête de la liste d’attente et aura la "
                "prochaine place libérée.",
                name=name,
            ),
            "info",
        )
    return _back_to_registrants(registration)


@bp.post("/registrations/<int:registration_id>/cancel")
def cancel_registration(registration_id: int):
    registration = _registration(registration_id)
    workshop_id, name = registration.workshop_id, registration.name
    if registration.status == RegistrationStatus.CANCELLED:
        flash(_("Cette inscription était déjà annulée."), "info")
        return _back_to_registrants(registration)
    question = unless_confirmed(
        _("Annuler l’inscription de %(name)s ?", name=name),
        warning_of("cancel_registration"),
        _("Oui, annuler l’inscription"),
        _registrants_url(registration),
    )
    if question is not None:
        return question
    promoted = attempt(lambda: registering.cancel_registration(registration, datetime.now(UTC)))
    if isinstance(promoted, Refusal):
        return _refused(workshop_id, promoted)
    promoted_names = [p.name for p in promoted]
    flash(_("Inscription de %(name)s annulée ; un e-mail l’en informe.", name=name), "success")
    for promoted_name in promoted_names:
        flash(
            _("%(name)s quitte la liste d’attente : sa place est confirmée.", name=promoted_name),
            "info",
        )
    return _back_to_registrants(registration)


ATTENDANCE_MESSAGES = {
    True: _l("%(name)s : présent·e."),
    False: _l("%(name)s : absent·e."),
    None: _l("%(name)s : présence effacée."),
}


@bp.post("/registrations/<int:registration_id>/attendance")
def attendance(registration_id: int):
    registration = _registration(registration_id)
    form = AttendanceForm()
    if not form.validate():
        abort(400, description=_("Présence inconnue : choisissez présent·e, absent·e ou —."))
    attended = form.attended_value()
    registering.set_attendance(registration, attended)
    flash(ATTENDANCE_MESSAGES[attended] % {"name": registration.name}, "success")
    return _back_to_registrants(registration)


@bp.post("/registrations/<int:registration_id>/anonymise")
def anonymise(registration_id: int):
    registration = _registration(registration_id)
    workshop_id = registration.workshop_id
    question = unless_confirmed(
        _("Anonymiser l’inscription de %(name)s ?", name=registration.name),
        warning_of("anonymise"),
        _("Oui, anonymiser"),
        _registrants_url(registration),
    )
    if question is not None:
        return question
    anonymised = attempt(lambda: registering.anonymise(registration, datetime.now(UTC)))
    if isinstance(anonymised, Refusal):
        return _refused(workshop_id, anonymised)
    flash(
        _("Inscription anonymisée : la personne n’est plus identifiable, sa place reste comptée."),
        "success",
    )
    return _back_to_registrants(registration)


# --- export --------------------------------------------------------------------------------


@bp.get("/workshops/<int:workshop_id>/registrations.csv")
def export(workshop_id: int):
    """The registrants for French Excel (see services/registration/export)."""
    workshop = _workshop_or_404(workshop_id)
    _require_manager(workshop)
    filename = export_csv.registrants_filename(workshop)
    return Response(
        export_csv.registrants_csv(workshop),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(body: bytes, filename: str) -> Response:
    return Response(
        body,
        content_type=XLSX,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/tours/<slug>/programme.xlsx")
def programme_xlsx(slug: str):
    """The whole programme for a spreadsheet, drafts included (see
    services/publishing/spreadsheets)."""
    tour = _tour_or_404(slug)
    require(can_see_drafts, message=_("Seuls les organisateurs exportent le programme."))
    return _xlsx(spreadsheets.programme_workbook(tour), spreadsheets.programme_filename(tour))


@bp.get("/tours/<slug>/registrations.xlsx")
def registrations_xlsx(slug: str):
    """The registrants of the tour's workshops the reader may see, in one sheet."""
    tour = _tour_or_404(slug)
    workshops = service.all_workshops(tour)
    require(
        can_export_registrants,
        workshops,
        message=_(
            "Aucun atelier de cette tournée n’est accueilli par vos territoires : seul le "
            "territoire hôte exporte ses inscrit·es."
        ),
    )
    return _xlsx(
        spreadsheets.registrants_workbook(registrant_workshops(current_user, workshops)),
        spreadsheets.registrants_filename(tour),
    )
