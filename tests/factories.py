"""The factories shared by the tests: one way to build each kind of row.

Two kinds, told apart by their first argument:
- make_user, make_stop and the add_… builders take no app: they put rows in the session of
  the current app context and return them; the caller commits (or rolls back).
- the make_… factories that take the app open a request context, build, commit, and return
  the new row's id; sign_up registers through the service, register through the public form.

Relationships may be given as rows or as ids (a stop, a speaker), and times either as
"HH:MM" on a day in the territory's zone or as instants.
"""

import re
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from extensions import db
from models import (
    Availability,
    AvailabilityKind,
    Challenge,
    ParticipantRole,
    Role,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    StopStatus,
    Territory,
    TerritoryChallenge,
    Tour,
    TourStop,
    User,
    Workshop,
    WorkshopStatus,
)
from services.local_time import local_to_utc
from services.registration import registrations
from services.registration.workshops import (
    WorkshopFields,
    cancel_workshop,
    create_workshop,
    open_workshop,
)
from tests.helpers import PASSWORD, csrf_token

if TYPE_CHECKING:
    from tests.helpers import World

NOW = datetime.now(UTC)
# Workshops of the test tour take place on 12 June 2019; people register a month before.
WORKSHOP_DAY = date(2019, 6, 12)
REGISTERED_AT = datetime(2019, 5, 1, 10, 0, tzinfo=UTC)  # 12:00 in Paris (UTC+2)
REEMPLOI = ("Réemploi", "reemploi")  # the challenge of the workshops unless told otherwise

# A cheap hash for test accounts: the real one (scrypt) is checked in test_auth.
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")


# --- the plumbing --------------------------------------------------------------------------


def saved(app, build: Callable[..., Any], *args, **kwargs) -> int:
    """Run a builder in a request context of the app, commit, and give the new row's id."""
    with app.test_request_context():
        row = build(*args, **kwargs)
        db.session.commit()
        return row.id


def tour_of(world: "World") -> Tour:
    return db.session.get(Tour, world.tour_id)


def territory_of(world: "World", slug: str) -> Territory:
    return db.session.get(Territory, world.territory[slug])


def _instant(value: str | time | datetime, day: date, zone: str) -> datetime:
    """An instant as it is, or a wall-clock time ("HH:MM") on the day in the zone."""
    if isinstance(value, datetime):
        return value
    clock = value if isinstance(value, time) else time.fromisoformat(value)
    return local_to_utc(day, clock, zone)


def _row(name: str, value) -> dict:
    """A relationship given as a row or as its id, as keyword arguments of a model."""
    return {f"{name}_id": value} if isinstance(value, int) else {name: value}


# --- people and stops ----------------------------------------------------------------------


def make_user(email: str, role: Role, territories: list[Territory], name: str = "") -> User:
    user = User(email=email, display_name=name or email.split("@")[0], role=role)
    user.password_hash = _FAST_HASH
    user.territories = territories
    db.session.add(user)
    return user


def make_organiser(app, world: "World", slug: str, name: str) -> str:
    """An organiser of one territory, committed: their e-mail, slug@test.example."""
    email = f"{slug}@test.example"
    with app.app_context():
        make_user(email, Role.ORGANISER, [territory_of(world, slug)], name)
        db.session.commit()
    return email


def make_stop(
    tour: Tour,
    territory: Territory,
    day: date,
    start: str,
    end: str,
    status: StopStatus = StopStatus.CONFIRMED,
    **extra,
) -> TourStop:
    stop = TourStop(
        tour=tour,
        territory=territory,
        starts_at=_instant(start, day, territory.timezone),
        ends_at=_instant(end, day, territory.timezone),
        status=status,
        **extra,
    )
    db.session.add(stop)
    return stop


def make_roubaix_stop(app, world: "World", status: StopStatus = StopStatus.CONFIRMED) -> int:
    """Roubaix, Tuesday 12 March 2019, 14:00–16:00 (Paris)."""
    return saved(
        app,
        lambda: make_stop(
            tour_of(world),
            territory_of(world, "roubaix"),
            date(2019, 3, 12),
            "14:00",
            "16:00",
            status,
        ),
    )


# --- speakers and round tables -------------------------------------------------------------


def add_speaker(name: str, **fields) -> Speaker:
    speaker = Speaker(name=name, **fields)
    db.session.add(speaker)
    return speaker


def make_speaker(app, name: str, **fields) -> int:
    return saved(app, add_speaker, name, **fields)


def add_availability(
    speaker: Speaker | int,
    starts_at: datetime,
    ends_at: datetime,
    kind: AvailabilityKind = AvailabilityKind.UNAVAILABLE,
    **fields,
) -> Availability:
    """A window in which the speaker is unavailable (or, with kind, available)."""
    window = Availability(
        **_row("speaker", speaker), kind=kind, starts_at=starts_at, ends_at=ends_at, **fields
    )
    db.session.add(window)
    return window


def make_availability(
    app,
    speaker_id: int,
    starts_at: datetime,
    ends_at: datetime,
    kind: AvailabilityKind = AvailabilityKind.UNAVAILABLE,
    **fields,
) -> int:
    return saved(app, add_availability, speaker_id, starts_at, ends_at, kind, **fields)


def add_stop_speaker(
    stop: TourStop | int,
    speaker: Speaker | int,
    role: ParticipantRole = ParticipantRole.KEYNOTE,
    position: int = 0,
) -> StopSpeaker:
    """A speaker of the whole stop (not of one of its round tables)."""
    listing = StopSpeaker(
        **_row("stop", stop), **_row("speaker", speaker), role=role, position=position
    )
    db.session.add(listing)
    return listing


def make_stop_speaker(
    app, stop_id: int, speaker_id: int, role: ParticipantRole = ParticipantRole.KEYNOTE
) -> int:
    return saved(app, add_stop_speaker, stop_id, speaker_id, role)


def add_round_table(
    stop: TourStop | int,
    title: str,
    start: str | datetime,
    end: str | datetime,
    people: Iterable[tuple] = (),
    **fields,
) -> RoundTable:
    """A round table at a stop: start and end as "HH:MM" on the stop's day in its zone, or
    as instants. people: (speaker, role) pairs in their order, or (speaker, role, position)."""
    if isinstance(stop, int):
        stop = db.session.get(TourStop, stop)
    day, zone = stop.local_start.date(), stop.territory.timezone
    table = RoundTable(
        stop=stop,
        title=title,
        starts_at=_instant(start, day, zone),
        ends_at=_instant(end, day, zone),
        **fields,
    )
    for number, (speaker, role, *position) in enumerate(people):
        table.participants.append(
            RoundTableParticipant(
                **_row("speaker", speaker), role=role, position=position[0] if position else number
            )
        )
    db.session.add(table)
    return table


def make_round_table(
    app,
    stop_id: int,
    title: str,
    start: str | datetime,
    end: str | datetime,
    people: Iterable[tuple] = (),
    **fields,
) -> int:
    return saved(app, add_round_table, stop_id, title, start, end, people, **fields)


# --- challenges and workshops --------------------------------------------------------------


def add_challenge(name: str = "Mobilité", slug: str = "mobilite", shared_by=()) -> Challenge:
    """The challenge with this slug, made if it is new and then taken up by the territories
    whose ids are in shared_by."""
    challenge = db.session.scalar(select(Challenge).where(Challenge.slug == slug))
    if challenge is None:
        challenge = Challenge(name=name, slug=slug)
        challenge.territory_links = [TerritoryChallenge(territory_id=t) for t in shared_by]
        db.session.add(challenge)
    return challenge


def make_challenge(app, name: str = "Mobilité", slug: str = "mobilite", shared_by=()) -> int:
    return saved(app, add_challenge, name, slug, shared_by)


def add_workshop(
    world: "World",
    *,
    title: str = "Filière du réemploi",
    challenge: Challenge | tuple[str, str] = REEMPLOI,
    host: str = "nantes",
    territories: Iterable[str] = ("nantes", "roubaix"),
    day: date | None = None,
    start: str | time = "14:00",
    end: str | time = "16:00",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    capacity: int = 2,
    status: WorkshopStatus = WorkshopStatus.OPEN,
    venue_name: str = "Solilab",
    address: str = "",
    facilitators: Iterable[Speaker | tuple[str, str]] = (),
    registration_opens_at: datetime | None = None,
    registration_closes_at: datetime | None = None,
    through_service: bool = False,
    **extra,
) -> Workshop:
    """A workshop of the world's tour, hosted by a territory (slug) with others (slugs).

    When: start and end on a day in the host's zone; or the instants starts_at and ends_at;
    by default in ten days for three hours, so that people may register. The challenge is a
    row or a (name, slug) pair, found by its slug or made; facilitators are speakers or
    (name, organisation) pairs to make. Built from the models, or through_service as the
    organisers' form does (create_workshop, then open_workshop or cancel_workshop for the
    status): the service then gives the calendar sequence and the version. extra: other
    columns (stop, online_url, description)."""
    host_territory = territory_of(world, host)
    if starts_at is None and day is not None:
        zone = host_territory.timezone
        starts_at, ends_at = _instant(start, day, zone), _instant(end, day, zone)
    elif starts_at is None:
        starts_at, ends_at = NOW + timedelta(days=10), NOW + timedelta(days=10, hours=3)
    columns = dict(
        title=title,
        challenge=challenge if isinstance(challenge, Challenge) else add_challenge(*challenge),
        host_territory=host_territory,
        territories=[territory_of(world, slug) for slug in territories],
        starts_at=starts_at,
        ends_at=ends_at,
        venue_name=venue_name,
        address=address,
        capacity=capacity,
        status=status,
        facilitators=[
            person
            if isinstance(person, Speaker)
            else add_speaker(person[0], organisation=person[1])
            for person in facilitators
        ],
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        **extra,
    )
    if through_service:
        return _workshop_through_service(tour_of(world), columns)
    workshop = Workshop(tour=tour_of(world), **columns)
    db.session.add(workshop)
    return workshop


def _workshop_through_service(tour: Tour, columns: dict) -> Workshop:
    """The workshop the organisers' form makes of these columns: create_workshop, then
    open_workshop or cancel_workshop for its status."""
    db.session.flush()  # the ids of a new challenge and of new facilitators
    host = columns.pop("host_territory")

    def wall_clock(name: str) -> tuple[date | None, time | None]:
        instant = columns.pop(name)
        if instant is None:
            return None, None
        local = instant.astimezone(host.zone)
        return local.date(), local.time()

    day, start_time = wall_clock("starts_at")
    _same_day, end_time = wall_clock("ends_at")
    opens_day, opens_time = wall_clock("registration_opens_at")
    closes_day, closes_time = wall_clock("registration_closes_at")
    status, stop = columns.pop("status"), columns.pop("stop", None)
    workshop = create_workshop(
        tour,
        WorkshopFields(
            challenge_id=columns.pop("challenge").id,
            host_territory_id=host.id,
            territory_ids=[t.id for t in columns.pop("territories")],
            facilitator_ids=[s.id for s in columns.pop("facilitators")],
            stop_id=stop.id if stop else None,
            day=day,
            start_time=start_time,
            end_time=end_time,
            opens_day=opens_day,
            opens_time=opens_time,
            closes_day=closes_day,
            closes_time=closes_time,
            **columns,  # title, capacity, venue_name, address and the extra ones
        ),
    )
    if status == WorkshopStatus.OPEN:
        open_workshop(workshop)
    elif status == WorkshopStatus.CANCELLED:
        cancel_workshop(workshop)
    return workshop


def make_workshop(app, world: "World", **fields) -> int:
    """add_workshop, committed: the workshop's id."""
    return saved(app, add_workshop, world, **fields)


# --- registrations -------------------------------------------------------------------------


def sign_up(
    app, workshop_id: int, name: str, email: str | None = None, *, now=REGISTERED_AT, **fields
) -> int:
    """A registration through the service at the given time, committed: its id. The address
    is made from the name unless given; fields: organisation, territory_id, locale."""
    email = email or re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") + "@example.org"
    return saved(
        app,
        registrations.register,
        workshop_id,
        registrations.RegistrationFields(name=name, email=email, consent=True, **fields),
        now,
    )


def register(client: FlaskClient, workshop_id: int, email: str, name="Camille Martin", **extra):
    """A registration through the public form, as a visitor sends it: the response."""
    data = {"name": name, "email": email, "consent": "y", **extra}
    data["csrf_token"] = csrf_token(client, f"/workshops/{workshop_id}")
    return client.post(f"/workshops/{workshop_id}", data=data)
