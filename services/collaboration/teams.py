"""A territory's team: its members and their roles, and the invitations its leads send.

An invitation is a link valid INVITATION_VALIDITY (7 days); only its token's hash is kept.
The invitee opens it, sets a name and a password and gets an account in the team; an address
that already has an account signs in and gets the territory added. Revoked, expired or used
links are refused with the reason."""

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import delete, insert, select, update

from extensions import db
from models import (
    INVITATION_VALIDITY,
    Role,
    TeamInvitation,
    TeamMembership,
    TeamRole,
    Territory,
    User,
    hash_token,
    normalise_email,
    user_territories,
)
from models.types import could_be_token, new_token, utc_now
from services.accounts.users import create_user, user_by_email
from services.errors import ActionRefused, InvalidInput
from services.mail.outbox import queue_account_mail
from services.urls import absolute_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Team:
    territory: Territory
    memberships: list[TeamMembership]
    pending: list[TeamInvitation]


def team_of(territory: Territory, now: datetime | None = None) -> Team:
    now = now or utc_now()
    memberships = list(
        db.session.scalars(
            select(TeamMembership)
            .join(User, User.id == TeamMembership.user_id)
            .where(TeamMembership.territory_id == territory.id)
            .order_by(TeamMembership.team_role, User.display_name)
        )
    )
    invitations = db.session.scalars(
        select(TeamInvitation)
        .where(TeamInvitation.territory_id == territory.id)
        .order_by(TeamInvitation.created_at.desc())
    )
    return Team(territory, memberships, [i for i in invitations if i.is_pending(now)])


def all_teams() -> list[Team]:
    territories = db.session.scalars(select(Territory).order_by(Territory.name))
    now = utc_now()
    return [team_of(t, now) for t in territories]


def _forget_memberships(user: User) -> None:
    db.session.flush()
    db.session.expire(user, ["territories", "memberships"])


def add_member(user: User, territory: Territory, role: TeamRole) -> None:
    """Put the user in the team with this role (or give them this role if already in it)."""
    if user.team_role_in(territory.id) is None:
        db.session.execute(
            insert(user_territories).values(
                user_id=user.id, territory_id=territory.id, team_role=role
            )
        )
    else:
        _set_role_row(user, territory, role)
    _forget_memberships(user)
    log.info("user %s in the team of territory %s as %s", user.id, territory.id, role)


def _set_role_row(user: User, territory: Territory, role: TeamRole) -> None:
    db.session.execute(
        update(user_territories)
        .where(
            user_territories.c.user_id == user.id,
            user_territories.c.territory_id == territory.id,
        )
        .values(team_role=role)
    )


def _refuse_own_change(member: User, by: User) -> None:
    """A lead does not demote or remove themselves: the team would be left without anyone
    to manage it (the national coordination may)."""
    if member.id == by.id and not by.plans_every_territory:
        raise ActionRefused(
            _(
                "Vous ne pouvez pas changer votre propre rôle ni vous retirer de l’équipe : "
                "demandez-le à un·e autre responsable ou à la coordination nationale."
            )
        )


def change_role(member: User, territory: Territory, role: TeamRole, by: User) -> None:
    if member.team_role_in(territory.id) is None:
        raise ActionRefused(_("Cette personne ne fait pas partie de l’équipe."))
    _refuse_own_change(member, by)
    _set_role_row(member, territory, role)
    _forget_memberships(member)
    log.info("user %s now %s in territory %s (by %s)", member.id, role, territory.id, by.id)


def remove_member(member: User, territory: Territory, by: User) -> None:
    if member.team_role_in(territory.id) is None:
        raise ActionRefused(_("Cette personne ne fait pas partie de l’équipe."))
    _refuse_own_change(member, by)
    db.session.execute(
        delete(user_territories).where(
            user_territories.c.user_id == member.id,
            user_territories.c.territory_id == territory.id,
        )
    )
    _forget_memberships(member)
    log.info("user %s removed from territory %s (by %s)", member.id, territory.id, by.id)


def invite(territory: Territory, email: str, role: TeamRole, by: User) -> TeamInvitation:
    """Write the invitation and queue its mail (the link holds the only copy of the token)."""
    address = normalise_email(email)
    existing = user_by_email(address)
    if existing is not None and existing.team_role_in(territory.id) is not None:
        raise InvalidInput(
            {
                "email": [
                    _(
                        "Cette personne fait déjà partie de l’équipe de %(name)s.",
                        name=territory.name,
                    )
                ]
            }
        )
    token = new_token()
    now = utc_now()
    invitation = TeamInvitation(
        token_hash=hash_token(token),
        email=address,
        territory=territory,
        team_role=role,
        invited_by_id=by.id,
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
    )
    db.session.add(invitation)
    db.session.flush()
    values = {
        "invitation": invitation,
        "by": by,
        "territory": territory,
        "role": role,
        "url": absolute_url("teams.invitation", token=token),
        "has_account": existing is not None,
    }
    queue_account_mail(
        "team_invitation",
        address,
        "",
        _("Invitation à rejoindre l’équipe de %(name)s", name=territory.name),
        render_template("mail/team_invitation.txt", **values),
        render_template("mail/team_invitation.html", **values),
    )
    log.info("invitation %s to territory %s sent by %s", invitation.id, territory.id, by.id)
    return invitation


def revoke(invitation: TeamInvitation, by: User) -> None:
    if invitation.accepted_at is not None:
        raise ActionRefused(
            _("Cette invitation a déjà été acceptée : retirez plutôt la personne de l’équipe.")
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = utc_now()
        db.session.flush()
    log.info("invitation %s revoked by %s", invitation.id, by.id)


def invitation_by_token(token: str) -> TeamInvitation | None:
    if not could_be_token(token):
        return None
    return db.session.scalar(
        select(TeamInvitation).where(TeamInvitation.token_hash == hash_token(token))
    )


def refusal_of(invitation: TeamInvitation | None, now: datetime | None = None) -> str | None:
    """Why this link opens nothing, in French, or None when it may be accepted."""
    now = now or utc_now()
    if invitation is None:
        return _(
            "Ce lien d’invitation n’existe pas. Vérifiez qu’il est complet, ou demandez une "
            "nouvelle invitation."
        )
    if invitation.revoked_at is not None:
        return _("Cette invitation a été annulée par l’équipe. Demandez-en une nouvelle si besoin.")
    if invitation.accepted_at is not None:
        return _("Cette invitation a déjà été utilisée. Connectez-vous avec votre compte.")
    if now >= invitation.expires_at:
        return _(
            "Cette invitation a expiré (elle était valable 7 jours). Demandez-en une "
            "nouvelle à l’équipe."
        )
    return None


def _check(invitation: TeamInvitation) -> None:
    refusal = refusal_of(invitation)
    if refusal:
        raise ActionRefused(refusal)


def accept_with_new_account(invitation: TeamInvitation, name: str, password: str) -> User:
    """The invitee sets their name and password: an account in the team."""
    _check(invitation)
    if not name.strip():
        raise InvalidInput({"name": [_("Indiquez votre nom.")]})
    if user_by_email(invitation.email) is not None:
        raise ActionRefused(
            _(
                "Un compte existe déjà avec cette adresse : connectez-vous pour accepter "
                "l’invitation."
            )
        )
    user = create_user(invitation.email, name, password, Role.ORGANISER, [])
    return _accept(invitation, user)


def accept_as(invitation: TeamInvitation, user: User) -> User:
    """A signed-in person whose address is the invited one joins the team."""
    _check(invitation)
    if user.email != invitation.email:
        raise ActionRefused(
            _(
                "Cette invitation est adressée à %(email)s : connectez-vous avec ce compte-là.",
                email=invitation.email,
            )
        )
    return _accept(invitation, user)


def _accept(invitation: TeamInvitation, user: User) -> User:
    add_member(user, invitation.territory, invitation.team_role)
    invitation.accepted_at = utc_now()
    invitation.accepted_by_id = user.id
    db.session.flush()
    log.info("invitation %s accepted by user %s", invitation.id, user.id)
    return user
