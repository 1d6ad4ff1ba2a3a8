"""The organisers' workshop area: the form and its suggestions, opening and cancelling,
registrants (positions, promotion, cancellation, attendance, anonymisation), the CSV for
Excel, and who may do what."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from extensions import db
from models import (
    OutboxMail,
    PrivateFeed,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
)
from services.permissions import can_manage_workshop, can_view_registrants
from tests import factories
from tests.factories import WORKSHOP_DAY, make_challenge, make_organiser, sign_up
from tests.helpers import login, post_form, text_of

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)
CSV_HEADERS = [
    "Nom",
    "E-mail",
    "Structure",
    "Territoire",
    "Statut",
    "Position en liste d’attente",
    "Inscrit·e le",
    "Présence",
]


# --- building data -------------------------------------------------------------------------


# The workshops of these tests: 12 June 2019, 14:00–16:00 in Paris, made (and opened unless
# told otherwise) through the service, as the organisers' form does.
make_workshop = partial(
    factories.make_workshop,
    title="Mobilités partagées",
    capacity=3,
    day=WORKSHOP_DAY,
    through_service=True,
)


def statuses(app, *registration_ids) -> list[RegistrationStatus]:
    with app.app_context():
        return [db.session.get(Registration, r).status for r in registration_ids]


def workshop_row(app, workshop_id) -> Workshop:
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        db.session.expunge(workshop)
        return workshop


def confirmed_count(app, workshop_id) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.workshop_id == workshop_id, Registration.status == CONFIRMED
            )
        )


def workshop_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Workshop.id)))


def form_data(world, challenge, **extra) -> dict:
    return {
        "title": "Mobilités partagées",
        "description": "Covoiturage et transport solidaire.",
        "challenge_id": challenge,
        "host_territory_id": world.territory["nantes"],
        "territory_ids": [world.territory["nantes"], world.territory["roubaix"]],
        "day": "2019-06-12",
        "start_time": "14:00",
        "end_time": "16:00",
        "venue_name": "Solilab",
        "address": "8 rue Saint-Domingue, Nantes",
        "capacity": "20",
        **extra,
    }


def edit_data(app, workshop_id, **extra) -> dict:
    """The edit form as the page would send it back, with some fields changed."""
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        return {
            "title": workshop.title,
            "challenge_id": workshop.challenge_id,
            "host_territory_id": workshop.host_territory_id,
            "territory_ids": [t.id for t in workshop.territories],
            "day": workshop.local_start.date().isoformat(),
            "start_time": workshop.local_start.strftime("%H:%M"),
            "end_time": workshop.local_end.strftime("%H:%M"),
            "venue_name": workshop.venue_name,
            "capacity": str(workshop.capacity),
            "version": str(workshop.version),
            **extra,
        }


CHECKBOX = re.compile(r'<input[^>]*name="territory_ids"[^>]*>')


def territory_checkboxes(page: str) -> list[tuple[int, bool]]:
    """(territory id, checked) in the order of the form."""
    return [
        (
            int(re.search(r'value="(\d+)"', tag).group(1)),
            " checked" in tag or "<input checked" in tag,
        )
        for tag in CHECKBOX.findall(page)
    ]


def checked_territories(page: str) -> set[int]:
    return {value for value, checked in territory_checkboxes(page) if checked}


def suggested_names(page: str) -> list[str]:
    items = re.findall(r'<li class="suggested">(.*?)</li>', page, re.DOTALL)
    assert all("partage ce défi" in item for item in items)
    return [re.search(r"<label[^>]*>(.*?)</label>", item).group(1) for item in items]


ROW = re.compile(r'<tr id="registration-(\d+)"[^>]*>(.*?)</tr>', re.DOTALL)


def positions(page: str) -> dict[int, str]:
    """Registration id → the position shown in its row ("" when none)."""
    return {
        int(rid): re.search(r'<td class="position">(.*?)</td>', row).group(1)
        for rid, row in ROW.findall(page)
    }


def read_csv(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))


# --- the list ------------------------------------------------------------------------------


def test_board_links_to_the_workshop_list(app, client, world):
    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/board/tours/{world.tour_slug}/"))
    assert f'href="/board/tours/{world.tour_slug}/workshops"' in page


def test_empty_workshop_list(app, client, world):
    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/board/tours/{world.tour_slug}/workshops"))
    assert "Aucun atelier pour cette tournée." in page
    assert "Nouvel atelier" in page


def test_workshop_list_shows_every_status_with_counts(app, client, world):
    full = make_workshop(app, world, capacity=1, title="Atelier complet")
    make_workshop(app, world, title="Atelier en préparation", status=WorkshopStatus.DRAFT)
    for name in ("Ana", "Basile", "Chloé"):
        sign_up(app, full, name)
    login(client, world.roubaix_organiser)
    page = text_of(client.get(f"/board/tours/{world.tour_slug}/workshops"))
    assert "Atelier complet" in page and "Atelier en préparation" in page
    assert "Brouillon" in page and "Ouvert" in page
    assert "Confirmées : 1 / 1" in page
    assert "Liste d’attente : 2" in page
    assert "mercredi 12 juin 2019, 14 h 00 – 16 h 00 (Europe/Paris, UTC+02:00)" in page
    assert "Défi : Réemploi" in page
    assert "Nantes Métropole (hôte), Roubaix" in page


def test_unknown_tour_or_workshop_is_404(app, client, world):
    login(client, world.admin)
    assert client.get("/board/tours/nope/workshops").status_code == 404
    assert client.get("/board/workshops/999999/edit").status_code == 404
    assert client.get("/board/workshops/999999/registrations").status_code == 404
    assert client.get("/board/workshops/999999/registrations.csv").status_code == 404
    for action in ("promote", "cancel", "attendance", "anonymise"):
        response = post_form(client, f"/board/registrations/999999/{action}", {"attended": "yes"})
        assert response.status_code == 404, action


# --- creating and editing ------------------------------------------------------------------


def test_organiser_creates_a_workshop_through_the_form(app, client, world):
    challenge = make_challenge(app)
    login(client, world.nantes_organiser)
    form = text_of(client.get(f"/board/tours/{world.tour_slug}/workshops/new"))
    host_select = re.search(
        r'<select[^>]*id="host_territory_id".*?</select>', form, re.DOTALL
    ).group(0)
    assert "Nantes Métropole" in host_select and "Roubaix" not in host_select
    response = post_form(
        client, f"/board/tours/{world.tour_slug}/workshops/new", form_data(world, challenge)
    )
    assert response.status_code == 302
    with app.app_context():
        workshop = db.session.scalar(select(Workshop))
        assert response.headers["Location"] == f"/board/workshops/{workshop.id}/edit"
        assert workshop.status == WorkshopStatus.DRAFT
        assert workshop.host_territory.slug == "nantes"
        assert {t.slug for t in workshop.territories} == {"nantes", "roubaix"}
        assert workshop.local_start.strftime("%H:%M") == "14:00"
        assert workshop.starts_at.hour == 12  # UTC+2 in June
        assert workshop.capacity == 20
    page = text_of(client.get(response.headers["Location"]))
    assert "créé en brouillon" in page
    assert 'value="14:00"' in page  # the edit form shows local time


def test_admin_may_host_anywhere_in_local_time(app, client, world):
    challenge = make_challenge(app)
    login(client, world.admin)
    data = form_data(
        world,
        challenge,
        host_territory_id=world.territory["mayotte"],
        territory_ids=[world.territory["nantes"]],
        venue_name="",
        online_url="https://visio.example.org/atelier",
    )
    response = post_form(client, f"/board/tours/{world.tour_slug}/workshops/new", data)
    assert response.status_code == 302
    with app.app_context():
        workshop = db.session.scalar(select(Workshop))
        assert workshop.zone_name == "Indian/Mayotte"
        assert workshop.starts_at.hour == 11  # 14:00 in Mayotte is 11:00 UTC
        assert {t.slug for t in workshop.territories} == {"mayotte", "nantes"}


@pytest.mark.parametrize(
    "override,field,message",
    [
        (
            lambda world: {"territory_ids": [world.territory["nantes"]]},
            "territory_ids",
            "au moins deux territoires",
        ),
        ({"end_time": "13:00"}, "end_time", "La fin doit être postérieure au début."),
        (
            {"venue_name": "", "online_url": ""},
            "venue_name",
            "Indiquez un lieu, ou un lien de réunion en ligne.",
        ),
        ({"online_url": "javascript:alert(1)"}, "online_url", "doit commencer par https://"),
        (
            {"closes_day": "2019-06-13"},
            "closes_day",
            "au plus tard à la fin de l’atelier",
        ),
        ({"opens_time": "09:00"}, "opens_time", "Indiquez aussi le jour d’ouverture"),
        ({"challenge_id": ""}, "challenge_id", "Défi inconnu"),
        ({"title": ""}, "title", "Indiquez le titre de l’atelier."),
        ({"capacity": "-1"}, "capacity", "0 ou plus"),
        ({"territory_ids": ["999999"]}, "territory_ids", "Territoire inconnu"),
        ({"capacity": str(2**31)}, "capacity", "0 ou plus (100000 au plus)"),
        ({"capacity": "100001"}, "capacity", "0 ou plus (100000 au plus)"),
        ({"territory_ids": [str(2**63)]}, "territory_ids", "Territoire inconnu"),
        ({"host_territory_id": str(2**31)}, "host_territory_id", "Territoire hôte inconnu"),
        ({"challenge_id": str(2**63)}, "challenge_id", "Défi inconnu"),
        ({"stop_id": str(2**31)}, "stop_id", "Étape inconnue"),
        ({"stop_id": "abc"}, "stop_id", "Étape inconnue"),
        ({"facilitator_ids": [str(2**31)]}, "facilitator_ids", "Intervenant·e inconnu·e"),
        ({"day": "0001-01-01"}, "day", "Indiquez une date comprise entre 1900 et 2999."),
        ({"opens_day": "0001-01-01"}, "opens_day", "comprise entre 1900 et 2999"),
        ({"closes_day": "9999-12-31"}, "closes_day", "comprise entre 1900 et 2999"),
    ],
)
def test_invalid_workshop_is_refused_and_nothing_written(
    app, client, world, override, field, message
):
    challenge = make_challenge(app)
    if callable(override):
        override = override(world)
    login(client, world.nantes_organiser)
    response = post_form(
        client,
        f"/board/tours/{world.tour_slug}/workshops/new",
        form_data(world, challenge, **override),
    )
    assert response.status_code == 400
    page = text_of(response)
    error = re.search(rf'<p class="[^"]*field-error[^"]*" id="{field}-error">(.*?)</p>', page)
    assert error, page
    assert message in error.group(1)
    assert workshop_count(app) == 0


def test_hosting_in_someone_elses_territory_is_forbidden(app, client, world):
    challenge = make_challenge(app)
    login(client, world.nantes_organiser)
    response = post_form(
        client,
        f"/board/tours/{world.tour_slug}/workshops/new",
        form_data(world, challenge, host_territory_id=world.territory["roubaix"]),
    )
    assert response.status_code == 403
    assert "Roubaix n’en fait pas partie" in text_of(response)
    assert workshop_count(app) == 0


def test_handing_a_workshop_to_another_territory_is_forbidden(app, client, world):
    workshop_id = make_workshop(app, world)
    login(client, world.nantes_organiser)
    response = post_form(
        client,
        f"/board/workshops/{workshop_id}/edit",
        edit_data(app, workshop_id, host_territory_id=world.territory["roubaix"]),
    )
    assert response.status_code == 403
    assert workshop_row(app, workshop_id).host_territory_id == world.territory["nantes"]


def test_workshop_cannot_be_attached_to_another_territory_stop(app, client, world):
    """The Clermont stop's programme would print it: Nantes' organiser may not put it there,
    neither when creating nor when editing, and is not offered that stop."""
    challenge = make_challenge(app)
    login(client, world.nantes_organiser)
    clermont_stop = world.clermont_draft_id
    response = post_form(
        client,
        f"/board/tours/{world.tour_slug}/workshops/new",
        form_data(world, challenge, stop_id=clermont_stop),
    )
    assert response.status_code == 403
    assert "Clermont-Ferrand n’en fait pas partie" in text_of(response)
    assert workshop_count(app) == 0
    workshop_id = make_workshop(app, world)
    response = post_form(
        client,
        f"/board/workshops/{workshop_id}/edit",
        edit_data(app, workshop_id, stop_id=clermont_stop),
    )
    assert response.status_code == 403
    assert workshop_row(app, workshop_id).stop_id is None
    page = client.get(f"/board/workshops/{workshop_id}/edit").get_data(as_text=True)
    stops = re.search(r'<select[^>]*name="stop_id".*?</select>', page, re.S).group(0)
    assert set(re.findall(r'value="(\d+)"', stops)) == {str(world.nantes_stop_id)}


def test_edit_saves_and_goes_to_the_registrants(app, client, world):
    workshop_id = make_workshop(app, world)
    login(client, world.nantes_organiser)
    response = post_form(
        client, f"/board/workshops/{workshop_id}/edit", edit_data(app, workshop_id, title="Neuf")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/board/workshops/{workshop_id}/registrations"
    assert workshop_row(app, workshop_id).title == "Neuf"
    assert "Atelier « Neuf » enregistré." in text_of(client.get(response.headers["Location"]))


def test_stale_edit_is_refused_and_input_kept(app, client, world):
    workshop_id = make_workshop(app, world)
    login(client, world.nantes_organiser)
    url = f"/board/workshops/{workshop_id}/edit"
    stale = edit_data(app, workshop_id)
    first = post_form(client, url, {**stale, "title": "Première version"})
    assert first.status_code == 302
    refused = post_form(client, url, {**stale, "title": "Version périmée"})
    assert refused.status_code == 409
    page = text_of(refused)
    assert "a été modifié par quelqu’un d’autre" in page
    assert 'value="Version périmée"' in page  # their input is kept
    current = workshop_row(app, workshop_id)
    assert current.title == "Première version"
    assert f'name="version" type="hidden" value="{current.version}"' in page
    # Saving again is now a deliberate choice, and it works.
    again = post_form(client, url, edit_data(app, workshop_id, title="Version périmée"))
    assert again.status_code == 302


# --- suggestions ---------------------------------------------------------------------------


def test_new_form_suggests_the_territories_sharing_the_challenge(app, client, world):
    shared = make_challenge(app, shared_by=(world.territory["nantes"], world.territory["clermont"]))
    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/board/tours/{world.tour_slug}/workshops/new?defi={shared}"))
    assert re.search(rf'<option selected value="{shared}">Mobilité</option>', page)
    assert checked_territories(page) == {world.territory["nantes"], world.territory["clermont"]}
    assert suggested_names(page) == ["Clermont-Ferrand", "Nantes Métropole"]
    order = [value for value, _checked in territory_checkboxes(page)]
    assert order[:2] == [world.territory["clermont"], world.territory["nantes"]]
    assert len(order) == 5


def test_unknown_challenge_in_new_form_is_404(app, client, world):
    login(client, world.nantes_organiser)
    url = f"/board/tours/{world.tour_slug}/workshops/new"
    assert client.get(f"{url}?defi=999999").status_code == 404
    assert client.get(f"{url}?defi=abc").status_code == 404


@pytest.mark.parametrize("path", ["new", "edit"])
def test_suggest_button_checks_the_suggestions_and_saves_nothing(app, client, world, path):
    shared = make_challenge(app, shared_by=(world.territory["nantes"], world.territory["clermont"]))
    workshop_id = make_workshop(app, world, status=WorkshopStatus.DRAFT)
    before = workshop_row(app, workshop_id)
    login(client, world.nantes_organiser)
    if path == "new":
        url = f"/board/tours/{world.tour_slug}/workshops/new"
        data = {"challenge_id": shared, "territory_ids": [world.territory["strasbourg"]]}
    else:
        url = f"/board/workshops/{workshop_id}/edit"
        data = edit_data(
            app,
            workshop_id,
            challenge_id=shared,
            title="",
            territory_ids=[world.territory["strasbourg"]],
        )
    response = post_form(client, url, {**data, "suggest": "1"})
    assert response.status_code == 200
    page = text_of(response)
    assert checked_territories(page) == {
        world.territory["strasbourg"],
        world.territory["nantes"],
        world.territory["clermont"],
    }
    assert "partage ce défi" in page
    assert "field-error" not in page  # a suggestion is not a save: no validation
    assert workshop_count(app) == 1
    after = workshop_row(app, workshop_id)
    assert (after.title, after.challenge_id, after.version) == (
        before.title,
        before.challenge_id,
        before.version,
    )


# --- capacity ------------------------------------------------------------------------------


def test_capacity_below_confirmed_is_refused(app, client, world):
    workshop_id = make_workshop(app, world, capacity=2)
    for name in ("Ana", "Basile", "Chloé"):
        sign_up(app, workshop_id, name)
    login(client, world.nantes_organiser)
    response = post_form(
        client, f"/board/workshops/{workshop_id}/edit", edit_data(app, workshop_id, capacity="1")
    )
    assert response.status_code == 400
    error = re.search(r'id="capacity-error">(.*?)</p>', text_of(response)).group(1)
    assert "déjà confirmées" in error
    assert workshop_row(app, workshop_id).capacity == 2
    assert confirmed_count(app, workshop_id) == 2


def test_raising_capacity_promotes_the_waiting_list_in_order(app, client, world):
    workshop_id = make_workshop(app, world, capacity=1)
    ana, basile, chloe, david = (
        sign_up(app, workshop_id, name) for name in ("Ana", "Basile", "Chloé", "David")
    )
    assert statuses(app, ana, basile, chloe, david) == [
        CONFIRMED,
        WAITLISTED,
        WAITLISTED,
        WAITLISTED,
    ]
    login(client, world.nantes_organiser)
    response = post_form(
        client, f"/board/workshops/{workshop_id}/edit", edit_data(app, workshop_id, capacity="3")
    )
    assert response.status_code == 302
    assert statuses(app, ana, basile, chloe, david) == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]
    with app.app_context():
        promoted = db.session.scalars(
            select(OutboxMail.registration_id).where(OutboxMail.kind == "promoted")
        ).all()
        assert sorted(promoted) == sorted([basile, chloe])
    page = text_of(client.get(response.headers["Location"]))
    assert positions(page)[david] == "1"


# --- opening and cancelling ----------------------------------------------------------------


def test_opening_a_draft_makes_it_public(app, client, world):
    workshop_id = make_workshop(app, world, status=WorkshopStatus.DRAFT)
    assert app.test_client().get(f"/workshops/{workshop_id}").status_code == 404
    login(client, world.nantes_organiser)
    response = post_form(client, f"/board/workshops/{workshop_id}/open", {})
    assert response.status_code == 302
    assert workshop_row(app, workshop_id).status == WorkshopStatus.OPEN
    assert "il est public et prend les inscriptions" in text_of(
        client.get(response.headers["Location"])
    )
    assert app.test_client().get(f"/workshops/{workshop_id}").status_code == 200


def test_cancelled_workshop_cannot_be_reopened(app, client, world):
    workshop_id = make_workshop(app, world)
    login(client, world.nantes_organiser)
    post_form(client, f"/board/workshops/{workshop_id}/cancel", {"confirmation": "oui"})
    response = post_form(client, f"/board/workshops/{workshop_id}/open", {})
    assert response.status_code == 400
    assert "ne peut pas être rouvert" in text_of(response)
    assert workshop_row(app, workshop_id).status == WorkshopStatus.CANCELLED


def test_cancelling_a_workshop_tells_every_active_registrant(app, client, world):
    workshop_id = make_workshop(app, world, capacity=2)
    ana, basile, chloe, david = (
        sign_up(app, workshop_id, name) for name in ("Ana", "Basile", "Chloé", "David")
    )
    login(client, world.nantes_organiser)
    post_form(client, f"/board/registrations/{david}/cancel", {"confirmation": "oui"})
    page = text_of(client.get(f"/board/workshops/{workshop_id}/edit"))
    assert 'data-confirm-dialog="annuler-atelier"' in page and "Oui, annuler l’atelier" in page
    response = post_form(client, f"/board/workshops/{workshop_id}/cancel", {"confirmation": "oui"})
    assert response.status_code == 302
    assert "3 personnes inscrites sont prévenues" in text_of(
        client.get(response.headers["Location"])
    )
    with app.app_context():
        told = db.session.scalars(
            select(OutboxMail.registration_id).where(OutboxMail.kind == "workshop_cancelled")
        ).all()
        assert sorted(told) == sorted([ana, basile, chloe])
    assert workshop_row(app, workshop_id).status == WorkshopStatus.CANCELLED
    public = text_of(app.test_client().get(f"/workshops/{workshop_id}"))
    assert "ANNULÉ –" in public
    assert "Cet atelier est annulé" in public


# --- registrants ---------------------------------------------------------------------------


@pytest.fixture
def queue(app, world):
    """A workshop with one seat: Ana has it, Basile, Chloé and David wait in that order."""
    workshop_id = make_workshop(app, world, capacity=1)
    ids = [sign_up(app, workshop_id, name) for name in ("Ana", "Basile", "Chloé", "David")]
    return workshop_id, ids


def test_registrants_page_shows_waiting_positions_and_counts(app, client, world, queue):
    workshop_id, (ana, basile, chloe, david) = queue
    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/board/workshops/{workshop_id}/registrations"))
    assert positions(page) == {ana: "", basile: "1", chloe: "2", david: "3"}
    assert list(positions(page)) == [ana, basile, chloe, david]
    assert "ana@example.org" in page
    assert "01/05/2019 12:00" in page  # registered at, in Paris time
    assert re.search(r"<strong>1 / 1</strong>\s*confirmées", page)
    assert re.search(r"<strong>3</strong>\s*en liste d’attente", page)
    assert f"/board/workshops/{workshop_id}/registrations.csv" in page


def test_promote_moves_to_the_front_when_full(app, client, world, queue):
    _workshop_id, (ana, basile, chloe, david) = queue
    login(client, world.nantes_organiser)
    response = post_form(client, f"/board/registrations/{david}/promote", {})
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "David passe en tête de la liste d’attente" in page
    assert positions(page) == {ana: "", david: "1", basile: "2", chloe: "3"}
    assert statuses(app, david) == [WAITLISTED]
    # The next seat freed goes to David, not to Basile who came first.
    response = post_form(client, f"/board/registrations/{ana}/cancel", {"confirmation": "oui"})
    page = text_of(client.get(response.headers["Location"]))
    assert "David quitte la liste d’attente" in page
    assert statuses(app, ana, basile, chloe, david) == [
        CANCELLED,
        WAITLISTED,
        WAITLISTED,
        CONFIRMED,
    ]
    assert positions(page)[basile] == "1"


def test_promote_confirms_at_once_when_a_seat_is_free(app, client, world, queue):
    _workshop_id, (ana, basile, chloe, _david) = queue
    with app.app_context():  # a seat freed without the waiting list moving (e.g. by hand)
        db.session.get(Registration, ana).status = CANCELLED
        db.session.commit()
    login(client, world.nantes_organiser)
    response = post_form(client, f"/board/registrations/{chloe}/promote", {})
    assert "Chloé a une place : inscription confirmée." in text_of(
        client.get(response.headers["Location"])
    )
    assert statuses(app, basile, chloe) == [WAITLISTED, CONFIRMED]
    with app.app_context():
        assert db.session.scalar(
            select(OutboxMail.id).where(
                OutboxMail.kind == "promoted", OutboxMail.registration_id == chloe
            )
        )


def test_promoting_someone_not_waiting_is_refused_on_the_page(app, client, world, queue):
    _workshop_id, (ana, *_rest) = queue
    login(client, world.nantes_organiser)
    response = post_form(client, f"/board/registrations/{ana}/promote", {})
    assert response.status_code == 409
    page = text_of(response)
    assert "Seule une personne en liste d’attente peut être promue." in page
    assert "ana@example.org" in page  # the registrants page, re-rendered
    assert statuses(app, ana) == [CONFIRMED]


def test_cancelling_a_confirmed_registration_promotes_the_next(app, client, world, queue):
    _workshop_id, (ana, basile, chloe, david) = queue
    login(client, world.nantes_organiser)
    response = post_form(client, f"/board/registrations/{ana}/cancel", {"confirmation": "oui"})
    assert response.status_code == 302
    assert statuses(app, ana, basile, chloe, david) == [
        CANCELLED,
        CONFIRMED,
        WAITLISTED,
        WAITLISTED,
    ]
    page = text_of(client.get(response.headers["Location"]))
    assert positions(page) == {basile: "", chloe: "1", david: "2", ana: ""}
    with app.app_context():
        kinds = dict(
            db.session.execute(
                select(OutboxMail.registration_id, OutboxMail.kind).where(
                    OutboxMail.kind.in_(["cancelled", "promoted"])
                )
            ).all()
        )
        assert kinds == {ana: "cancelled", basile: "promoted"}
    # Cancelling again changes nothing.
    again = post_form(client, f"/board/registrations/{ana}/cancel", {"confirmation": "oui"})
    assert "déjà annulée" in text_of(client.get(again.headers["Location"]))
    assert statuses(app, basile) == [CONFIRMED]


def test_cancelling_a_waiting_registration_closes_the_gap(app, client, world, queue):
    _workshop_id, (ana, basile, chloe, david) = queue
    login(client, world.nantes_organiser)
    response = post_form(client, f"/board/registrations/{basile}/cancel", {"confirmation": "oui"})
    page = text_of(client.get(response.headers["Location"]))
    assert positions(page) == {ana: "", chloe: "1", david: "2", basile: ""}
    assert statuses(app, ana) == [CONFIRMED]


def test_attendance_is_saved_once_the_workshop_has_started(app, client, world, queue):
    workshop_id, (ana, *_rest) = queue
    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/board/workshops/{workshop_id}/registrations"))
    assert f"/board/registrations/{ana}/attendance" in page  # 12 June 2019 is past
    url = f"/board/registrations/{ana}/attendance"
    for sent, stored, shown in (
        ("yes", True, "Présent·e"),
        ("no", False, "Absent·e"),
        ("", None, "—"),
    ):
        response = post_form(client, url, {"attended": sent})
        assert response.status_code == 302
        with app.app_context():
            assert db.session.get(Registration, ana).attended is stored
        page = text_of(client.get(response.headers["Location"]))
        row = dict(ROW.findall(page))[str(ana)]
        assert f"<td>{shown}</td>" in row
    for bad in ({"attended": "maybe"}, {}):
        assert post_form(client, url, bad).status_code == 400
    with app.app_context():
        assert db.session.get(Registration, ana).attended is None


def test_no_attendance_buttons_before_the_workshop(app, client, world):
    soon = (datetime.now(UTC) + timedelta(days=30)).date()
    workshop_id = make_workshop(app, world, day=soon)
    sign_up(app, workshop_id, "Ana", now=datetime.now(UTC))
    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/board/workshops/{workshop_id}/registrations"))
    assert "Ana" in page
    assert "/attendance" not in page
    assert "Promouvoir" not in page  # nobody waits


def test_anonymise_erases_the_person_but_keeps_the_count(app, client, world):
    workshop_id = make_workshop(app, world, capacity=2)
    helene = sign_up(app, workshop_id, "Hélène Éluard", "helene@example.org", organisation="CRESS")
    sign_up(app, workshop_id, "Bruno Second")
    with app.app_context():
        old_token = db.session.get(Registration, helene).token
    assert app.test_client().get(f"/registrations/{old_token}").status_code == 200
    before = confirmed_count(app, workshop_id)
    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/board/workshops/{workshop_id}/registrations"))
    assert "Hélène Éluard" in page and f'data-confirm-dialog="anonymiser-{helene}"' in page
    response = post_form(
        client, f"/board/registrations/{helene}/anonymise", {"confirmation": "oui"}
    )
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Inscription anonymisée" in page
    assert "Hélène Éluard" not in page and "helene@example.org" not in page
    assert "Participant·e anonymisé·e" in page
    exported = text_of(client.get(f"/board/workshops/{workshop_id}/registrations.csv"))
    assert "Hélène" not in exported and "helene@example.org" not in exported
    assert "CRESS" not in exported
    assert confirmed_count(app, workshop_id) == before == 2
    assert statuses(app, helene) == [CONFIRMED]
    assert app.test_client().get(f"/registrations/{old_token}").status_code == 404
    with app.app_context():
        assert not db.session.scalar(
            select(OutboxMail.id).where(OutboxMail.registration_id == helene)
        )


def private_feed_token(app, email: str) -> str | None:
    with app.app_context():
        return db.session.scalar(select(PrivateFeed.token).where(PrivateFeed.email == email))


def test_anonymising_someones_only_registration_deletes_their_private_feed(app, client, world):
    workshop_id = make_workshop(app, world)
    helene = sign_up(app, workshop_id, "Hélène Éluard", "helene@example.org")
    token = private_feed_token(app, "helene@example.org")
    assert token and client.get(f"/calendar/private/{token}.ics").status_code == 200
    login(client, world.nantes_organiser)
    assert (
        post_form(
            client, f"/board/registrations/{helene}/anonymise", {"confirmation": "oui"}
        ).status_code
        == 302
    )
    assert private_feed_token(app, "helene@example.org") is None
    assert client.get(f"/calendar/private/{token}.ics").status_code == 404


def test_anonymising_one_of_someones_registrations_keeps_their_feed_without_it(app, client, world):
    erased = make_workshop(app, world)
    kept = make_workshop(app, world, title="Tiers-lieux et emploi")
    helene = sign_up(app, erased, "Hélène Éluard", "helene@example.org")
    sign_up(app, kept, "Hélène Éluard", "helene@example.org")
    token = private_feed_token(app, "helene@example.org")
    url = f"/calendar/private/{token}.ics"
    assert "Mobilités partagées".encode() in client.get(url).data
    login(client, world.nantes_organiser)
    assert (
        post_form(
            client, f"/board/registrations/{helene}/anonymise", {"confirmation": "oui"}
        ).status_code
        == 302
    )
    assert private_feed_token(app, "helene@example.org") == token
    feed = client.get(url)
    assert feed.status_code == 200
    assert b"Tiers-lieux et emploi" in feed.data
    assert "Mobilités partagées".encode() not in feed.data


# --- the CSV -------------------------------------------------------------------------------


def test_csv_for_french_excel(app, client, world):
    workshop_id = make_workshop(app, world, capacity=1, title="Réemploi & économie circulaire")
    helene = sign_up(
        app,
        workshop_id,
        "Hélène Éluard",
        "helene@example.org",
        organisation="Les Écossolies",
        territory_id=world.territory["nantes"],
    )
    sign_up(app, workshop_id, '=HYPERLINK("http://evil.example","clic")', "evil@example.org")
    sign_up(app, workshop_id, "Zoé", "zoe@example.org", organisation="+33 6 12 34 56 78")
    cancelled = sign_up(app, workshop_id, "Yves", "yves@example.org", organisation="@cress")
    login(client, world.nantes_organiser)
    post_form(client, f"/board/registrations/{cancelled}/cancel", {"confirmation": "oui"})
    post_form(client, f"/board/registrations/{helene}/attendance", {"attended": "yes"})

    response = client.get(f"/board/workshops/{workshop_id}/registrations.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="inscrits-reemploi-economie-circulaire.csv"'
    )
    raw = response.get_data()
    assert b"\r\n" in raw and raw.count(b"\r\n") == raw.count(b"\n")
    rows = read_csv(response)
    assert rows[0] == CSV_HEADERS
    assert rows[1:] == [
        [
            "Hélène Éluard",
            "helene@example.org",
            "Les Écossolies",
            "Nantes Métropole",
            "Confirmée",
            "",
            "01/05/2019 12:00",
            "Présent·e",
        ],
        [
            '\'=HYPERLINK("http://evil.example","clic")',
            "evil@example.org",
            "",
            "",
            "Liste d’attente",
            "1",
            "01/05/2019 12:00",
            "",
        ],
        [
            "Zoé",
            "zoe@example.org",
            "'+33 6 12 34 56 78",
            "",
            "Liste d’attente",
            "2",
            "01/05/2019 12:00",
            "",
        ],
        ["Yves", "yves@example.org", "'@cress", "", "Annulée", "", "01/05/2019 12:00", ""],
    ]


def test_csv_dates_in_the_host_zone(app, client, world):
    workshop_id = make_workshop(app, world, host="mayotte", territories=("mayotte", "nantes"))
    sign_up(app, workshop_id, "Ana")
    login(client, world.admin)
    rows = read_csv(client.get(f"/board/workshops/{workshop_id}/registrations.csv"))
    assert rows[1][6] == "01/05/2019 13:00"  # 10:00 UTC is 13:00 in Mayotte


# --- who may do what -----------------------------------------------------------------------


@pytest.fixture
def setting(app, world):
    """A workshop hosted by Nantes with Clermont taking part; its organiser has an account.
    Ana is confirmed, Basile waits."""
    make_organiser(app, world, "clermont", "Claire Clermont")
    challenge = make_challenge(app)
    workshop_id = make_workshop(app, world, capacity=1, territories=("nantes", "clermont"))
    draft_id = make_workshop(
        app, world, territories=("nantes", "clermont"), status=WorkshopStatus.DRAFT
    )
    ana, basile = (sign_up(app, workshop_id, name) for name in ("Ana", "Basile"))
    return {
        "workshop": workshop_id,
        "draft": draft_id,
        "ana": ana,
        "basile": basile,
        "challenge": challenge,
    }


def _mutations(app, world, s) -> dict[str, tuple[str, dict]]:
    workshop = s["workshop"]
    return {
        "new": (
            f"/board/tours/{world.tour_slug}/workshops/new",
            form_data(world, s["challenge"], territory_ids=[world.territory["clermont"]]),
        ),
        "edit": (f"/board/workshops/{workshop}/edit", edit_data(app, workshop, title="Autre")),
        "open": (f"/board/workshops/{s['draft']}/open", {}),
        "cancel": (f"/board/workshops/{workshop}/cancel", {"confirmation": "oui"}),
        "promote": (f"/board/registrations/{s['basile']}/promote", {}),
        "cancel_registration": (f"/board/registrations/{s['ana']}/cancel", {"confirmation": "oui"}),
        "attendance": (f"/board/registrations/{s['ana']}/attendance", {"attended": "yes"}),
        "anonymise": (f"/board/registrations/{s['ana']}/anonymise", {"confirmation": "oui"}),
    }


ROLES = [
    (None, "login"),
    ("roubaix@test.example", 403),
    ("clermont@test.example", 403),  # takes part, does not host
    ("nantes@test.example", 302),
    ("admin@test.example", 302),
]


@pytest.mark.parametrize("who,expected", ROLES)
@pytest.mark.parametrize(
    "route",
    [
        "new",
        "edit",
        "open",
        "cancel",
        "promote",
        "cancel_registration",
        "attendance",
        "anonymise",
    ],
)
def test_mutating_routes_per_role(app, client, world, setting, route, who, expected):
    url, data = _mutations(app, world, setting)[route]
    if who:
        login(client, who)
    before = _snapshot(app, setting)
    response = post_form(client, url, data)
    if expected == "login":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    else:
        assert response.status_code == expected, text_of(response)
    if expected == 302:
        assert "/login" not in response.headers["Location"]
        assert _snapshot(app, setting) != before
    else:
        assert _snapshot(app, setting) == before
    if expected == 403:
        assert "Accès refusé" in text_of(response)


def _snapshot(app, s):
    """Everything the routes may change."""
    with app.app_context():
        workshops = [
            (w.id, w.title, w.status)
            for w in db.session.scalars(select(Workshop).order_by(Workshop.id))
        ]
        people = [
            (r.name, r.status, r.attended, r.queue_key)
            for r in db.session.scalars(select(Registration).order_by(Registration.id))
        ]
        return workshops, people


@pytest.mark.parametrize(
    "who,registrants,export,edit",
    [
        (None, "login", "login", "login"),
        ("roubaix@test.example", 403, 403, 403),
        ("clermont@test.example", 200, 403, 403),
        ("nantes@test.example", 200, 200, 200),
        ("admin@test.example", 200, 200, 200),
    ],
)
def test_pages_per_role(app, client, world, setting, who, registrants, export, edit):
    if who:
        login(client, who)
    workshop = setting["workshop"]
    for url, expected in (
        (f"/board/workshops/{workshop}/registrations", registrants),
        (f"/board/workshops/{workshop}/registrations.csv", export),
        (f"/board/workshops/{workshop}/edit", edit),
    ):
        response = client.get(url)
        if expected == "login":
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login?next="), url
        else:
            assert response.status_code == expected, url
    if who is None:
        response = client.get(f"/board/tours/{world.tour_slug}/workshops")
        assert response.headers["Location"].startswith("/login?next=")


def test_participating_organiser_sees_registrants_read_only(app, client, world, setting):
    login(client, "clermont@test.example")
    page = text_of(client.get(f"/board/workshops/{setting['workshop']}/registrations"))
    assert "ana@example.org" in page
    for action in ("Promouvoir", "Anonymiser", "/attendance", ".csv", "Annuler cet atelier"):
        assert action not in page
    listing = text_of(client.get(f"/board/tours/{world.tour_slug}/workshops"))
    assert f"/board/workshops/{setting['workshop']}/registrations" in listing
    assert f"/board/workshops/{setting['workshop']}/edit" not in listing


def test_permission_rules(app, world, setting):
    with app.app_context():
        from models import User

        workshop = db.session.get(Workshop, setting["workshop"])
        users = {u.email: u for u in db.session.scalars(select(User))}
        manage = {email: can_manage_workshop(u, workshop) for email, u in users.items()}
        view = {email: can_view_registrants(u, workshop) for email, u in users.items()}
        assert manage == {
            "admin@test.example": True,
            "nantes@test.example": True,
            "roubaix@test.example": False,
            "clermont@test.example": False,
        }
        assert view == {**manage, "clermont@test.example": True}
        users["nantes@test.example"].active = False
        assert not can_manage_workshop(users["nantes@test.example"], workshop)


def test_stale_edit_that_changes_the_capacity_is_refused(app, client, world):
    workshop_id = make_workshop(app, world, capacity=1)
    ana, basile = (sign_up(app, workshop_id, name) for name in ("Ana", "Basile"))
    login(client, world.nantes_organiser)
    url = f"/board/workshops/{workshop_id}/edit"
    stale = edit_data(app, workshop_id)
    assert post_form(client, url, {**stale, "title": "Première version"}).status_code == 302
    refused = post_form(client, url, {**stale, "capacity": "2"})
    assert refused.status_code == 409
    assert workshop_row(app, workshop_id).capacity == 1
    assert statuses(app, ana, basile) == [CONFIRMED, WAITLISTED]


def test_workshop_at_a_repeated_hour_is_saved_with_a_notice(app, client, world):
    challenge = make_challenge(app)
    login(client, world.nantes_organiser)
    data = form_data(world, challenge, day="2019-10-27", start_time="01:30", end_time="02:30")
    response = post_form(client, f"/board/tours/{world.tour_slug}/workshops/new", data)
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "créé en brouillon" in page
    assert "L’heure 2 h 30 existe deux fois le 27 octobre 2019 (Europe/Paris)" in page
    assert "L’heure 01:30" not in page
    with app.app_context():
        workshop = db.session.scalar(select(Workshop))
        assert workshop.ends_at == datetime(2019, 10, 27, 0, 30, tzinfo=UTC)
        workshop_id = workshop.id
    url = f"/board/workshops/{workshop_id}/edit"
    edited = post_form(
        client, url, edit_data(app, workshop_id, opens_day="2019-10-27", opens_time="02:45")
    )
    assert edited.status_code == 302
    page = text_of(client.get(edited.headers["Location"]))
    assert "L’heure 2 h 30 existe deux fois" in page
    assert "L’heure 2 h 45 existe deux fois" in page  # registrations open then
