"""A speaker's engagements: each round table they sit at, and each stop they speak at."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from extensions import db
from models import (
    ParticipantRole,
    RoundTable,
    RoundTableParticipant,
    StopSpeaker,
    StopStatus,
    Territory,
    TourStop,
)


@dataclass(frozen=True)
class Engagement:
    speaker_id: int
    stop: TourStop
    round_table: RoundTable | None
    role: ParticipantRole
    role_label: str

    @property
    def starts_at(self) -> datetime:
        return (self.round_table or self.stop).starts_at

    @property
    def ends_at(self) -> datetime:
        return (self.round_table or self.stop).ends_at

    @property
    def territory(self) -> Territory:
        return self.stop.territory

    @property
    def place(self) -> str:
        if self.round_table:
            return f"« {self.round_table.title} » ({self.stop.territory.name})"
        return self.stop.territory.name

    def same_place_as(self, other: "Engagement") -> bool:
        """Speaking at a stop and at one of its round tables is one presence, not two."""
        if self.stop.id != other.stop.id:
            return False
        return (
            self.round_table is None
            or other.round_table is None
            or (self.round_table.id == other.round_table.id)
        )


def _stop_loading():
    return joinedload(TourStop.territory), joinedload(TourStop.tour)


def engagements_of(speaker_ids: Iterable[int], include_drafts: bool) -> dict[int, list[Engagement]]:
    """Engagements per speaker, in date order; cancelled stops are out, drafts on request."""
    ids = set(speaker_ids)
    found: dict[int, list[Engagement]] = {speaker_id: [] for speaker_id in ids}
    if not ids:
        return found
    statuses = [StopStatus.CONFIRMED] + ([StopStatus.DRAFT] if include_drafts else [])
    participations = db.session.scalars(
        select(RoundTableParticipant)
        .join(RoundTable)
        .join(TourStop)
        .where(RoundTableParticipant.speaker_id.in_(ids), TourStop.status.in_(statuses))
        .options(
            joinedload(RoundTableParticipant.round_table)
            .joinedload(RoundTable.stop)
            .options(*_stop_loading())
        )
    )
    for participation in participations:
        table = participation.round_table
        found[participation.speaker_id].append(
            Engagement(
                participation.speaker_id,
                table.stop,
                table,
                participation.role,
                participation.role_label,
            )
        )
    stop_speakers = db.session.scalars(
        select(StopSpeaker)
        .join(TourStop)
        .where(StopSpeaker.speaker_id.in_(ids), TourStop.status.in_(statuses))
        .options(joinedload(StopSpeaker.stop).options(*_stop_loading()))
    )
    for link in stop_speakers:
        found[link.speaker_id].append(
            Engagement(link.speaker_id, link.stop, None, link.role, link.role_label)
        )
    for engagements in found.values():
        engagements.sort(key=lambda e: (e.starts_at, e.round_table is not None))
    return found
