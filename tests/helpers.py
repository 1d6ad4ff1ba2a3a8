"""Helpers shared by the tests: a small world of data, logging in, posting forms with CSRF,
reading pages and PDFs. The factories that build rows are in tests/factories.py."""

import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from flask.testing import FlaskClient
from pypdf import PdfReader

from extensions import db
from models import Role, StopStatus, Territory, TerritoryKind, Tour

PASSWORD = "mot-de-passe-de-test"

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


def build_world(app) -> World:
    # Imported here: the factories use this module's CSRF helper.
    from tests.factories import make_stop, make_user

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


def plain_spaces(text: str) -> str:
    """No-break spaces (French typography, tested on its own in tests/test_text.py) read as
    the spaces they are to a reader."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def text_of(response) -> str:
    """The page's text with HTML entities as a reader sees them, no-break spaces as spaces."""
    import html

    return plain_spaces(html.unescape(response.get_data(as_text=True)))


def utc(*args) -> datetime:
    from datetime import UTC

    return datetime(*args, tzinfo=UTC)


def read_pdf(response) -> PdfReader:
    """The PDF a response carries, once checked that it is one."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(response.data))


def pdf_texts(reader: PdfReader) -> list[str]:
    """Each page's text, spaces of every kind (no-break ones too) made plain."""
    return [re.sub(r"[ \u00a0\u202f]+", " ", page.extract_text() or "") for page in reader.pages]
