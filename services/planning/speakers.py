"""Speakers: creating, editing, availability, merging duplicates, deleting."""

import logging
from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from extensions import db
from models import (
    Availability,
    AvailabilityKind,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    Territory,
)
from models.speaker import search_key
from services.collaboration.activity import with_what_changed
from services.editing import ensure_version, flush_or_conflict
from services.errors import FieldErrors, InvalidInput
from services.local_time import (
    NonexistentLocalTime,
    day_in_range,
    day_out_of_range_message,
    local_to_utc,
    next_midnight_utc,
)

log = logging.getLogger(__name__)

# A multiple of 2 and 3: the cards fill every row of the grid on a tablet and a desktop.
PAGE_SIZE = 24


@dataclass
class SpeakerFields:
    name: str
    title: str = ""
    organisation: str = ""
    biography: str = ""
    email: str = ""
    territory_id: int | None = None


def _apply(speaker: Speaker, fields: SpeakerFields) -> None:
    errors = FieldErrors()
    if not fields.name.strip():
        errors.add("name", _("Indiquez le nom de l’intervenant·e."))
    territory = None
    if fields.territory_id is not None:
        territory = db.session.get(Territory, fields.territory_id)
        if territory is None:
            errors.add(
                "territory_id", _("Territoire inconnu : choisissez un territoire de la liste.")
            )
    errors.raise_if_any()
    speaker.name = fields.name.strip()
    speaker.title = fields.title.strip()
    speaker.organisation = fields.organisation.strip()
    speaker.biography = fields.biography.strip()
    speaker.email = fields.email.strip().lower()
    speaker.territory = territory


def create_speaker(fields: SpeakerFields) -> Speaker:
    speaker = Speaker()
    _apply(speaker, fields)
    db.session.add(speaker)
    db.session.flush()
    log.info("speaker %s created", speaker.id)
    return speaker


def _changed_since_opened(speaker: Speaker) -> str:
    message = _(
        "Cette fiche a été modifiée par quelqu’un d’autre depuis que vous l’avez ouverte. "
        "Vos changements n’ont pas été enregistrés : relisez la version actuelle, puis "
        "enregistrez de nouveau si besoin."
    )
    return with_what_changed(message, speaker)


def update_speaker(
    speaker: Speaker, fields: SpeakerFields, expected_version: int | None
) -> Speaker:
    ensure_version(expected_version, speaker.version, lambda: _changed_since_opened(speaker))
    _apply(speaker, fields)
    flush_or_conflict(lambda: _("Cette fiche vient d’être modifiée par quelqu’un d’autre."))
    log.info("speaker %s updated to version %s", speaker.id, speaker.version)
    return speaker


def search_speakers(query: str, page: int):
    """Speakers whose name, title or organisation contains the query, by name, paginated."""
    statement = select(Speaker).order_by(Speaker.search_key, Speaker.id)
    for word in search_key(query).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Speaker.search_key.like(f"%{escaped}%", escape="\\"))
    return db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)


def all_speakers() -> list[Speaker]:
    return list(db.session.scalars(select(Speaker).order_by(Speaker.search_key, Speaker.id)))


def add_availability(
    speaker: Speaker,
    kind: AvailabilityKind,
    first_day: date,
    last_day: date,
    start: time | None,
    end: time | None,
    note: str = "",
) -> Availability:
    """A window in the speaker's zone: whole days when no time is given."""
    zone = speaker.zone_name
    errors = FieldErrors()
    for field, day in (("first_day", first_day), ("end_day", last_day)):
        if not day_in_range(day):
            errors.add(field, day_out_of_range_message())
    errors.raise_if_any()
    try:
        starts_at = local_to_utc(first_day, start or time(0), zone)
        ends_at = local_to_utc(last_day, end, zone) if end else next_midnight_utc(last_day, zone)
    except NonexistentLocalTime as exc:
        raise InvalidInput({"start_time": [str(exc)]}) from exc
    if ends_at <= starts_at:
        raise InvalidInput({"end_day": [_("La fin doit être postérieure au début.")]})
    window = Availability(kind=kind, starts_at=starts_at, ends_at=ends_at, note=note.strip())
    speaker.availabilities.append(window)
    db.session.flush()
    log.info("availability %s (%s) added to speaker %s", window.id, kind, speaker.id)
    return window


def remove_availability(speaker: Speaker, availability_id: int) -> None:
    window = db.session.get(Availability, availability_id)
    if window is None or window.speaker_id != speaker.id:
        raise InvalidInput({"": [_("Cette disponibilité n’existe pas ou plus.")]})
    speaker.availabilities.remove(window)
    db.session.flush()
    log.info("availability %s removed from speaker %s", availability_id, speaker.id)


def booking_count(speaker: Speaker) -> int:
    tables = db.session.scalar(
        select(func.count(RoundTableParticipant.id)).where(
            RoundTableParticipant.speaker_id == speaker.id
        )
    )
    stops = db.session.scalar(
        select(func.count(StopSpeaker.id)).where(StopSpeaker.speaker_id == speaker.id)
    )
    return (tables or 0) + (stops or 0)


def merge_speakers(kept: Speaker, duplicate: Speaker) -> Speaker:
    """The same person entered twice: every engagement and availability of the duplicate
    moves to the kept record, empty fields are filled from it, and it is deleted. Where both
    were listed at the same round table or stop, one listing remains."""
    if kept.id == duplicate.id:
        raise InvalidInput({"duplicate_id": [_("Choisissez une autre fiche que celle-ci.")]})
    for model, owner in ((RoundTableParticipant, "round_table_id"), (StopSpeaker, "stop_id")):
        owner_column = getattr(model, owner)
        already = select(owner_column).where(model.speaker_id == kept.id)
        db.session.execute(
            delete(model).where(model.speaker_id == duplicate.id, owner_column.in_(already))
        )
        db.session.execute(
            update(model).where(model.speaker_id == duplicate.id).values(speaker_id=kept.id)
        )
    db.session.execute(
        update(Availability)
        .where(Availability.speaker_id == duplicate.id)
        .values(speaker_id=kept.id)
    )
    for field in ("title", "organisation", "biography", "email"):
        if not getattr(kept, field) and getattr(duplicate, field):
            setattr(kept, field, getattr(duplicate, field))
    if kept.territory_id is None:
        kept.territory_id = duplicate.territory_id
    db.session.flush()
    duplicate_id = duplicate.id
    db.session.delete(duplicate)
    db.session.flush()
    db.session.expire_all()
    log.info("speaker %s merged into speaker %s", duplicate_id, kept.id)
    return kept


def delete_speaker(speaker: Speaker, confirmed: bool) -> None:
    """Remove the speaker and their listings. Someone still booked somewhere is only removed
    once the organiser has confirmed it: they disappear from programmes."""
    if booking_count(speaker) and not confirmed:
        raise InvalidInput(
            {
                "confirm": [
                    _(
                        "Cochez la case pour confirmer : %(name)s est programmé·e et sera "
                        "retiré·e des programmes.",
                        name=speaker.name,
                    )
                ]
            }
        )
    db.session.execute(
        delete(RoundTableParticipant).where(RoundTableParticipant.speaker_id == speaker.id)
    )
    db.session.execute(delete(StopSpeaker).where(StopSpeaker.speaker_id == speaker.id))
    speaker_id = speaker.id
    db.session.delete(speaker)
    db.session.flush()
    log.info("speaker %s deleted", speaker_id)
