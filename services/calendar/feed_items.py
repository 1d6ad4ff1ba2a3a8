"""What a calendar shows of a stop, a round table or a workshop: one FeedItem each, in
French (the feeds are French for every subscriber), built from the loaded models."""

from dataclasses import dataclass
from datetime import datetime

from models import (
    Registration,
    RegistrationStatus,
    RoundTable,
    StopStatus,
    TourStop,
    Workshop,
    WorkshopStatus,
)
from services.calendar import ical
from services.local_time import clock
from services.urls import absolute_url


@dataclass(frozen=True)
class FeedItem:
    uid: str
    sequence: int
    dtstamp: datetime
    starts_at: datetime
    ends_at: datetime
    zone: str
    summary: str
    location: str
    geo: tuple[float, float] | None
    url: str
    description: str
    categories: tuple[str, ...]
    status: str  # CONFIRMED | TENTATIVE | CANCELLED


def _people(listings) -> list[str]:
    return [
        f"{p.speaker.name} ({p.role.label.lower()}"
        + (f", {p.speaker.title})" if p.speaker.title else ")")
        for p in listings
    ]


def _lines(*parts: str | None) -> str:
    return "\n".join(part for part in parts if part)


def _stop_status(stop: TourStop) -> str:
    return {
        StopStatus.CONFIRMED: "CONFIRMED",
        StopStatus.CANCELLED: "CANCELLED",
        StopStatus.DRAFT: "TENTATIVE",
    }[stop.status]


def _stop_location(stop: TourStop) -> str:
    return ical.location(stop.venue_name, stop.address, stop.territory.name)


def stop_item(stop: TourStop) -> FeedItem:
    speakers = _people(stop.speakers)
    zone = stop.territory.timezone
    tables = [f"{clock(t.starts_at, zone)} {t.title}" for t in stop.round_tables]
    return FeedItem(
        uid=stop.uid,
        sequence=stop.sequence,
        dtstamp=stop.updated_at,
        starts_at=stop.starts_at,
        ends_at=stop.ends_at,
        zone=stop.territory.timezone,
        summary=f"Tournée French Impact – {stop.territory.name}",
        location=_stop_location(stop),
        geo=stop.coordinates,
        url=absolute_url("public.stop", stop_id=stop.id),
        description=_lines(
            f"Territoire : {stop.territory.name}",
            f"Structure hôte : {stop.host_organisation.name}" if stop.host_organisation else None,
            "Intervenant·es : " + "; ".join(speakers) if speakers else None,
            "Tables rondes : " + "; ".join(tables) if tables else None,
            stop.description,
        ),
        categories=("Étape",),
        status=_stop_status(stop),
    )


def round_table_item(table: RoundTable) -> FeedItem:
    stop = table.stop
    categories = ("Table ronde", table.challenge.name) if table.challenge else ("Table ronde",)
    speakers = _people(table.participants)
    return FeedItem(
        uid=table.uid,
        sequence=table.sequence,
        dtstamp=max(table.updated_at, stop.updated_at),
        starts_at=table.starts_at,
        ends_at=table.ends_at,
        zone=stop.territory.timezone,
        summary=f"Table ronde : {table.title}",
        location=ical.location(table.room, _stop_location(stop)),
        geo=stop.coordinates,
        url=absolute_url("public.stop", stop_id=stop.id) + f"#table-ronde-{table.id}",
        description=_lines(
            f"Étape : {stop.territory.name}",
            f"Défi : {table.challenge.name}" if table.challenge else None,
            "Intervenant·es : " + "; ".join(speakers) if speakers else None,
            table.description,
        ),
        categories=categories,
        status=_stop_status(stop),
    )


# Said where the online meeting link is withheld (public feeds, a waiting list).
ONLINE_WITHOUT_LINK = "En ligne"


def online_link_for(registration: Registration) -> str:
    """The online meeting link, for a confirmed seat in a workshop that takes place; else
    "" (the public, the waiting list and the cancelled never get it)."""
    workshop = registration.workshop
    if registration.status != RegistrationStatus.CONFIRMED or workshop.is_cancelled:
        return ""
    return workshop.online_url


def workshop_location(workshop: Workshop, online_url: str = "") -> str:
    """Where a workshop takes place, as feeds and invitations give it: the online meeting
    link only when given (see online_link_for), else just that it is online."""
    online = online_url or (ONLINE_WITHOUT_LINK if workshop.online_url else "")
    return ical.location(workshop.venue_name, workshop.address, online)


def _workshop_status(workshop: Workshop) -> str:
    return {
        WorkshopStatus.OPEN: "CONFIRMED",
        WorkshopStatus.CANCELLED: "CANCELLED",
        WorkshopStatus.DRAFT: "TENTATIVE",
    }[workshop.status]


def workshop_item(workshop: Workshop, registration: Registration | None = None) -> FeedItem:
    """A workshop; seen through a participant's registration, their own status shows, and
    the online meeting link once their seat is confirmed."""
    host = workshop.host_territory
    status, sequence, dtstamp = _workshop_status(workshop), workshop.sequence, workshop.updated_at
    if registration is not None:
        if status != "CANCELLED":
            status = {
                RegistrationStatus.CONFIRMED: "CONFIRMED",
                RegistrationStatus.WAITLISTED: "TENTATIVE",
                RegistrationStatus.CANCELLED: "CANCELLED",
            }[registration.status]
        sequence = max(sequence, registration.calendar_sequence)
        dtstamp = max(dtstamp, registration.updated_at)
    facilitators = [s.name for s in workshop.facilitators]
    return FeedItem(
        uid=workshop.uid,
        sequence=sequence,
        dtstamp=dtstamp,
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
        zone=host.timezone,
        summary=f"Atelier : {workshop.title}",
        location=workshop_location(
            workshop, online_link_for(registration) if registration is not None else ""
        ),
        geo=host.coordinates,
        url=absolute_url("workshops.detail", workshop_id=workshop.id),
        description=_lines(
            f"Défi : {workshop.challenge.name}",
            "Territoires : " + ", ".join(t.name for t in workshop.territories),
            "Animation : " + ", ".join(facilitators) if facilitators else None,
            workshop.description,
        ),
        categories=("Atelier inter-territoires", workshop.challenge.name),
        status=status,
    )
