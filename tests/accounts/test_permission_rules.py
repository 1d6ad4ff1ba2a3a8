"""Each organiser route applies the permission rule of services/permissions.py that names what
it protects: checked through the signal that `blueprints.access.require` sends."""

from datetime import date

import pytest

from blueprints.access import permission_checked
from extensions import db
from models import Registration
from tests.factories import (
    add_round_table,
    add_speaker,
    add_workshop,
    make_stop,
    sign_up,
    territory_of,
    tour_of,
)
from tests.helpers import login, post_form


@pytest.fixture
def roubaix(app, world) -> dict[str, int]:
    """A stop of Roubaix with a round table, a Roubaix speaker, and a workshop hosted by
    Roubaix (Nantes takes part) with one registration."""
    with app.test_request_context():
        stop = make_stop(
            tour_of(world), territory_of(world, "roubaix"), date(2019, 3, 12), "14:00", "16:00"
        )
        table = add_round_table(stop, "Mobilités", "14:00", "15:00")
        speaker = add_speaker("Rita Roubaix", territory=territory_of(world, "roubaix"))
        workshop = add_workshop(world, host="roubaix", territories=("roubaix", "nantes"))
        db.session.commit()
        ids = {"stop": stop.id, "table": table.id, "speaker": speaker.id, "workshop": workshop.id}
    registration_id = sign_up(app, ids["workshop"], "Camille Martin")
    with app.app_context():
        assert db.session.get(Registration, registration_id) is not None
    return {**ids, "registration": registration_id}


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
    ("GET", "/board/tours/{slug}/registrations.xlsx", "can_export_registrants"),
    ("GET", "/board/tours/{slug}/programme.xlsx", "can_see_drafts"),
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
    """Nantes takes part in the workshop: it may see who registered, not manage it nor take
    the registrants away as a file; every other rule is refused to Nantes' organiser
    (speakers may be edited, and the whole programme exported, by any organiser)."""
    login(client, world.nantes_organiser)
    status, seen = _checks_during(
        app, client, method, address.format(slug=world.tour_slug, **roubaix)
    )
    expected = rule in (
        "can_edit_speakers",
        "can_view_registrants",
        "can_plan_in_any_territory",
        "can_see_drafts",
    )
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


@pytest.fixture
def coordinator(app) -> str:
    """An account of the national coordination: no territory of its own."""
    from models import Role
    from tests.factories import make_user

    with app.app_context():
        make_user("coordination@test.example", Role.COORDINATOR, [], "Coordination nationale")
        db.session.commit()
    return "coordination@test.example"


@pytest.mark.parametrize(("method", "address", "rule"), ROUTES)
def test_the_national_coordination_passes_every_rule_but_accounts(
    app, client, world, roubaix, coordinator, method, address, rule
):
    """It plans in every territory (stops, programmes, workshops, registrants) like an
    admin, without a territory of its own; only account administration stays closed."""
    login(client, coordinator)
    status, seen = _checks_during(
        app, client, method, address.format(slug=world.tour_slug, **roubaix)
    )
    allowed = rule != "is_admin"
    assert (rule, allowed) in seen
    assert (status != 403) is allowed
