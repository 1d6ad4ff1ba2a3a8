"""Speakers: public list and profiles; organisers create, edit, merge and delete them."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from blueprints.form_helpers import show_service_errors
from blueprints.speakers.forms import AvailabilityForm, DeleteForm, MergeForm, SpeakerForm
from extensions import db
from models import Speaker
from services.calendar.private_feeds import regenerate, speaker_feed_link
from services.errors import EditConflict, InvalidInput
from services.local_time import span, window_when
from services.permissions import can_edit_speakers, can_remove_speaker, can_see_drafts
from services.planning import tours
from services.planning.engagements import engagements_of
from services.planning.speakers import (
    add_availability,
    all_speakers,
    booking_count,
    create_speaker,
    delete_speaker,
    merge_speakers,
    remove_availability,
    search_speakers,
    update_speaker,
)
from services.planning.warnings import speakers_warnings
from services.text import render_markdown
from services.urls import absolute_url

bp = Blueprint("speakers", __name__)

# Beyond this, the page number is not a page anyone reached by following links (and its
# offset would overflow the database's integers).
MAX_PAGE = 1_000_000


# Formatting -------------------------------------------------------------------------------


@bp.context_processor
def speaker_helpers() -> dict:
    """In the speaker templates: engagement_when(e), in the stop's own time, and
    availability_when(w, zone), whole days shown as days."""
    return {
        "engagement_when": lambda e: span(e.starts_at, e.ends_at, e.stop.territory.timezone),
        "availability_when": lambda w, zone: window_when(w.starts_at, w.ends_at, zone),
    }


# Permissions and common steps -------------------------------------------------------------


def _require_speaker_editor() -> None:
    if not can_edit_speakers(current_user):
        abort(403, description=_("Seuls les organisateurs peuvent modifier les intervenant·es."))


def _require_remover(speaker: Speaker) -> None:
    if not can_remove_speaker(current_user, speaker):
        abort(
            403,
            description=_(
                "Seuls les administrateur·rice·s et les organisateurs du territoire de la fiche "
                "peuvent fusionner ou supprimer celle de %(name)s.",
                name=speaker.name,
            ),
        )


def _territory_choices(form: SpeakerForm) -> None:
    form.territory_id.choices = [SelectChoice("", _("— Aucun —"))] + [
        SelectChoice(t.id, t.name) for t in tours.all_territories()
    ]


def _page_number() -> int:
    raw = request.args.get("page", "1").strip()
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(
            400,
            description=_(
                "Numéro de page invalide : indiquez un nombre entier à partir de 1, par exemple "
                "?page=2."
            ),
        )
    return int(raw)


# Public pages -----------------------------------------------------------------------------


@bp.get("/speakers/")
def index():
    page = _page_number()
    q = request.args.get("q", "").strip()
    pagination = search_speakers(q, page)
    return render_template(
        "speakers/index.html",
        pagination=pagination,
        q=q,
        can_edit=can_edit_speakers(current_user),
    )


@bp.get("/speakers/<int:speaker_id>")
def profile(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    private_feed_url = None
    if can_edit_speakers(current_user):
        # Organisers see the speaker's private link, created on first view (hence the commit).
        link = speaker_feed_link(speaker)
        private_feed_url = absolute_url("calendar.private", token=link.token)
        db.session.commit()
    organiser = can_see_drafts(current_user)
    engagements = engagements_of([speaker.id], include_drafts=organiser)[speaker.id]
    return render_template(
        "speakers/profile.html",
        speaker=speaker,
        biography=render_markdown(speaker.biography),
        engagements=engagements,
        organiser=organiser,
        warnings=speakers_warnings([speaker]) if organiser else [],
        can_remove=can_remove_speaker(current_user, speaker),
        feed_url=absolute_url("calendar.speaker", speaker_id=speaker.id),
        private_feed_url=private_feed_url,
    )


@bp.post("/board/speakers/<int:speaker_id>/calendar/regenerate", endpoint="regenerate_calendar")
@login_required
def regenerate_calendar(speaker_id: int):
    _require_speaker_editor()
    speaker = db.get_or_404(Speaker, speaker_id)
    regenerate(speaker_feed_link(speaker))
    db.session.commit()
    flash(
        _(
            "Nouveau lien d’agenda privé pour %(name)s : l’ancien ne fonctionne plus. "
            "Transmettez-lui le nouveau.",
            name=speaker.name,
        ),
        "success",
    )
    return redirect(url_for("speakers.profile", speaker_id=speaker.id, _anchor="agenda-prive"))


# Creating and editing ---------------------------------------------------------------------


def _render_form(form, speaker=None, status=200, conflict=None, availability_form=None):
    return (
        render_template(
            "speakers/form.html",
            form=form,
            speaker=speaker,
            conflict=conflict,
            availability_form=availability_form
            or (AvailabilityForm(formdata=None) if speaker else None),
        ),
        status,
    )


@bp.route("/board/speakers/new", methods=["GET", "POST"])
@login_required
def new():
    _require_speaker_editor()
    form = SpeakerForm()
    _territory_choices(form)
    if request.method == "GET":
        return _render_form(form)
    if not form.validate():
        return _render_form(form, status=400)
    try:
        speaker = create_speaker(form.to_fields())
    except InvalidInput as exc:
        db.session.rollback()
        show_service_errors(form, exc.errors)
        return _render_form(form, status=400)
    db.session.commit()
    flash(_("Fiche de %(name)s créée.", name=speaker.name), "success")
    return redirect(url_for("speakers.profile", speaker_id=speaker.id))


@bp.route("/board/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
@login_required
def edit(speaker_id: int):
    _require_speaker_editor()
    speaker = db.get_or_404(Speaker, speaker_id)
    form = SpeakerForm(obj=speaker if request.method == "GET" else None)
    _territory_choices(form)
    if request.method == "GET":
        return _render_form(form, speaker)
    if not form.validate():
        return _render_form(form, speaker, 400)
    try:
        update_speaker(speaker, form.to_fields(), form.expected_version())
    except InvalidInput as exc:
        db.session.rollback()
        show_service_errors(form, exc.errors)
        return _render_form(form, db.get_or_404(Speaker, speaker_id), 400)
    except EditConflict as exc:
        db.session.rollback()
        current = db.get_or_404(Speaker, speaker_id)
        # Their input stays in the form; saving again now is a deliberate choice.
        form.version.data = str(current.version)
        return _render_form(form, current, 409, conflict=exc.message)
    db.session.commit()
    flash(_("Fiche de %(name)s enregistrée.", name=speaker.name), "success")
    return redirect(url_for("speakers.profile", speaker_id=speaker.id))


# Availability -----------------------------------------------------------------------------


@bp.post("/board/speakers/<int:speaker_id>/availability", endpoint="add_availability")
@login_required
def add_availability_window(speaker_id: int):
    _require_speaker_editor()
    speaker = db.get_or_404(Speaker, speaker_id)
    availability_form = AvailabilityForm()
    speaker_form = SpeakerForm(formdata=None, obj=speaker)
    _territory_choices(speaker_form)
    if not availability_form.validate():
        return _render_form(speaker_form, speaker, 400, availability_form=availability_form)
    first_day = availability_form.first_day.data
    try:
        add_availability(
            speaker,
            availability_form.chosen_kind(),
            first_day,
            availability_form.last_day.data or first_day,
            availability_form.start_time.data,
            availability_form.end_time.data,
            availability_form.note.data or "",
        )
    except InvalidInput as exc:
        db.session.rollback()
        show_service_errors(availability_form, exc.errors, {"end_day": "last_day"})
        speaker = db.get_or_404(Speaker, speaker_id)
        return _render_form(speaker_form, speaker, 400, availability_form=availability_form)
    db.session.commit()
    flash(_("Disponibilité de %(name)s ajoutée.", name=speaker.name), "success")
    return redirect(url_for("speakers.edit", speaker_id=speaker_id, _anchor="disponibilites"))


@bp.post(
    "/board/speakers/<int:speaker_id>/availability/<int:availability_id>/delete",
    endpoint="remove_availability",
)
@login_required
def remove_availability_window(speaker_id: int, availability_id: int):
    _require_speaker_editor()
    speaker = db.get_or_404(Speaker, speaker_id)
    try:
        remove_availability(speaker, availability_id)
    except InvalidInput as exc:
        db.session.rollback()
        speaker = db.get_or_404(Speaker, speaker_id)
        speaker_form = SpeakerForm(formdata=None, obj=speaker)
        _territory_choices(speaker_form)
        availability_form = AvailabilityForm(formdata=None)
        show_service_errors(availability_form, exc.errors)
        return _render_form(speaker_form, speaker, 400, availability_form=availability_form)
    db.session.commit()
    flash(_("Disponibilité de %(name)s retirée.", name=speaker.name), "success")
    return redirect(url_for("speakers.edit", speaker_id=speaker_id, _anchor="disponibilites"))


# Merging and deleting ---------------------------------------------------------------------


def _render_merge(form: MergeForm, speaker: Speaker, status: int = 200):
    form.duplicate_id.choices = [SelectChoice("", _("— Choisir une fiche —"))] + [
        SelectChoice(
            other.id,
            " – ".join(part for part in (other.name, other.organisation) if part),
        )
        for other in all_speakers()
        if other.id != speaker.id
    ]
    return render_template("speakers/merge.html", form=form, speaker=speaker), status


@bp.route("/board/speakers/<int:speaker_id>/merge", methods=["GET", "POST"])
@login_required
def merge(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    _require_remover(speaker)
    form = MergeForm()
    if request.method == "GET":
        return _render_merge(form, speaker)
    form.validate()
    duplicate_id = form.duplicate_id.data
    duplicate = db.session.get(Speaker, duplicate_id) if duplicate_id else None
    if duplicate is None:
        form.duplicate_id.errors = [_("Choisissez dans la liste la fiche en double à fusionner.")]
        return _render_merge(form, speaker, 400)
    # The duplicate disappears: merging needs the right to delete it too.
    _require_remover(duplicate)
    duplicate_name = duplicate.name
    try:
        kept = merge_speakers(speaker, duplicate)
    except InvalidInput as exc:
        db.session.rollback()
        form.duplicate_id.errors = []
        show_service_errors(form, exc.errors)
        return _render_merge(form, db.get_or_404(Speaker, speaker_id), 400)
    db.session.commit()
    flash(
        _(
            "Fiches fusionnées : les interventions et disponibilités de « %(duplicate)s » sont "
            "maintenant sur la fiche de %(name)s.",
            duplicate=duplicate_name,
            name=kept.name,
        ),
        "success",
    )
    return redirect(url_for("speakers.profile", speaker_id=kept.id))


@bp.route("/board/speakers/<int:speaker_id>/delete", methods=["GET", "POST"])
@login_required
def delete(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    _require_remover(speaker)
    form = DeleteForm()
    bookings = booking_count(speaker)
    if request.method == "POST":
        form.validate()
        if bookings and not form.confirm.data:
            form.confirm.errors = [
                _(
                    "Cochez la case pour confirmer : %(name)s est programmé·e et sera retiré·e "
                    "des programmes.",
                    name=speaker.name,
                )
            ]
        else:
            name = speaker.name
            delete_speaker(speaker)
            db.session.commit()
            flash(_("Fiche de %(name)s supprimée.", name=name), "success")
            return redirect(url_for("speakers.index"))
    engagements = engagements_of([speaker.id], include_drafts=True)[speaker.id]
    return (
        render_template(
            "speakers/delete.html",
            form=form,
            speaker=speaker,
            bookings=bookings,
            engagements=engagements,
            # Listings at cancelled stops are not engagements any more, but are removed too.
            hidden_bookings=bookings - len(engagements),
        ),
        400 if form.confirm.errors else 200,
    )
