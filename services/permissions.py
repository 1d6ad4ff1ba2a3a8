"""Who may do what. Views call these before calling a service."""

from models import Speaker, Territory, User, Workshop


def can_edit_territory(user: User | None, territory: Territory) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_admin:
        return True
    return any(t.id == territory.id for t in user.territories)


def editable_territory_ids(user: User, territories: list[Territory]) -> set[int]:
    return {t.id for t in territories if can_edit_territory(user, t)}


def can_see_drafts(user: User | None) -> bool:
    """Organisers and admins see the whole plan; visitors only what is published."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_edit_speakers(user: User | None) -> bool:
    """Speakers are shared by every territory: any organiser may add or correct one."""
    return can_see_drafts(user)


def can_remove_speaker(user: User | None, speaker: Speaker) -> bool:
    """Merging or deleting a record touches every territory's programme: admins, or the
    organisers of the speaker's own territory."""
    if not can_see_drafts(user):
        return False
    if user.is_admin:
        return True
    return speaker.territory is not None and can_edit_territory(user, speaker.territory)


def can_manage_workshop(user: User | None, workshop: Workshop) -> bool:
    """Editing, opening, cancelling a workshop and handling its registrations: admins, or the
    organisers of its host territory."""
    return can_edit_territory(user, workshop.host_territory)


def can_view_registrants(user: User | None, workshop: Workshop) -> bool:
    """Who registered: those who manage the workshop, and the organisers of any territory
    that takes part in it."""
    return can_manage_workshop(user, workshop) or any(
        can_edit_territory(user, territory) for territory in workshop.territories
    )
