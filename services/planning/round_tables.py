"""Round tables of a stop, their ordered participants, and the speakers of a stop."""

import logging
from dataclasses import dataclass
from datetime import date, time

from flask_babel import gettext as _

from extensions import db
from models import (
    Challenge,
    ParticipantRole,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    TourStop,
)
from services.collaboration.activity import with_what_changed
from services.editing import ensure_version, flush_or_conflict
from services.errors import FieldErrors, InvalidInput
from services.local_time import entered_instant

log = logging.getLogger(__name__)


@dataclass
class RoundTableFields:
    """Times are wall-clock times of the stop's territory; the day defaults to the stop's."""

    title: str
    start_time: time | None
    end_time: time | None
    day: date | None = None
    room: str = ""
    description: str = ""
    challenge_id: int | None = None


def _apply(table: RoundTable, stop: TourStop, fields: RoundTableFields) -> None:
    errors = FieldErrors()
    if not fields.title.strip():
        errors.add("title", _("Indiquez le titre de la table ronde."))
    challenge = None
    if fields.challenge_id is not None:
        challenge = db.session.get(Challenge, fields.challenge_id)
        if challenge is None:
            errors.add("challenge_id", _("Défi inconnu : choisissez un défi de la liste."))
    day = fields.day or stop.local_start.date()
    zone = stop.territory.timezone
    errors.require(start_time=fields.start_time, end_time=fields.end_time)
    starts_at = entered_instant(errors, "start_time", day, fields.start_time, zone)
    ends_at = entered_instant(errors, "end_time", day, fields.end_time, zone)
    if starts_at and ends_at and ends_at <= starts_at:
        errors.add("end_time", _("La fin doit être postérieure au début."))
    errors.raise_if_any()
    assert starts_at and ends_at  # a missing or impossible time is refused above
    table.title = fields.title.strip()
    table.challenge = challenge
    table.starts_at, table.ends_at = starts_at, ends_at
    table.room = fields.room.strip()
    table.description = fields.description.strip()


def create_round_table(stop: TourStop, fields: RoundTableFields) -> RoundTable:
    table = RoundTable()
    _apply(table, stop, fields)  # validates before the table joins the stop's collection
    table.stop = stop
    db.session.add(table)
    db.session.flush()
    log.info("round table %s created at stop %s", table.id, stop.id)
    return table


def _changed_since_opened(table: RoundTable) -> str:
    message = _(
        "Cette table ronde a été modifiée par quelqu’un d’autre depuis que vous l’avez "
        "ouverte. Vos changements n’ont pas été enregistrés : relisez la version "
        "actuelle, puis enregistrez de nouveau si besoin."
    )
    return with_what_changed(message, table)


def update_round_table(
    table: RoundTable, fields: RoundTableFields, expected_version: int | None
) -> RoundTable:
    ensure_version(expected_version, table.version, lambda: _changed_since_opened(table))
    before = (table.starts_at, table.ends_at, table.room)
    _apply(table, table.stop, fields)
    if (table.starts_at, table.ends_at, table.room) != before:
        table.sequence += 1
    flush_or_conflict(lambda: _("Cette table ronde vient d’être modifiée par quelqu’un d’autre."))
    log.info("round table %s updated to version %s", table.id, table.version)
    return table


def delete_round_table(table: RoundTable) -> None:
    table_id, stop_id = table.id, table.stop_id
    db.session.delete(table)
    db.session.flush()
    log.info("round table %s deleted from stop %s", table_id, stop_id)


def _speaker(speaker_id: int | None) -> Speaker:
    speaker = db.session.get(Speaker, speaker_id) if speaker_id else None
    if speaker is None:
        raise InvalidInput(
            {"speaker_id": [_("Intervenant·e inconnu·e : choisissez dans la liste.")]}
        )
    return speaker


def _role(value: str) -> ParticipantRole:
    try:
        return ParticipantRole(value)
    except ValueError as exc:
        raise InvalidInput({"role": [_("Rôle inconnu : choisissez un rôle de la liste.")]}) from exc


def _append_listing(listings: list, model, speaker_id: int | None, role: str):
    """Add a speaker at the end of an ordered list. Listing someone twice is let through and
    shown as a planning warning, like every other planning problem."""
    listing = model(
        speaker=_speaker(speaker_id),
        role=_role(role),
        position=max((item.position for item in listings), default=-1) + 1,
    )
    listings.append(listing)
    db.session.flush()
    return listing


def add_participant(table: RoundTable, speaker_id: int | None, role: str) -> RoundTableParticipant:
    participant = _append_listing(table.participants, RoundTableParticipant, speaker_id, role)
    log.info(
        "speaker %s added to round table %s as %s (participant %s)",
        participant.speaker_id,
        table.id,
        participant.role,
        participant.id,
    )
    return participant


def _participant(table: RoundTable, participant_id: int) -> RoundTableParticipant:
    for participant in table.participants:
        if participant.id == participant_id:
            return participant
    raise InvalidInput({"": [_("Cette personne ne fait plus partie de la table ronde.")]})


def remove_participant(table: RoundTable, participant_id: int) -> None:
    table.participants.remove(_participant(table, participant_id))
    _renumber(sorted(table.participants, key=lambda p: p.position))
    db.session.flush()
    log.info("participant %s removed from round table %s", participant_id, table.id)


def move_participant(table: RoundTable, participant_id: int, offset: int) -> None:
    """Move a participant up (-1) or down (+1) in the order."""
    ordered = sorted(table.participants, key=lambda p: p.position)
    participant = _participant(table, participant_id)
    index = ordered.index(participant)
    target = min(max(index + offset, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    _renumber(ordered)
    db.session.flush()
    log.info(
        "participant %s of round table %s moved to position %s", participant_id, table.id, target
    )


def _renumber(ordered: list[RoundTableParticipant]) -> None:
    for position, participant in enumerate(ordered):
        participant.position = position


def add_stop_speaker(stop: TourStop, speaker_id: int | None, role: str) -> StopSpeaker:
    link = _append_listing(stop.speakers, StopSpeaker, speaker_id, role)
    log.info(
        "speaker %s added to stop %s as %s (link %s)", link.speaker_id, stop.id, link.role, link.id
    )
    return link


def remove_stop_speaker(stop: TourStop, link_id: int) -> None:
    for link in stop.speakers:
        if link.id == link_id:
            stop.speakers.remove(link)
            db.session.flush()
            log.info("speaker link %s removed from stop %s", link_id, stop.id)
            return
    raise InvalidInput({"": [_("Cette personne n’intervient plus à cette étape.")]})
