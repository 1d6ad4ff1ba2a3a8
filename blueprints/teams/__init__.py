"""Territories' teams: the list of every team (admins, national coordination), one
territory's team with its invitations (its leads), and the invitation link an invitee opens."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from blueprints.access import require, require_login
from blueprints.confirmation import unless_confirmed
from blueprints.form_helpers import Refusal, attempt, attempt_or_abort
from blueprints.teams.forms import AcceptForm, EmptyForm, InvitationForm, RoleForm
from extensions import db
from models import TeamInvitation, TeamRole, Territory, User
from services.accounts.users import user_by_email
from services.collaboration import teams
from services.permissions import can_manage_team, can_see_all_teams, can_see_team
from services.planning import tours

bp = Blueprint("teams", __name__)

TEAM_PAGE = "/board/territories/<slug>/equipe"


def _territory(slug: str) -> Territory:
    territory = tours.territory_by_slug(slug)
    if territory is None:
        abort(404, description=_("Territoire inconnu."))
    return territory


def _require_manager(territory: Territory) -> None:
    require(
        can_manage_team,
        territory,
        message=_(
            "Seul·es les responsables de %(name)s et la coordination nationale gèrent son équipe.",
            name=territory.name,
        ),
    )


def _team_url(territory: Territory, anchor: str | None = None) -> str:
    return url_for("teams.team", slug=territory.slug, _anchor=anchor)


@bp.get("/board/equipes")
def all_teams():
    require(
        can_see_all_teams,
        message=_(
            "Seules la coordination nationale et l’administration voient toutes les équipes."
        ),
    )
    return render_template("teams/all.html", teams=teams.all_teams())


def _render_team(territory: Territory, form: InvitationForm | None = None, status: int = 200):
    page = render_template(
        "teams/team.html",
        team=teams.team_of(territory),
        territory=territory,
        form=form or InvitationForm(formdata=None),
        role_form=RoleForm(formdata=None),
        manageable=can_manage_team(current_user, territory),
        roles=list(TeamRole),
        all_teams_link=can_see_all_teams(current_user),
    )
    return page, status, {"Cache-Control": "private, no-store"}


@bp.get(TEAM_PAGE)
def team(slug: str):
    require_login()  # visitors: login first, whether the territory exists hidden
    territory = _territory(slug)
    require(
        can_see_team,
        territory,
        message=_("Seule l’équipe de %(name)s voit cette page.", name=territory.name),
    )
    return _render_team(territory)


@bp.post(TEAM_PAGE + "/invitations")
def invite(slug: str):
    require_login()
    territory = _territory(slug)
    _require_manager(territory)
    form = InvitationForm()
    if not form.validate():
        return _render_team(territory, form, 400)
    outcome = attempt(
        lambda: teams.invite(territory, form.email.data, TeamRole(form.role.data), current_user),
        form,
    )
    if isinstance(outcome, Refusal):
        return _render_team(territory, form, outcome.status)
    flash(_("Invitation envoyée à %(email)s (valable 7 jours).", email=outcome.email), "success")
    return redirect(_team_url(territory, "invitations"))


def _invitation_of(territory: Territory, invitation_id: int) -> TeamInvitation:
    invitation = db.get_or_404(TeamInvitation, invitation_id)
    if invitation.territory_id != territory.id:
        abort(404)
    return invitation


@bp.post(TEAM_PAGE + "/invitations/<int:invitation_id>/revoke")
def revoke(slug: str, invitation_id: int):
    require_login()
    territory = _territory(slug)
    _require_manager(territory)
    invitation = _invitation_of(territory, invitation_id)
    if not EmptyForm().validate():
        abort(400, description=_("Formulaire expiré : rechargez la page et recommencez."))
    question = unless_confirmed(
        _("Annuler l’invitation de %(email)s ?", email=invitation.email),
        _("Le lien envoyé cessera aussitôt de fonctionner."),
        _("Oui, annuler l’invitation"),
        _team_url(territory, "invitations"),
    )
    if question is not None:
        return question
    attempt_or_abort(lambda: teams.revoke(invitation, current_user))
    flash(_("Invitation de %(email)s annulée.", email=invitation.email), "success")
    return redirect(_team_url(territory, "invitations"))


def _member_of(territory: Territory, user_id: int) -> User:
    member = db.get_or_404(User, user_id)
    if member.team_role_in(territory.id) is None:
        abort(404, description=_("Cette personne ne fait pas partie de l’équipe."))
    return member


@bp.post(TEAM_PAGE + "/membres/<int:user_id>/role")
def change_role(slug: str, user_id: int):
    require_login()
    territory = _territory(slug)
    _require_manager(territory)
    member = _member_of(territory, user_id)
    form = RoleForm()
    if not form.validate():
        abort(
            400, description=_("Rôle inconnu : choisissez responsable, membre ou observateur·rice.")
        )
    role = TeamRole(form.role.data)
    attempt_or_abort(lambda: teams.change_role(member, territory, role, current_user))
    flash(
        _("%(name)s est maintenant %(role)s.", name=member.display_name, role=role.label), "success"
    )
    return redirect(_team_url(territory, "membres"))


@bp.post(TEAM_PAGE + "/membres/<int:user_id>/remove")
def remove_member(slug: str, user_id: int):
    require_login()
    territory = _territory(slug)
    _require_manager(territory)
    member = _member_of(territory, user_id)
    if not EmptyForm().validate():
        abort(400, description=_("Formulaire expiré : rechargez la page et recommencez."))
    question = unless_confirmed(
        _(
            "Retirer %(name)s de l’équipe de %(territory)s ?",
            name=member.display_name,
            territory=territory.name,
        ),
        _(
            "La personne garde son compte mais ne pourra plus planifier ni voir les "
            "discussions de ce territoire."
        ),
        _("Oui, retirer de l’équipe"),
        _team_url(territory, "membres"),
    )
    if question is not None:
        return question
    attempt_or_abort(lambda: teams.remove_member(member, territory, current_user))
    flash(_("%(name)s ne fait plus partie de l’équipe.", name=member.display_name), "success")
    return redirect(_team_url(territory, "membres"))


# --- the invitee's side ------------------------------------------------------------------


def _render_invitation(invitation: TeamInvitation, form: AcceptForm, status: int = 200):
    page = render_template(
        "teams/invitation.html",
        invitation=invitation,
        form=form,
        has_account=user_by_email(invitation.email) is not None,
    )
    return page, status, {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


def _refused(message: str, status: int):
    page = render_template("teams/invitation_refused.html", message=message)
    return page, status, {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    found = teams.invitation_by_token(token)
    refusal = teams.refusal_of(found)
    if refusal or found is None:
        return _refused(refusal or "", 404 if found is None else 410)
    form = AcceptForm()
    if current_user.is_authenticated:
        if not form.is_submitted():
            return _render_invitation(found, form)
        if not EmptyForm().validate():
            abort(400, description=_("Formulaire expiré : rechargez la page et recommencez."))
        attempt_or_abort(lambda: teams.accept_as(found, current_user))
        flash(
            _("Vous faites maintenant partie de l’équipe de %(name)s.", name=found.territory.name),
            "success",
        )
        return redirect(url_for("teams.team", slug=found.territory.slug))
    if not form.is_submitted():
        return _render_invitation(found, form)
    if not form.validate():
        return _render_invitation(found, form, 400)
    user = attempt(
        lambda: teams.accept_with_new_account(found, form.name.data, form.password.data),
        form,
    )
    if isinstance(user, Refusal):
        if user.status == 409:
            form.form_errors.append(user.message)
        return _render_invitation(found, form, user.status)
    login_user(user)
    flash(
        _(
            "Bienvenue, %(name)s : vous faites partie de l’équipe de %(territory)s.",
            name=user.display_name,
            territory=found.territory.name,
        ),
        "success",
    )
    return redirect(url_for("teams.team", slug=found.territory.slug))
