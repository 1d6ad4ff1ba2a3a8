"""Helpers shared by the tests: a small world of data, logging in, posting forms with CSRF."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from extensions import db
from models import Role, StopStatus, Territory, TerritoryKind, Tour, TourStop, User
from services.local_time import local_to_utc

PASSWORD = "mot-de-passe-de-test"
# A cheap hash for test accounts: the real one (scrypt) is checked in test_auth.
_FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

TERRITORIES = {
    "nantes": {
        "name": "Nantes Métropole",
        "kind": TerritoryKind.METROPOLIS,
        "lat": 47.2184,
        "lon": -1.5536,
    },
    "roubaix": {"name": "Roubaix", "kind": TerritoryKind.TOWN, "lat": 50.6942, "lon": 3.1746},
    "clermont": {
        "name": "Clermont-Ferrand",
        "kind": TerritoryKind.METROPOLIS,
        "lat": 45.7772,
        "lon": 3.0870,
    },
    "strasbourg": {
        "name": "Strasbourg Eurométropole",
        "kind": TerritoryKind.METROPOLIS,
        "lat": 48.5734,
        "lon": 7.7521,
        "holidays": "6AE",
    },
    "mayotte": {
        "name": "Mayotte",
        "kind": TerritoryKind.OVERSEAS_DEPARTMENT,
        "lat": -12.7806,
        "lon": 45.2279,
        "zone": "Indian/Mayotte",
        "holidays": "976",
    },
}


@dataclass
class World:
    tour_id: int
    tour_slug: str
    territory: dict[str, int]
    admin: str
    roubaix_organiser: str
    nantes_organiser: str
    nantes_stop_id: int
    clermont_draft_id: int


def make_user(email: str, role: Role, territories: list[Territory], name: str = "") -> User:
    user = User(email=email, display_name=name or email.split("@")[0], role=role)
    user.password_hash = _FAST_HASH
    user.territories = territories
    db.session.add(user)
    return user


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
        starts_at=local_to_utc(day, time.fromisoformat(start), territory.timezone),
        ends_at=local_to_utc(day, time.fromisoformat(end), territory.timezone),
        status=status,
        **extra,
    )
    db.session.add(stop)
    return stop


def build_world(app) -> World:
    with app.app_context():
        tour = Tour(
            title="Tournée de test",
            slug="tournee-test",
            principal="Christophe Itier",
            start_date=date(2019, 2, 1),
            end_date=date(2019, 12, 31),
        )
        territories = {}
        for slug, t in TERRITORIES.items():
            territories[slug] = Territory(
                name=t["name"],
                slug=slug,
                kind=t["kind"],
                latitude=t["lat"],
                longitude=t["lon"],
                timezone=t.get("zone", "Europe/Paris"),
                holiday_subdivision=t.get("holidays"),
            )
        db.session.add_all([tour, *territories.values()])
        make_user("admin@test.example", Role.ADMIN, [], "Admin")
        make_user("roubaix@test.example", Role.ORGANISER, [territories["roubaix"]], "Rémi Roubaix")
        make_user("nantes@test.example", Role.ORGANISER, [territories["nantes"]], "Nadia Nantes")
        nantes = make_stop(tour, territories["nantes"], date(2019, 2, 25), "10:00", "12:30")
        draft = make_stop(
            tour,
            territories["clermont"],
            date(2019, 4, 12),
            "14:00",
            "17:00",
            StopStatus.DRAFT,
            venue_name="Lieu secret du brouillon",
        )
        db.session.commit()
        return World(
            tour_id=tour.id,
            tour_slug=tour.slug,
            territory={slug: t.id for slug, t in territories.items()},
            admin="admin@test.example",
            roubaix_organiser="roubaix@test.example",
            nantes_organiser="nantes@test.example",
            nantes_stop_id=nantes.id,
            clermont_draft_id=draft.id,
        )


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client: FlaskClient, path: str = "/territories/") -> str:
    page = client.get(path)
    match = CSRF_META.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, **kwargs):
    """Post a form as a browser would: with the CSRF token of the session."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client)}, **kwargs)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> None:
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def stop_form(territory_id: int | str, day: str, start: str, end: str, **extra) -> dict:
    return {"territory_id": territory_id, "day": day, "start_time": start, "end_time": end, **extra}


def text_of(response) -> str:
    """The page's text with HTML entities as a reader sees them."""
    import html

    return html.unescape(response.get_data(as_text=True))


def utc(*args) -> datetime:
    from datetime import UTC

    return datetime(*args, tzinfo=UTC)
