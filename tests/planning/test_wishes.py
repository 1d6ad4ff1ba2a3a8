"""A territory's hosting wishes (disponibilités d’accueil): date options, blackouts and the
usual visit duration, through the page, with every rule and every role."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Blackout, DateOption, Role, VisitDuration
from tests.factories import make_user
from tests.helpers import login, plain_spaces, post_form, text_of

PAGE = "/board/tours/tournee-test/territories/roubaix/disponibilites"


def option(day="2019-05-14", start="10:00", end="13:00", rank="1", comment=""):
    return {"day": day, "start_time": start, "end_time": end, "rank": rank, "comment": comment}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def only(app, model):
    with app.app_context():
        rows = list(db.session.scalars(select(model)))
        assert len(rows) == 1
        db.session.expunge_all()
        return rows[0]


@pytest.fixture
def roubaix(client, world):
    login(client, world.roubaix_organiser)
    return client


def test_wishes_page_shows_empty_states_to_the_own_team(roubaix):
    response = roubaix.get(PAGE)
    assert response.status_code == 200
    text = plain_spaces(text_of(response))
    assert "Disponibilités d’accueil : Roubaix" in text
    assert "Aucune date proposée pour l’instant." in text
    assert "Aucune période indisponible indiquée." in text
    assert "Proposer cette date" in text


def test_wishes_option_added_is_stored_in_utc_and_listed(app, roubaix):
    response = post_form(roubaix, PAGE + "/dates", option(comment="Au Pôle ressource"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/disponibilites#dates-proposees")
    stored = only(app, DateOption)
    # 10:00 in Paris in May (UTC+2) is 08:00 UTC.
    assert stored.starts_at == datetime(2019, 5, 14, 8, 0, tzinfo=UTC)
    assert stored.ends_at == datetime(2019, 5, 14, 11, 0, tzinfo=UTC)
    assert (stored.rank, stored.comment) == (1, "Au Pôle ressource")
    page = plain_spaces(text_of(roubaix.get(PAGE)))
    assert "Date proposée : mardi 14 mai 2019" in page  # the flash
    assert "Au Pôle ressource" in page
    assert "Aucune date proposée" not in page


def test_wishes_options_are_listed_by_rank_then_day(roubaix):
    for day, rank in (("2019-06-20", "2"), ("2019-06-03", "2"), ("2019-07-01", "1")):
        assert post_form(roubaix, PAGE + "/dates", option(day=day, rank=rank)).status_code == 302
    page = text_of(roubaix.get(PAGE))
    positions = [page.index(day) for day in ("1 juillet 2019", "3 juin 2019", "20 juin 2019")]
    assert positions == sorted(positions)


def test_wishes_option_in_mayotte_uses_its_zone(app, client, world):
    login(client, world.admin)
    url = PAGE.replace("roubaix", "mayotte")
    assert post_form(client, url + "/dates", option(start="09:00", end="12:00")).status_code == 302
    assert only(app, DateOption).starts_at == datetime(2019, 5, 14, 6, 0, tzinfo=UTC)
    assert "Indian/Mayotte" in text_of(client.get(url))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (option(day="2019-01-31"), "Proposez un jour pendant la tournée, entre le 1 février 2019"),
        (option(day="2020-01-01"), "Proposez un jour pendant la tournée"),
        (option(start="14:00", end="14:00"), "La fin doit être postérieure au début."),
        (option(start="14:00", end="09:00"), "La fin doit être postérieure au début."),
        (option(rank="0"), "Indiquez un rang de 1 (votre date préférée) à 9."),
        (option(rank="10"), "Indiquez un rang de 1 (votre date préférée) à 9."),
        (option(rank=str(2**63)), "Indiquez un rang de 1 (votre date préférée) à 9."),
        (option(rank=""), "Indiquez un rang de 1 à 9."),
        (option(day=""), "Indiquez le jour proposé."),
        (option(start=""), "Indiquez l’heure de début."),
        (option(end=""), "Indiquez l’heure de fin."),
        (option(comment="x" * 501), "500 caractères au plus."),
        (option(comment="deux\nlignes"), "Ce texte tient sur une ligne"),
        (option(day="2019-03-31", start="02:30", end="04:00"), "n’existe pas le 31 mars 2019"),
    ],
)
def test_wishes_option_refused_with_a_clear_message(app, roubaix, fields, message):
    response = post_form(roubaix, PAGE + "/dates", fields)
    assert response.status_code == 400
    text = plain_spaces(text_of(response))
    assert message in text
    assert "Le formulaire contient une erreur" in text  # the error summary
    assert count(app, DateOption) == 0


def test_wishes_option_refused_when_the_same_day_and_start_is_offered_twice(app, roubaix):
    assert post_form(roubaix, PAGE + "/dates", option()).status_code == 302
    response = post_form(roubaix, PAGE + "/dates", option(end="17:00", rank="2"))
    assert response.status_code == 400
    assert "Vous proposez déjà ce jour à cette heure" in plain_spaces(text_of(response))
    assert count(app, DateOption) == 1
    # Another start the same day is another option.
    afternoon = option(start="14:00", end="17:00")
    assert post_form(roubaix, PAGE + "/dates", afternoon).status_code == 302


def test_wishes_option_removed_only_once_confirmed(app, roubaix):
    post_form(roubaix, PAGE + "/dates", option())
    option_id = only(app, DateOption).id
    url = f"{PAGE}/dates/{option_id}/delete"
    asked = post_form(roubaix, url, {})
    assert asked.status_code == 200
    assert "Retirer la date du mardi 14 mai 2019 ?" in plain_spaces(text_of(asked))
    assert count(app, DateOption) == 1
    response = post_form(roubaix, url, {"confirmation": "oui"})
    assert response.status_code == 302
    assert count(app, DateOption) == 0
    assert "Date du mardi 14 mai 2019 retirée." in plain_spaces(text_of(roubaix.get(PAGE)))
    assert post_form(roubaix, url, {"confirmation": "oui"}).status_code == 404


def test_wishes_option_of_another_territory_is_not_found_here(app, client, world):
    login(client, world.admin)
    nantes = PAGE.replace("roubaix", "nantes")
    post_form(client, nantes + "/dates", option())
    option_id = only(app, DateOption).id
    response = post_form(client, f"{PAGE}/dates/{option_id}/delete", {"confirmation": "oui"})
    assert response.status_code == 404
    assert count(app, DateOption) == 1


def blackout(first="2019-08-01", last="2019-08-15", reason="Congés d’été"):
    return {"first_day": first, "last_day": last, "reason": reason}


def test_wishes_blackout_added_listed_and_removed_once_confirmed(app, roubaix):
    response = post_form(roubaix, PAGE + "/periodes", blackout())
    assert response.status_code == 302
    stored = only(app, Blackout)
    assert (stored.first_day, stored.last_day, stored.reason) == (
        date(2019, 8, 1),
        date(2019, 8, 15),
        "Congés d’été",
    )
    page = plain_spaces(text_of(roubaix.get(PAGE)))
    assert "Période indisponible ajoutée : du jeudi 1 août 2019 au jeudi 15 août 2019." in page
    assert "Congés d’été" in page
    url = f"{PAGE}/periodes/{stored.id}/delete"
    assert post_form(roubaix, url, {}).status_code == 200  # the question, nothing removed
    assert count(app, Blackout) == 1
    assert post_form(roubaix, url, {"confirmation": "oui"}).status_code == 302
    assert count(app, Blackout) == 0
    assert "Aucune période indisponible indiquée." in plain_spaces(text_of(roubaix.get(PAGE)))


def test_wishes_blackout_of_one_day_when_last_day_left_empty(app, roubaix):
    assert post_form(roubaix, PAGE + "/periodes", blackout(last="", reason="")).status_code == 302
    stored = only(app, Blackout)
    assert stored.first_day == stored.last_day == date(2019, 8, 1)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (blackout(first="2019-08-15", last="2019-08-01"), "Le dernier jour doit être le premier"),
        (blackout(first="2019-01-15", last="2019-02-03"), "La période doit être comprise dans"),
        (blackout(first="2019-12-20", last="2020-01-05"), "La période doit être comprise dans"),
        (blackout(first=""), "Indiquez le premier jour."),
        (blackout(reason="x" * 301), "300 caractères au plus."),
        (blackout(reason="avec\ttabulation"), "Ce texte tient sur une ligne"),
        (blackout(reason="deux\u2028lignes"), "Ce texte tient sur une ligne"),
    ],
)
def test_wishes_blackout_refused_with_a_clear_message(app, roubaix, fields, message):
    response = post_form(roubaix, PAGE + "/periodes", fields)
    assert response.status_code == 400
    text = plain_spaces(text_of(response))
    assert message in text
    assert "Le formulaire contient une erreur" in text
    assert count(app, Blackout) == 0


def test_wishes_visit_duration_defaults_to_180_and_is_set(app, roubaix):
    assert 'value="180"' in roubaix.get(PAGE).get_data(as_text=True)
    assert post_form(roubaix, PAGE + "/duree", {"minutes": "240"}).status_code == 302
    assert only(app, VisitDuration).minutes == 240
    assert post_form(roubaix, PAGE + "/duree", {"minutes": "90"}).status_code == 302
    assert only(app, VisitDuration).minutes == 90
    page = roubaix.get(PAGE).get_data(as_text=True)
    assert 'value="90"' in page
    assert "Durée habituelle d’une visite : 90 minutes." in plain_spaces(page)


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("29", "Indiquez une durée de 30 à 720 minutes."),
        ("721", "Indiquez une durée de 30 à 720 minutes."),
        ("0", "Indiquez une durée de 30 à 720 minutes."),
        (str(2**40), "Indiquez une durée de 30 à 720 minutes."),
        ("", "Indiquez une durée en minutes."),
    ],
)
def test_wishes_visit_duration_refused_outside_its_range(app, roubaix, minutes, message):
    response = post_form(roubaix, PAGE + "/duree", {"minutes": minutes})
    assert response.status_code == 400
    assert message in plain_spaces(text_of(response))
    assert count(app, VisitDuration) == 0


# --- permissions ---------------------------------------------------------------------------


def test_wishes_other_team_reads_but_may_not_change(app, client, world):
    login(client, world.roubaix_organiser)
    post_form(client, PAGE + "/dates", option())
    post_form(client, PAGE + "/periodes", blackout())
    option_id, blackout_id = only(app, DateOption).id, only(app, Blackout).id
    client.post("/logout", data={"csrf_token": ""})
    other = app.test_client()
    login(other, world.nantes_organiser)
    page = other.get(PAGE)
    assert page.status_code == 200
    text = plain_spaces(text_of(page))
    assert "Congés d’été" in text and "mardi 14 mai 2019" in text
    assert "Proposer cette date" not in text and "Retirer" not in text
    for url, data in (
        (PAGE + "/dates", option(day="2019-06-04")),
        (PAGE + "/periodes", blackout(first="2019-09-01", last="2019-09-02")),
        (PAGE + "/duree", {"minutes": "60"}),
        (f"{PAGE}/dates/{option_id}/delete", {"confirmation": "oui"}),
        (f"{PAGE}/periodes/{blackout_id}/delete", {"confirmation": "oui"}),
    ):
        assert post_form(other, url, data).status_code == 403, url
    assert (count(app, DateOption), count(app, Blackout), count(app, VisitDuration)) == (1, 1, 0)


def test_wishes_coordinator_edits_any_territory(app, client, world):
    with app.app_context():
        make_user("coordination@test.example", Role.COORDINATOR, [])
        db.session.commit()
    login(client, "coordination@test.example")
    assert "Proposer cette date" in text_of(client.get(PAGE))
    assert post_form(client, PAGE + "/dates", option()).status_code == 302
    assert post_form(client, PAGE + "/periodes", blackout()).status_code == 302
    assert post_form(client, PAGE + "/duree", {"minutes": "120"}).status_code == 302
    option_id = only(app, DateOption).id
    url = f"{PAGE}/dates/{option_id}/delete"
    assert post_form(client, url, {"confirmation": "oui"}).status_code == 302
    assert count(app, DateOption) == 0


def test_wishes_admin_edits(app, client, world):
    login(client, world.admin)
    assert post_form(client, PAGE + "/dates", option()).status_code == 302
    assert count(app, DateOption) == 1


def test_wishes_visitor_is_sent_to_login(app, client, world):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    response = post_form(client, PAGE + "/dates", option())
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert count(app, DateOption) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/board/tours/inconnue/territories/roubaix/disponibilites",
        "/board/tours/tournee-test/territories/inconnu/disponibilites",
    ],
)
def test_wishes_unknown_tour_or_territory_is_not_found(roubaix, url):
    assert roubaix.get(url).status_code == 404
    assert post_form(roubaix, url + "/dates", option()).status_code == 404


def test_wishes_unknown_ids_are_not_found(roubaix):
    for url in (f"{PAGE}/dates/999/delete", f"{PAGE}/periodes/999/delete"):
        assert post_form(roubaix, url, {"confirmation": "oui"}).status_code == 404


# --- where the page is linked from ---------------------------------------------------------


def test_wishes_linked_from_the_board_and_the_profile(app, roubaix, world):
    board = roubaix.get(f"/board/tours/{world.tour_slug}/").get_data(as_text=True)
    # Roubaix has no stop yet: linked from "Territoires à programmer", as every territory to
    # schedule is (for reading); a stop card links only for its own team.
    assert 'href="/board/tours/tournee-test/territories/roubaix/disponibilites"' in board
    assert 'href="/board/tours/tournee-test/territories/strasbourg/disponibilites"' in board
    assert 'href="/board/tours/tournee-test/territories/nantes/disponibilites"' not in board
    nantes = app.test_client()
    login(nantes, world.nantes_organiser)
    board = nantes.get(f"/board/tours/{world.tour_slug}/").get_data(as_text=True)
    assert 'href="/board/tours/tournee-test/territories/nantes/disponibilites"' in board


def test_wishes_linked_from_the_profile_of_a_territory_team(app, roubaix, monkeypatch):
    from blueprints import board

    monkeypatch.setattr(board, "today_in_france", lambda: date(2019, 3, 1))
    profile = roubaix.get("/board/profile").get_data(as_text=True)
    assert 'href="/board/tours/tournee-test/territories/roubaix/disponibilites"' in profile
