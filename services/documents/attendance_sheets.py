"""Sign-in sheets (feuilles d'émargement) and badges: what organisers print for a day.

Each function returns the context of its template in templates/print/. The documents are
in French whatever the reader's language: one rendered PDF is cached and served to every
organiser, so dates and labels are computed here under the French locale, and the templates
hold their few fixed words in French.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from extensions import db
from models import (
    Registration,
    RegistrationStatus,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    TourStop,
    Workshop,
)
from models.speaker import search_key
from services.local_time import when

# Numbered empty rows at the end of a sign-in sheet, for people who come without registering.
WALK_IN_ROWS = 5
# Badges on one A4 sheet (2 columns × 5 rows of 90 × 55 mm, see print-sheets.css).
BADGES_PER_PAGE = 10

PARTICIPANT_ROLE = "Participant·e"
FACILITATOR_ROLE = "Animation"


@dataclass(frozen=True)
class SheetRow:
    number: int
    name: str
    organisation: str
    territory: str


@dataclass(frozen=True)
class Badge:
    name: str
    organisation: str
    territory: str
    role: str
    footer: str


def _when(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """e.g. "mercredi 12 juin 2019, 14:00 – 16:00 (Europe/Paris, UTC+02:00)", in French; an
    end on another day shows its month in full."""
    with force_locale("fr"):
        return when(starts_at, ends_at, zone, end_day_pattern="d MMMM")


def _by_name(name: str, tie: int) -> tuple[str, str, int]:
    """Sort key: case and accents ignored ("Élise" next to "Elise"), then exact, then id."""
    return (search_key(name), name, tie)


def confirmed_registrations(workshop: Workshop) -> list[Registration]:
    """The confirmed participants, sorted by name; anonymised ones keep their anonymous name."""
    registrations = db.session.scalars(
        select(Registration)
        .options(joinedload(Registration.territory))
        .where(
            Registration.workshop_id == workshop.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    return sorted(registrations, key=lambda r: _by_name(r.name, r.id))


def _workshop_header(workshop: Workshop) -> dict:
    return {
        "title": workshop.title,
        "when": _when(workshop.starts_at, workshop.ends_at, workshop.zone_name),
        "venue": workshop.venue_name,
        "address": workshop.address,
        "online_url": workshop.online_url,
        "host_territory": workshop.host_territory.name,
        "territories": ", ".join(t.name for t in workshop.territories),
        "challenge": workshop.challenge.name,
        "tour": workshop.tour.title,
        "cancelled": workshop.is_cancelled,
    }


def sign_in_sheet(workshop: Workshop) -> dict:
    """The workshop's details, one numbered row per confirmed participant, and numbered empty
    rows for walk-ins."""
    registrations = confirmed_registrations(workshop)
    rows = [
        SheetRow(
            number=number,
            name=registration.name,
            organisation=registration.organisation,
            territory=registration.territory.name if registration.territory else "",
        )
        for number, registration in enumerate(registrations, start=1)
    ]
    return {
        "workshop": _workshop_header(workshop),
        "rows": rows,
        "confirmed": len(rows),
        "capacity": workshop.capacity,
        "walk_in_numbers": list(range(len(rows) + 1, len(rows) + 1 + WALK_IN_ROWS)),
    }


def _pages(badges: list[Badge]) -> list[list[Badge]]:
    return [badges[i : i + BADGES_PER_PAGE] for i in range(0, len(badges), BADGES_PER_PAGE)]


def _speaker_badge(speaker: Speaker, roles: list[str], footer: str) -> Badge:
    organisation = " — ".join(part for part in (speaker.title, speaker.organisation) if part)
    return Badge(
        name=speaker.name,
        organisation=organisation,
        territory=speaker.territory.name if speaker.territory else "",
        role=" · ".join(roles),
        footer=footer,
    )


def workshop_badges(workshop: Workshop) -> dict:
    """A badge per confirmed participant (by name), then one per facilitator ("Animation").
    An anonymised registration gets a badge with an empty name, to be written by hand."""
    footer = workshop.title
    badges = [
        Badge(
            name="" if registration.anonymised_at else registration.name,
            organisation=registration.organisation,
            territory=registration.territory.name if registration.territory else "",
            role=PARTICIPANT_ROLE,
            footer=footer,
        )
        for registration in confirmed_registrations(workshop)
    ]
    facilitators = sorted(workshop.facilitators, key=lambda s: _by_name(s.name, s.id))
    badges += [_speaker_badge(speaker, [FACILITATOR_ROLE], footer) for speaker in facilitators]
    return {
        "heading": workshop.title,
        "subheading": _when(workshop.starts_at, workshop.ends_at, workshop.zone_name),
        "pages": _pages(badges),
        "count": len(badges),
    }


def _stop_listings(stop: TourStop) -> list[StopSpeaker | RoundTableParticipant]:
    """The stop's own speakers in their order, then the round tables' participants."""
    own = db.session.scalars(
        select(StopSpeaker)
        .options(joinedload(StopSpeaker.speaker).joinedload(Speaker.territory))
        .where(StopSpeaker.stop_id == stop.id)
        .order_by(StopSpeaker.position, StopSpeaker.id)
    )
    at_tables = db.session.scalars(
        select(RoundTableParticipant)
        .join(RoundTable)
        .options(joinedload(RoundTableParticipant.speaker).joinedload(Speaker.territory))
        .where(RoundTable.stop_id == stop.id)
        .order_by(RoundTable.starts_at, RoundTable.id, RoundTableParticipant.position)
    )
    return [*own, *at_tables]


def stop_badges(stop: TourStop) -> dict:
    """One badge per person speaking at the stop (its speakers and the participants of its
    round tables), each person once with every role they hold, sorted by name."""
    speakers: dict[int, Speaker] = {}
    roles: dict[int, list[str]] = {}
    for listing in _stop_listings(stop):
        speakers.setdefault(listing.speaker_id, listing.speaker)
        held = roles.setdefault(listing.speaker_id, [])
        with force_locale("fr"):
            label = listing.role_label
        if label not in held:
            held.append(label)
    footer = f"{stop.territory.name} · {stop.tour.title}"
    people = sorted(speakers.values(), key=lambda s: _by_name(s.name, s.id))
    badges = [_speaker_badge(speaker, roles[speaker.id], footer) for speaker in people]
    return {
        "heading": f"Étape : {stop.territory.name}",
        "subheading": _when(stop.starts_at, stop.ends_at, stop.territory.timezone),
        "pages": _pages(badges),
        "count": len(badges),
    }
