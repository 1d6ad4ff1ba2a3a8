"""The organisers' side of speakers: creating and editing records, availability windows,
private calendar links, merging duplicates and deleting records."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from blueprints.access import require, require_login
from blueprints.confirmation import unless_confirmed, warning_of
from blueprints.form_helpers import Refusal, attempt
from blueprints.speaker_admin.forms import AvailabilityForm, DeleteForm, MergeForm, SpeakerForm
from extensions import db
from models import Speaker, Territory
from services.calendar.private_feeds import regenerate, speaker_feed_link
from services.permissions import (
    can_edit_speakers,
    can_edit_territory,
    can_move_speaker,
    can_remove_speaker,
)
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
    update_speaker,
)

bp = Blueprint("speaker_admin", __name__, url_prefix="/board/speakers")
# Every page here is for signed-in organisers.
bp.before_request(require_login)


def _require_speaker_editor() -> None:
    require(
        can_edit_speakers,
        message=_("Seuls les organisateurs peuvent modifier les intervenant·es."),
    )


def _require_remover(speaker: Speaker) -> None:
    require(
        can_remove_speaker,
        speaker,
        message=_(
            "Seuls les administrateur·rice·s et les organisateurs du territoire de la fiche "
            "peuvent fusionner ou supprimer celle de %(name)s.",
            name=speaker.name,
        ),
    )


def _territory_choices(form: SpeakerForm, speaker: Speaker | None = None) -> None:
    """The territories this organiser may attach a speaker to, and the speaker's own."""
    current = speaker.territory if speaker is not None else None
    form.territory_id.choices = [SelectChoice("", _("— Aucun —"))] + [
        SelectChoice(t.id, t.name)
        for t in tours.all_territories()
        if can_edit_territory(current_user, t) or (current is not None and t.id == current.id)
    ]


def _require_territory_move(form: SpeakerForm, speaker: Speaker | None) -> None:
    territory_id = form.territory_id.data
    territory = db.session.get(Territory, territory_id) if territory_id else None
    if territory_id and territory is None:
        return  # unknown: the service says so on the field
    require(
        can_move_speaker,
        speaker,
        territory,
        message=_(
            "Vous ne pouvez rattacher une fiche qu’à l’un de vos territoires, ni la détacher "
            "d’un territoire qui n’est pas le vôtre."
        ),
    )


@bp.post("/<int:speaker_id>/calendar/regenerate", endpoint="regenerate_calendar")
def regenerate_calendar(speaker_id: int):
    _require_speaker_editor()
    speaker = db.get_or_404(Speaker, speaker_id)
    question = unless_confirmed(
        _("Remplacer le lien d’agenda privé de %(name)s ?", name=speaker.name),
        warning_of("regenerate_link"),
        _("Oui, créer un nouveau lien"),
        url_for("speakers.profile", speaker_id=speaker.id, _anchor="agenda-prive"),
    )
    if question is not None:
        return question
    regenerate(speaker_feed_link(speaker))
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
            "speaker_admin/form.html",
            form=form,
            speaker=speaker,
            conflict=conflict,
            availability_form=availability_form
            or (AvailabilityForm(formdata=None) if speaker else None),
        ),
        status,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    _require_speaker_editor()
    form = SpeakerForm()
    _territory_choices(form)
    if request.method == "GET":
        return _render_form(form)
    if not form.validate():
        return _render_form(form, status=400)
    _require_territory_move(form, None)
    speaker = attempt(lambda: create_speaker(form.to_fields()), form)
    if isinstance(speaker, Refusal):
        return _render_form(form, status=speaker.status)
    flash(_("Fiche de %(name)s créée.", name=speaker.name), "success")
    return redirect(url_for("speakers.profile", speaker_id=speaker.id))


@bp.route("/<int:speaker_id>/edit", methods=["GET", "POST"])
def edit(speaker_id: int):
    _require_speaker_editor()
    speaker = db.get_or_404(Speaker, speaker_id)
    form = SpeakerForm(obj=speaker if request.method == "GET" else None)
    _territory_choices(form, speaker)
    if request.method == "GET":
        return _render_form(form, speaker)
    if not form.validate():
        return _render_form(form, speaker, 400)
    _require_territory_move(form, speaker)
    refusal = attempt(
        lambda: update_speaker(speaker, form.to_fields(), form.expected_version()),
        form,
        edited=speaker,
    )
    if isinstance(refusal, Refusal):
        return _render_form(form, speaker, refusal.status, conflict=refusal.conflict)
    flash(_("Fiche de %(name)s enregistrée.", name=speaker.name), "success")
    return redirect(url_for("speakers.profile", speaker_id=speaker.id))


# Availability -----------------------------------------------------------------------------


@bp.post("/<int:speaker_id>/availability", endpoint="add_availability")
def add_availability_window(speaker_id: int):
    _require_speaker_editor()
    speaker = db.get_or_404(Speaker, speaker_id)
    availability_form = AvailabilityForm()
    speaker_form = SpeakerForm(formdata=None, obj=speaker)
    _territory_choices(speaker_form, speaker)
    if not availability_form.validate():
        return _render_form(speaker_form, speaker, 400, availability_form=availability_form)
    first_day = availability_form.first_day.data
    window = attempt(
        lambda: add_availability(
            speaker,
            availability_form.chosen_kind(),
            first_day,
            availability_form.last_day.data or first_day,
            availability_form.start_time.data,
            availability_form.end_time.data,
            availability_form.note.data or "",
        ),
        availability_form,
        aliases={"end_day": "last_day"},
    )
    if isinstance(window, Refusal):
        return _render_form(speaker_form, speaker, 400, availability_form=availability_form)
    flash(_("Disponibilité de %(name)s ajoutée.", name=speaker.name), "success")
    return redirect(url_for("speaker_admin.edit", speaker_id=speaker_id, _anchor="disponibilites"))


@bp.post(
    "/<int:speaker_id>/availability/<int:availability_id>/delete",
    endpoint="remove_availability",
)
def remove_availability_window(speaker_id: int, availability_id: int):
    _require_speaker_editor()
    speaker = db.get_or_404(Speaker, speaker_id)
    question = unless_confirmed(
        _("Retirer cette disponibilité de %(name)s ?", name=speaker.name),
        warning_of("remove_availability"),
        _("Oui, retirer"),
        url_for("speaker_admin.edit", speaker_id=speaker_id, _anchor="disponibilites"),
    )
    if question is not None:
        return question
    availability_form = AvailabilityForm(formdata=None)
    refusal = attempt(lambda: remove_availability(speaker, availability_id), availability_form)
    if isinstance(refusal, Refusal):
        speaker_form = SpeakerForm(formdata=None, obj=speaker)
        _territory_choices(speaker_form, speaker)
        return _render_form(speaker_form, speaker, 400, availability_form=availability_form)
    flash(_("Disponibilité de %(name)s retirée.", name=speaker.name), "success")
    return redirect(url_for("speaker_admin.edit", speaker_id=speaker_id, _anchor="disponibilites"))


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
    return render_template("speaker_admin/merge.html", form=form, speaker=speaker), status


@bp.route("/<int:speaker_id>/merge", methods=["GET", "POST"])
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
    form.duplicate_id.errors = []
    kept = attempt(lambda: merge_speakers(speaker, duplicate), form)
    if isinstance(kept, Refusal):
        return _render_merge(form, speaker, kept.status)
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


@bp.route("/<int:speaker_id>/delete", methods=["GET", "POST"])
def delete(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    _require_remover(speaker)
    form = DeleteForm()
    if request.method == "POST":
        form.validate()
        name = speaker.name
        deleted = attempt(lambda: delete_speaker(speaker, bool(form.confirm.data)), form)
        if not isinstance(deleted, Refusal):
            flash(_("Fiche de %(name)s supprimée.", name=name), "success")
            return redirect(url_for("speakers.index"))
    bookings = booking_count(speaker)
    engagements = engagements_of([speaker.id], include_drafts=True)[speaker.id]
    return (
        render_template(
            "speaker_admin/delete.html",
            form=form,
            speaker=speaker,
            bookings=bookings,
            engagements=engagements,
            # Listings at cancelled stops are not engagements any more, but are removed too.
            hidden_bookings=bookings - len(engagements),
        ),
        400 if form.confirm.errors else 200,
    )
