"""Loading the demo tour. Idempotent: what exists is kept as it is (organisers may have edited
it); what is missing is created."""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from flask import current_app
from sqlalchemy import select

from extensions import Model, db
from models import (
    Challenge,
    ChecklistItem,
    Organisation,
    ParticipantRole,
    Registration,
    RegistrationStatus,
    Role,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    StopStatus,
    TeamRole,
    Territory,
    TerritoryChallenge,
    TerritoryKind,
    Tour,
    TourStop,
    User,
    Workshop,
    WorkshopStatus,
    normalise_email,
)
from models.types import new_token
from services.calendar.private_feeds import participant_feed_link
from services.collaboration.tasks import add_checklist_tasks
from services.collaboration.teams import add_member
from services.demo import data as demo_data
from services.demo.data import StopEntry, TerritoryEntry
from services.local_time import local_to_utc, today_in_france

ModelT = TypeVar("ModelT", bound=Model)


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    # Accounts created in this run, with the password to print once.
    new_accounts: list[tuple[str, str]] = field(default_factory=list)

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1


def _get_or_create(
    model: type[ModelT], report: SeedReport, defaults: Mapping[str, object], **keys: object
) -> ModelT:
    instance = db.session.scalar(select(model).filter_by(**keys))
    if instance is None:
        instance = model(**keys, **defaults)
        db.session.add(instance)
        report.count(model.__tablename__)
    return instance


def _seed_challenges(report: SeedReport) -> dict[str, Challenge]:
    return {
        slug: _get_or_create(Challenge, report, {"name": name}, slug=slug)
        for slug, name in demo_data.CHALLENGES.items()
    }


def _seed_territory(
    entry: TerritoryEntry, challenges: dict[str, Challenge], report: SeedReport
) -> Territory:
    latitude, longitude = entry["position"] or (None, None)
    territory = _get_or_create(
        Territory,
        report,
        {
            "name": entry["name"],
            "kind": TerritoryKind(entry["kind"]) if entry["kind"] else None,
            "region": entry["region"],
            "timezone": entry.get("timezone", "Europe/Paris"),
            "holiday_subdivision": entry.get("holidays"),
            "latitude": latitude,
            "longitude": longitude,
            "collective_presentation": entry.get("presentation", ""),
        },
        slug=entry["slug"],
    )
    db.session.flush()
    for position, (name, role) in enumerate(entry.get("organisations", [])):
        _get_or_create(
            Organisation,
            report,
            {"role": role, "position": position},
            territory_id=territory.id,
            name=name,
        )
    for slug, wording in entry.get("challenges", []):
        _get_or_create(
            TerritoryChallenge,
            report,
            {"wording": wording},
            territory_id=territory.id,
            challenge_id=challenges[slug].id,
        )
    return territory


def _seed_tour(report: SeedReport) -> Tour:
    data = demo_data.TOUR
    return _get_or_create(
        Tour,
        report,
        {
            "title": data["title"],
            "description": data["description"],
            "principal": data["principal"],
            "start_date": date.fromisoformat(data["start_date"]),
            "end_date": date.fromisoformat(data["end_date"]),
        },
        slug=data["slug"],
    )


def _seed_stop(
    tour: Tour, entry: StopEntry, territories: dict[str, Territory], report: SeedReport
) -> None:
    territory = territories[entry["territory"]]
    exists = db.session.scalar(
        select(TourStop.id).where(
            TourStop.tour_id == tour.id, TourStop.territory_id == territory.id
        )
    )
    if exists:
        return
    day = date.fromisoformat(entry["day"])
    host = None
    if entry["host"]:
        host = db.session.scalar(
            select(Organisation).filter_by(territory_id=territory.id, name=entry["host"])
        )
    stop = TourStop(
        tour=tour,
        territory=territory,
        starts_at=local_to_utc(day, time.fromisoformat(entry["start"]), territory.timezone),
        ends_at=local_to_utc(day, time.fromisoformat(entry["end"]), territory.timezone),
        venue_name=entry["venue"],
        address=entry.get("address", ""),
        host_organisation=host,
        status=StopStatus.CONFIRMED,
        description=entry["description"],
    )
    db.session.add(stop)
    add_checklist_tasks(stop)
    report.count(TourStop.__tablename__)


def _seed_checklist(tour: Tour, report: SeedReport) -> None:
    """The template, once: a tour that has one keeps it as its coordinators made it."""
    if db.session.scalar(select(ChecklistItem.id).where(ChecklistItem.tour_id == tour.id)):
        return
    for position, (title, offset) in enumerate(demo_data.CHECKLIST, start=1):
        db.session.add(
            ChecklistItem(tour=tour, title=title, due_offset_days=offset, position=position)
        )
        report.count(ChecklistItem.__tablename__)


def _seed_speakers(territories: dict[str, Territory], report: SeedReport) -> dict[str, Speaker]:
    speakers: dict[str, Speaker] = {}
    for entry in demo_data.SPEAKERS:
        territory = territories[entry["territory"]] if entry["territory"] else None
        speakers[entry["name"]] = _get_or_create(
            Speaker,
            report,
            {
                "title": entry["title"],
                "organisation": entry["organisation"],
                "biography": entry.get("biography", ""),
                "territory_id": territory.id if territory else None,
            },
            name=entry["name"],
        )
    db.session.flush()
    return speakers


def _seed_programme(tour: Tour, speakers: dict[str, Speaker], report: SeedReport) -> None:
    stops = {stop.territory.slug: stop for stop in tour.stops}
    tour_speaker = speakers[demo_data.TOUR_SPEAKER]
    for stop in stops.values():
        _get_or_create(
            StopSpeaker,
            report,
            {"role": ParticipantRole.KEYNOTE, "position": 0},
            stop_id=stop.id,
            speaker_id=tour_speaker.id,
        )
    for entry in demo_data.ROUND_TABLES:
        stop = stops[entry["territory"]]
        exists = db.session.scalar(
            select(RoundTable.id).where(
                RoundTable.stop_id == stop.id, RoundTable.title == entry["title"]
            )
        )
        if exists:
            continue
        day, zone = stop.local_start.date(), stop.territory.timezone
        table = RoundTable(
            stop=stop,
            title=entry["title"],
            starts_at=local_to_utc(day, time.fromisoformat(entry["start"]), zone),
            ends_at=local_to_utc(day, time.fromisoformat(entry["end"]), zone),
            description=entry["description"],
        )
        table.participants = [
            RoundTableParticipant(speaker=speakers[name], role=ParticipantRole(role), position=i)
            for i, (name, role) in enumerate(entry["participants"])
        ]
        db.session.add(table)
        report.count(RoundTable.__tablename__)


def _seed_workshops(
    tour: Tour, territories: dict[str, Territory], speakers: dict[str, Speaker], report: SeedReport
) -> None:
    challenges = {c.slug: c for c in db.session.scalars(select(Challenge))}
    for entry in demo_data.WORKSHOPS:
        if db.session.scalar(
            select(Workshop.id).where(Workshop.tour_id == tour.id, Workshop.title == entry["title"])
        ):
            continue
        host = territories[entry["host"]]
        day = today_in_france() + timedelta(days=entry["days_from_seed"])
        workshop = Workshop(
            tour=tour,
            title=entry["title"],
            description=f"{entry['description']}\n\n{demo_data.EXAMPLE_NOTE}",
            challenge=challenges[entry["challenge"]],
            host_territory=host,
            territories=[territories[slug] for slug in entry["territories"]],
            facilitators=[speakers[name] for name in entry["facilitators"]],
            starts_at=local_to_utc(day, time(14), host.timezone),
            ends_at=local_to_utc(day, time(17), host.timezone),
            venue_name="Lieu à confirmer (exemple)",
            capacity=entry["capacity"],
            status=WorkshopStatus.OPEN,
        )
        db.session.add(workshop)
        _seed_demo_registrations(workshop, entry["demo_registrations"])
        report.count(Workshop.__tablename__)


def _seed_demo_registrations(workshop: Workshop, count: int) -> None:
    """Fictitious people, written directly (no mail is queued for them), each with the
    private feed link a registration through the service gets (their page shows it)."""
    now = datetime.now(UTC)
    for number in range(1, count + 1):
        workshop_registration = Registration(
            workshop=workshop,
            name=f"Participant·e de démonstration {number}",
            email=f"demo{number}@participants.example",
            token=new_token(),
            status=(
                RegistrationStatus.CONFIRMED
                if number <= workshop.capacity
                else RegistrationStatus.WAITLISTED
            ),
            consented_at=now,
            queue_key=number,
        )
        db.session.add(workshop_registration)
        participant_feed_link(workshop_registration.email)


def _seed_account(
    email: str,
    name: str,
    role: Role,
    password: str,
    territories: list[Territory],
    report: SeedReport,
    team_role: TeamRole = TeamRole.LEAD,
) -> None:
    if db.session.scalar(select(User.id).where(User.email == normalise_email(email))):
        return
    password = password or secrets.token_urlsafe(12)
    user = User(email=email, display_name=name, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    for territory in territories:
        add_member(user, territory, team_role)
    report.count(User.__tablename__)
    report.new_accounts.append((normalise_email(email), password))


def seed_demo(
    admin_email: str, admin_password: str, demo_password: str, first_release: bool | None = None
) -> SeedReport:
    """first_release: publish release "v1" (with its PDF, a few seconds); by default as the
    configuration says (DEMO_FIRST_RELEASE, off in tests that only need the data)."""
    if first_release is None:
        first_release = current_app.config["DEMO_FIRST_RELEASE"]
    report = SeedReport()
    challenges = _seed_challenges(report)
    db.session.flush()
    territories = {
        entry["slug"]: _seed_territory(entry, challenges, report) for entry in demo_data.TERRITORIES
    }
    tour = _seed_tour(report)
    db.session.flush()
    _seed_checklist(tour, report)
    db.session.flush()
    for entry in demo_data.STOPS:
        _seed_stop(tour, entry, territories, report)
    db.session.flush()
    db.session.expire(tour, ["stops"])
    speakers = _seed_speakers(territories, report)
    _seed_programme(tour, speakers, report)
    _seed_workshops(tour, territories, speakers, report)
    _seed_account(
        admin_email, "Administration de la tournée", Role.ADMIN, admin_password, [], report
    )
    for account in demo_data.DEMO_ORGANISERS:
        _seed_account(
            account["email"],
            account["name"],
            Role.ORGANISER,
            demo_password,
            [territories[slug] for slug in account["territories"]],
            report,
            TeamRole(account.get("team_role", TeamRole.LEAD.value)),
        )
    coordinator = demo_data.DEMO_COORDINATOR
    _seed_account(
        coordinator["email"], coordinator["name"], Role.COORDINATOR, demo_password, [], report
    )
    db.session.flush()
    if first_release:
        _seed_first_release(tour, coordinator["email"], report)
    return report


def _seed_first_release(tour: Tour, coordinator_email: str, report: SeedReport) -> None:
    """Release "v1" of the demo tour, once: the next release has something to compare with.
    Run again, the seed finds it and publishes nothing (a release with no change would be
    refused anyway)."""
    from services.publishing.releases import publish_release, releases_of

    if releases_of(tour):
        return
    by = db.session.scalar(select(User).where(User.email == normalise_email(coordinator_email)))
    publish_release(tour, "v1", demo_data.FIRST_RELEASE_NOTE, by)
    report.count("releases")


def database_is_empty() -> bool:
    return db.session.scalar(select(Tour.id).limit(1)) is None
