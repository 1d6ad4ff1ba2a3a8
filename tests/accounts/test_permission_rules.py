"""Each organiser route applies the permission rule of services/permissions.py that names what
it protects: checked through the signal that `blueprints.access.require` sends."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from blueprints.access import permission_checked
from extensions import db
from models import (
    Challenge,
    Registration,
    RegistrationStatus,
    RoundTable,
    Speaker,
    Territory,
    Tour,
    Workshop,
    WorkshopStatus,
)
from services.local_time import local_to_utc
from tests.helpers import login, make_stop, post_form


@pytest.fixture
def roubaix(app, world) -> dict[str, int]:
    """A stop of Roubaix with a round table, a Roubaix speaker, and a workshop hosted by
    Roubaix with one registration."""
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        territory = db.session.get(Territory, world.territory["roubaix"])
        stop = make_stop(tour, territory, date(2019, 3, 12), "14:00", "16:00")
        table = RoundTable(
            stop=stop,
            title="Mobilités",
            starts_at=local_to_utc(date(2019, 3, 12), time(14), "Europe/Paris"),
            ends_at=local_to_utc(date(2019, 3, 12), time(15), "Europe/Paris"),
        )
        db.session.add(table)
        nantes = db.session.get(Territory, world.territory["nantes"])
        speaker = Speaker(name="Rita Roubaix", territory=territory)
        starts = datetime(2030, 6, 12, 12, 0, tzinfo=UTC)
        workshop = Workshop(
            tour=tour,
            title="Atelier de Roubaix",
            challenge=Challenge(name="Réemploi", slug="reemploi"),
            host_territory=territory,
            territories=[territory, nantes],
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            venue_name="La Condition publique",
            capacity=10,
            status=WorkshopStatus.OPEN,
        )
        registration = Registration(
            workshop=workshop,
            name="Camille",
            email="camille@example.org",
            token="t" * 43,
            status=RegistrationStatus.CONFIRMED,
            consented_at=starts,
            created_at=starts,
            queue_key=1,
        )
        db.session.add_all([table, speaker, workshop, registration])
        db.session.commit()
        return {
            "stop": stop.id,
            "table": table.id,
            "speaker": speaker.id,
            "workshop": workshop.id,
            "registration": registration.id,
        }


# (method, address, rule). Addresses are formatted with the ids above and the tour's slug.
ROUTES = [
    ("POST", "/board/stops/{stop}/status", "can_manage_stop"),
    ("GET", "/board/stops/{stop}/edit", "can_manage_stop"),
    ("GET", "/board/stops/{stop}/round-tables/new", "can_manage_stop"),
    ("POST", "/board/round-tables/{table}/edit", "can_manage_stop"),
    ("POST", "/board/round-tables/{table}/delete", "can_manage_stop"),
    ("POST", "/board/stops/{stop}/speakers", "can_manage_stop"),
    ("GET", "/stops/{stop}/badges.pdf?format=html", "can_manage_stop"),
    ("GET", "/board/tours/{slug}/stops/new?territoire=roubaix", "can_edit_territory"),
    ("GET", "/board/speakers/new", "can_edit_speakers"),
    ("GET", "/board/speakers/{speaker}/edit", "can_edit_speakers"),
    ("POST", "/board/speakers/{speaker}/calendar/regenerate", "can_edit_speakers"),
    ("GET", "/board/speakers/{speaker}/merge", "can_remove_speaker"),
    ("GET", "/board/speakers/{speaker}/delete", "can_remove_speaker"),
    ("GET", "/board/tours/{slug}/workshops/new", "can_plan_in_any_territory"),
    ("GET", "/board/workshops/{workshop}/edit", "can_manage_workshop"),
    ("POST", "/board/workshops/{workshop}/cancel", "can_manage_workshop"),
    ("GET", "/board/workshops/{workshop}/registrations.csv", "can_manage_workshop"),
    ("POST", "/board/registrations/{registration}/attendance", "can_manage_workshop"),
    ("GET", "/board/workshops/{workshop}/registrations", "can_view_registrants"),
    ("GET", "/workshops/{workshop}/sign-in-sheet.pdf?format=html", "can_view_registrants"),
    ("GET", "/workshops/{workshop}/badges.pdf?format=html", "can_view_registrants"),
    ("GET", "/admin/users/", "is_admin"),
]


def _request(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return post_form(client, url, {"version": 1, "status": "confirmed", "attended": "yes"})


def _checks_during(app, client, method: str, url: str) -> tuple[int, list[tuple[str, bool]]]:
    seen: list[tuple[str, bool]] = []

    def record(_sender, predicate, allowed, **_extra):
        seen.append((predicate.__name__, allowed))

    with permission_checked.connected_to(record, app):
        response = _request(client, method, url)
    return response.status_code, seen


@pytest.mark.parametrize(("method", "address", "rule"), ROUTES)
def test_route_applies_its_rule_and_admin_passes_it(
    app, client, world, roubaix, method, address, rule
):
    login(client, world.admin)
    status, seen = _checks_during(
        app, client, method, address.format(slug=world.tour_slug, **roubaix)
    )
    assert (rule, True) in seen
    assert status not in (302, 403) or method == "POST"  # a POST that succeeds redirects
    assert status != 403


@pytest.mark.parametrize(("method", "address", "rule"), ROUTES)
def test_route_refuses_an_organiser_of_another_territory_by_its_rule(
    app, client, world, roubaix, method, address, rule
):
    """Nantes takes part in the workshop: it may see who registered, not manage it; every
    other rule is refused to Nantes' organiser (speakers may be edited by any organiser)."""
    login(client, world.nantes_organiser)
    status, seen = _checks_during(
        app, client, method, address.format(slug=world.tour_slug, **roubaix)
    )
    expected = rule in ("can_edit_speakers", "can_view_registrants", "can_plan_in_any_territory")
    assert (rule, expected) in seen
    assert (status != 403) is expected


@pytest.mark.parametrize(("method", "address", "rule"), ROUTES)
def test_route_sends_a_visitor_to_the_login_page(
    app, client, world, roubaix, method, address, rule
):
    status, seen = _checks_during(
        app, client, method, address.format(slug=world.tour_slug, **roubaix)
    )
    assert status == 302
    assert seen == []  # turned away before any rule, or any lookup, is looked at
