"""The printable programmes' content: a tour's and a stop's programme for the templates of
templates/print/ (turned into PDF by rendering.py).

The context functions turn the plan into plain display strings, computed in French (the
documents are French whatever the reader's locale, and their ETag does not depend on it):
the templates only print them, and Jinja escapes every one of them.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import force_locale, format_date
from sqlalchemy import select

from extensions import db
from models import Release, Speaker, TourStop, Workshop
from models.speaker import search_key
from services.local_time import hours, long_date, today_in_france, when
from services.planning import tours
from services.registration import registrations, workshops
from services.text import french_typography as text_typography


def workshop_ids_of_tour(tour) -> list[int]:
    return list(db.session.scalars(select(Workshop.id).where(Workshop.tour_id == tour.id)))


def workshop_ids_of_stop(stop) -> list[int]:
    return list(db.session.scalars(select(Workshop.id).where(Workshop.stop_id == stop.id)))


# --- Typography ----------------------------------------------------------------------------

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def french_typography(text: str | None) -> str:
    """The site's French spacing (services.text), always French on paper."""
    return text_typography(text or "", "fr")


def paragraphs(text: str) -> list[str]:
    """A text typed by an organiser as paragraphs (separated by blank lines)."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return [french_typography(p.strip()) for p in _BLANK_LINES.split(text) if p.strip()]


def _day(day: date, with_year: bool = True) -> str:
    """e.g. "1er février 2019", "25 février"."""
    rest = format_date(day, "MMMM y" if with_year else "MMMM")
    return f"{'1er' if day.day == 1 else day.day} {rest}"


def _count(number: int, one: str, many: str) -> str:
    """French agreement: 0 and 1 take the singular."""
    return f"{number} {one if number <= 1 else many}"


@dataclass(frozen=True)
class PersonLine:
    """A speaker listed somewhere; anchor is where the speaker index points."""

    name: str
    role: str
    detail: str
    anchor: str


@dataclass(frozen=True)
class RoundTableView:
    id: int
    title: str
    hours: str
    room: str
    challenge: str
    description: list[str]
    people: list[PersonLine]


@dataclass(frozen=True)
class WorkshopView:
    id: int
    anchor: str
    title: str
    when: str
    cancelled: bool
    status: str
    challenge: str
    host: str
    territories: str
    venue: str
    address: str
    # Public documents say a workshop is online, never its meeting link (mailed to the
    # confirmed participants only).
    online: bool
    capacity: int
    seats_left: int
    seats: str
    description: list[str]
    facilitators: list[PersonLine]


@dataclass(frozen=True)
class StopView:
    id: int
    anchor: str
    territory: str
    day: str
    when: str
    cancelled: bool
    status: str
    venue: str
    address: str
    host: str
    description: list[str]
    speakers: list[PersonLine]
    round_tables: list[RoundTableView]
    workshops: list[WorkshopView]


@dataclass(frozen=True)
class IndexEntry:
    name: str
    detail: str
    anchors: list[str]

    def pages(self, anchor_pages: dict[str, int]) -> list[tuple[int, str]]:
        """The distinct pages of the speaker's appearances, in order, each with the first
        anchor on it: "3, 5", never "3, 3" when two sections share a page."""
        found: dict[int, str] = {}
        for anchor in self.anchors:
            if anchor in anchor_pages:
                found.setdefault(anchor_pages[anchor], anchor)
        return sorted(found.items())


class _Appearances:
    """Every appearance of a speaker in a document gets its own anchor, in document order,
    and the speaker index knows them all. Sections flow one after another (a stop no longer
    starts a page), so which appearances share a page is only known once laid out: the
    renderer reads their pages and the index prints each page once (IndexEntry.pages)."""

    def __init__(self) -> None:
        self._counts: dict[int, int] = {}
        self._anchors: dict[int, list[str]] = {}
        self._speakers: dict[int, Speaker] = {}

    def line(self, speaker: Speaker, role: str) -> PersonLine:
        self._counts[speaker.id] = self._counts.get(speaker.id, 0) + 1
        anchor = f"speaker-{speaker.id}-{self._counts[speaker.id]}"
        self._anchors.setdefault(speaker.id, []).append(anchor)
        self._speakers[speaker.id] = speaker
        return PersonLine(
            name=french_typography(speaker.name),
            role=role,
            detail=french_typography(
                ", ".join(part for part in (speaker.title, speaker.organisation) if part)
            ),
            anchor=anchor,
        )

    def index(self) -> list[IndexEntry]:
        speakers = sorted(self._speakers.values(), key=lambda s: (search_key(s.name), s.name, s.id))
        return [
            IndexEntry(
                name=french_typography(s.name),
                detail=french_typography(s.title),
                anchors=self._anchors[s.id],
            )
            for s in speakers
        ]


def print_day() -> str:
    """The day a document is printed, in Paris: "1er décembre 2026". Counts that change
    after printing (seats left) are dated with it, so paper never passes them off as live;
    the documents' ETag includes it, so a copy is rendered again the next day."""
    return _day(today_in_france())


def _seats(workshop: Workshop, seats_left: int, as_of: str) -> str:
    if workshop.is_cancelled:
        return "Atelier annulé"
    if seats_left == 0:
        places = _count(workshop.capacity, "place", "places")
        return f"Complet au {as_of} ({places}) : liste d’attente"
    left = _count(seats_left, "place restante", "places restantes")
    return f"{left} sur {workshop.capacity} au {as_of}"


def _workshop_view(
    workshop: Workshop, confirmed: int, people: _Appearances, as_of: str
) -> WorkshopView:
    seats_left = workshop.seats_left_after(confirmed)
    return WorkshopView(
        id=workshop.id,
        anchor=f"workshop-{workshop.id}",
        title=french_typography(workshop.title),
        when=when(workshop.starts_at, workshop.ends_at, workshop.zone_name),
        cancelled=workshop.is_cancelled,
        status=workshop.status_label,
        challenge=french_typography(workshop.challenge.name),
        host=french_typography(workshop.host_territory.name),
        territories=french_typography(", ".join(t.name for t in workshop.territories)),
        venue=french_typography(workshop.venue_name),
        address=french_typography(workshop.address),
        online=bool(workshop.online_url),
        capacity=workshop.capacity,
        seats_left=seats_left,
        seats=french_typography(_seats(workshop, seats_left, as_of)),
        description=paragraphs(workshop.description),
        facilitators=[people.line(s, "Animation") for s in workshop.facilitators],
    )


def _stop_view(
    stop: TourStop,
    attached: list[Workshop],
    confirmed: dict[int, int],
    people: _Appearances,
    as_of: str,
) -> StopView:
    """A stop's section; speakers get their anchors in the order the section prints them."""
    zone = stop.territory.timezone
    speakers = [people.line(link.speaker, link.role_label) for link in stop.speakers]
    tables = [
        RoundTableView(
            id=table.id,
            title=french_typography(table.title),
            hours=hours(table.starts_at, table.ends_at, zone, with_zone=False),
            room=french_typography(table.room),
            challenge=french_typography(table.challenge.name) if table.challenge else "",
            description=paragraphs(table.description),
            people=[people.line(p.speaker, p.role_label) for p in table.participants],
        )
        for table in sorted(stop.round_tables, key=lambda t: (t.starts_at, t.id))
    ]
    host = stop.host_organisation
    return StopView(
        id=stop.id,
        anchor=f"stop-{stop.id}",
        territory=french_typography(stop.territory.name),
        day=long_date(stop.local_start.date()),
        when=when(stop.starts_at, stop.ends_at, zone),
        cancelled=stop.is_cancelled,
        status=stop.status_label,
        venue=french_typography(stop.venue_name),
        address=french_typography(stop.address),
        host=french_typography(host.name) if host else "",
        description=paragraphs(stop.description),
        speakers=speakers,
        round_tables=tables,
        workshops=[_workshop_view(w, confirmed[w.id], people, as_of) for w in attached],
    )


def _public_workshops(tour) -> list[Workshop]:
    return [w for w in workshops.all_workshops(tour) if w.is_public]


def _local_days(start: datetime, end: datetime) -> tuple[date, date]:
    """The first and last day a session takes, in its own zone's time (the datetimes are
    local); one ending at midnight ends the day before."""
    last = end.date()
    if end.time() == datetime.min.time() and end > start:
        last = (end - timedelta(days=1)).date()
    return start.date(), last


def _printed_days(stops: list[TourStop], listed: list[Workshop]) -> tuple[date, date] | None:
    """The first and last day of what the document prints as taking place: its stops and
    workshops not cancelled (all of them if every one is cancelled); None if it prints none."""
    spans = [(s, s.local_start, s.local_end) for s in stops] + [
        (w, w.local_start, w.local_end) for w in listed
    ]
    held = [span for span in spans if not span[0].is_cancelled] or spans
    if not held:
        return None
    days = [_local_days(start, end) for _, start, end in held]
    return min(first for first, _ in days), max(last for _, last in days)


def _dates(start: date, end: date) -> str:
    if start == end:
        return f"Le {format_date(start, 'EEEE')} {_day(start)}"
    return f"Du {_day(start, with_year=start.year != end.year)} au {_day(end)}"


def tour_programme(tour, release: Release | None = None) -> dict:
    """The tour's programme: the cover, every public stop in date order with its round
    tables and workshops, the tour's other workshops, and the index of speakers. The cover
    names the release it shows: the one given, else the latest (the live programme shows
    the current plan, labelled with the latest release)."""
    from services.publishing.releases import latest_release, release_label

    with force_locale("fr"):
        shown = release if release is not None else latest_release(tour)
        stops = tours.tour_stops(tour, include_drafts=False)
        listed = _public_workshops(tour)
        confirmed = registrations.confirmed_counts([w.id for w in listed])
        people = _Appearances()
        as_of = print_day()
        stop_ids = {stop.id for stop in stops}
        by_stop: dict[int, list[Workshop]] = {}
        for workshop in listed:
            if workshop.stop_id in stop_ids:
                by_stop.setdefault(workshop.stop_id, []).append(workshop)
        stop_views = [
            _stop_view(stop, by_stop.get(stop.id, []), confirmed, people, as_of) for stop in stops
        ]
        # Workshops at no stop, or at a stop not public yet (its own place is printed).
        others = [
            _workshop_view(w, confirmed[w.id], people, as_of)
            for w in listed
            if w.stop_id not in stop_ids
        ]
        cancelled = sum(1 for stop in stops if stop.is_cancelled)
        territories = len({stop.territory_id for stop in stops if not stop.is_cancelled})
        summary = [
            _count(territories, "territoire", "territoires"),
            _count(len(stops) - cancelled, "étape", "étapes"),
        ]
        if cancelled:
            summary.append(_count(cancelled, "étape annulée", "étapes annulées"))
        open_workshops = sum(1 for w in listed if not w.is_cancelled)
        if open_workshops:
            summary.append(_count(open_workshops, "atelier", "ateliers"))
        # The cover's dates cover everything printed, not the tour's own dates: a workshop
        # outside them would contradict the cover.
        days = _printed_days(stops, listed) or (tour.start_date, tour.end_date)
        return {
            "tour_title": french_typography(tour.title),
            "tour_dates": _dates(*days),
            "release_label": release_label(shown) if shown is not None else "",
            "as_of": as_of,
            "tour_principal": french_typography(tour.principal),
            "tour_description": paragraphs(tour.description),
            "summary": summary,
            "stops": stop_views,
            "other_workshops": others,
            "speaker_index": people.index(),
        }


def render_tour_programme(tour, release: Release | None = None) -> bytes:
    """The tour programme as a PDF (the route serves it, a release stores it)."""
    from flask import render_template

    from services.documents.rendering import render_pdf

    with force_locale("fr"):
        values = tour_programme(tour, release)
        template = "print/tour_programme.html"
        return render_pdf(
            render_template(template, document_title=tour.title, **values),
            tour.title,
            with_pages=lambda pages: render_template(
                template, document_title=tour.title, anchor_pages=pages, **values
            ),
        )


def stop_programme(stop) -> dict:
    """One stop's day: the same section as in the tour's programme, with its workshops."""
    with force_locale("fr"):
        attached = [w for w in _public_workshops(stop.tour) if w.stop_id == stop.id]
        confirmed = registrations.confirmed_counts([w.id for w in attached])
        as_of = print_day()
        return {
            "tour_title": french_typography(stop.tour.title),
            "as_of": as_of,
            "stop": _stop_view(stop, attached, confirmed, _Appearances(), as_of),
        }
