"""Who may do what: every permission rule of the platform, as predicates of the user.

Views require them through `blueprints.access.require(predicate, subject…)`; templates
call them to show or hide a button. A predicate is false for a visitor or a deactivated
account. Admins may do everything.
"""

from collections.abc import Iterable
from typing import TypeGuard

from models import Speaker, TeamRole, Territory, TourStop, User, Workshop

# The team roles that plan in their territory; observers see and change nothing.
PLANNING_ROLES = (TeamRole.LEAD, TeamRole.MEMBER)


def is_organiser(user: User | None) -> TypeGuard[User]:
    """Signed in with an active account: organisers and admins."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_admin(user: User | None) -> bool:
    """Accounts and everything else."""
    return is_organiser(user) and user.is_admin


def can_coordinate(user: User | None) -> bool:
    """Plan the whole tour: run the optimiser, accept a territory's date option or a
    proposal. Admins and the national coordination."""
    return is_organiser(user) and user.plans_every_territory


def can_edit_territory(user: User | None, territory: Territory) -> bool:
    """Plan in a territory: its own team's leads and members (not its observers), the
    national coordination, and admins."""
    if not is_organiser(user):
        return False
    return user.plans_every_territory or user.team_role_in(territory.id) in PLANNING_ROLES


def is_read_only(user: User | None) -> bool:
    """An observer everywhere they belong: sees the board, the drafts and the tasks, changes
    nothing, not even what every organiser shares (speakers). Visitors are read-only too."""
    if not is_organiser(user):
        return True
    if user.plans_every_territory or not user.memberships:
        return False
    return all(m.team_role == TeamRole.OBSERVER for m in user.memberships)


def can_see_all_teams(user: User | None) -> bool:
    """Every territory's team (/board/equipes): admins and the national coordination."""
    return is_organiser(user) and user.plans_every_territory


def can_see_team(user: User | None, territory: Territory) -> bool:
    """A territory's team page: anyone in the team, admins and the national coordination."""
    return can_see_all_teams(user) or (
        is_organiser(user) and user.team_role_in(territory.id) is not None
    )


def can_manage_team(user: User | None, territory: Territory) -> bool:
    """Invite, change roles, remove: the territory's leads, the national coordination,
    admins."""
    return can_see_all_teams(user) or (
        is_organiser(user) and user.team_role_in(territory.id) == TeamRole.LEAD
    )


def can_read_discussion(user: User | None, territories: Iterable[Territory]) -> bool:
    """The internal comments on an object of these territories: anyone in one of their teams
    (observers included), the national coordination and admins. Never the public."""
    if not is_organiser(user):
        return False
    return user.plans_every_territory or any(
        user.team_role_in(t.id) is not None for t in territories
    )


def can_comment(user: User | None, territories: Iterable[Territory]) -> bool:
    """Write in that discussion: those who may plan one of these territories (observers read)."""
    return any(can_edit_territory(user, t) for t in territories)


def editable_territory_ids(user: User | None, territories: Iterable[Territory]) -> set[int]:
    return {t.id for t in territories if can_edit_territory(user, t)}


def managed_territory_ids(user: User, every_territory: Iterable[Territory]) -> list[int]:
    """The territories an organiser's own calendar covers: theirs, or every one for admins
    and the national coordination."""
    if not is_organiser(user):
        return []
    return [t.id for t in (every_territory if user.plans_every_territory else user.territories)]


def can_see_drafts(user: User | None) -> bool:
    """Organisers and admins see the whole plan; visitors only what is published."""
    return is_organiser(user)


def can_manage_stop(user: User | None, stop: TourStop) -> bool:
    """Edit a stop, its status, its programme (round tables, speakers) and print its badges:
    the organisers of its territory, and admins."""
    return can_edit_territory(user, stop.territory)


def can_plan_in_any_territory(user: User | None, territories: Iterable[Territory]) -> bool:
    """Create a stop or a workshop at all: organisers of at least one territory, and admins."""
    return any(can_edit_territory(user, t) for t in territories)


def can_edit_speakers(user: User | None) -> bool:
    """Speakers are shared by every territory: any organiser may add or correct one, except
    observers."""
    return is_organiser(user) and not is_read_only(user)


def can_move_speaker(
    user: User | None, speaker: Speaker | None, territory: Territory | None
) -> bool:
    """Attach a speaker (a new one: speaker None) to a territory, or detach it from one: only
    between territories one manages, since the organisers of the speaker's territory are
    the ones who may merge or delete it. Keeping the territory as it is needs nothing more."""
    current = speaker.territory if speaker is not None else None
    if (current.id if current else None) == (territory.id if territory else None):
        return can_edit_speakers(user)
    return all(can_edit_territory(user, t) for t in (current, territory) if t is not None) and (
        can_edit_speakers(user)
    )


def can_remove_speaker(user: User | None, speaker: Speaker) -> bool:
    """Merging or deleting a record touches every territory's programme: admins, the
    national coordination, or the organisers of the speaker's own territory."""
    if not is_organiser(user):
        return False
    if user.plans_every_territory:
        return True
    return speaker.territory is not None and can_edit_territory(user, speaker.territory)


def can_manage_workshop(user: User | None, workshop: Workshop) -> bool:
    """Editing, opening, cancelling a workshop and handling its registrations: admins, or the
    organisers of its host territory."""
    return can_edit_territory(user, workshop.host_territory)


def can_view_registrants(user: User | None, workshop: Workshop) -> bool:
    """Who registered (and the sign-in sheet, the badges): those who manage the workshop,
    and the organisers of any territory that takes part in it."""
    return can_manage_workshop(user, workshop) or any(
        can_edit_territory(user, territory) for territory in workshop.territories
    )


def can_export_registrants(user: User | None, workshops: Iterable[Workshop]) -> bool:
    """The registrants of a whole tour as a file: admins, and the organisers who manage at
    least one of its workshops (the export then holds only those: registrant_workshops).
    A file with names and addresses leaves the platform, so it follows the per-workshop
    CSV's rule (can_manage_workshop), not the wider one of the registrants page."""
    return is_admin(user) or any(can_manage_workshop(user, w) for w in workshops)


def registrant_workshops(user: User | None, workshops: Iterable[Workshop]) -> list[Workshop]:
    """The workshops whose registrants this user may export (can_manage_workshop)."""
    return [w for w in workshops if can_manage_workshop(user, w)]


def can_publish(user: User | None) -> bool:
    """Publish a release of a tour's programme (which mails every affected speaker and
    participant): the national coordination and admins."""
    return is_organiser(user) and user.plans_every_territory


def can_edit_checklist(user: User | None) -> bool:
    """A tour's checklist template: the national coordination and admins."""
    return is_organiser(user) and user.plans_every_territory


def can_see_activity(user: User | None) -> bool:
    """The activity log of a tour: every organiser (it says what the team did)."""
    return is_organiser(user)
