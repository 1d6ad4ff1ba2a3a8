"""The planning board: each conflict said once with links to its stops, no internal version
numbers, cancelling a stop asks first."""

import re
from datetime import date

from extensions import db
from models import StopStatus, TourStop
from tests.factories import make_stop, territory_of, tour_of
from tests.helpers import login, post_form, text_of


def board_url(world) -> str:
    return f"/board/tours/{world.tour_slug}/"


def visible_text(page: str) -> str:
    """What a reader sees: the page without its tags (hidden fields included), scripts or styles."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def roubaix_overlapping_nantes(app, world) -> int:
    """Roubaix, 25 February 2019 11:00–13:00, overlapping Nantes (10:00–12:30)."""
    with app.app_context():
        stop = make_stop(
            tour_of(world), territory_of(world, "roubaix"), date(2019, 2, 25), "11:00", "13:00"
        )
        db.session.commit()
        return stop.id


def stop_card(page: str, stop_id: int) -> str:
    """From the stop's item on the board to the next stop's, or the end of the list."""
    start = page.index(f'<li id="stop-{stop_id}"')
    following = [
        i for i in (page.find('<li id="stop-', start + 1), page.find("</ol>", start)) if i > 0
    ]
    return page[start : min(following)]


def test_a_conflict_is_said_once_with_links_to_both_stops(app, client, world):
    roubaix_id = roubaix_overlapping_nantes(app, world)
    login(client, world.admin)
    page = text_of(client.get(board_url(world) + "?mois=2019-02"))

    assert page.count("se chevauchent") == 1
    assert "1 avertissement de planification" in page
    panel = page[
        page.index('id="avertissement-1"') : page.index("</li>", page.index('id="avertissement-1"'))
    ]
    assert "Nantes Métropole et Roubaix se chevauchent" in panel
    assert f'href="#stop-{world.nantes_stop_id}">Nantes Métropole</a>' in panel
    assert f'href="#stop-{roubaix_id}">Roubaix</a>' in panel
    # Under each stop, a short reference back to the panel, not the text again.
    for stop_id in (world.nantes_stop_id, roubaix_id):
        card = stop_card(page, stop_id)
        assert 'href="#avertissement-1"' in card
        assert "n° 1 (Principal attendu à deux étapes)" in card
        assert "se chevauchent" not in card


def test_saving_a_stop_with_a_warning_points_to_the_panel_instead_of_repeating_it(
    app, client, world
):
    login(client, world.roubaix_organiser)
    response = post_form(
        client,
        f"/board/tours/{world.tour_slug}/stops/new",
        {"territory_id": world.territory["roubaix"], "day": "2019-02-25"}
        | {"start_time": "11:00", "end_time": "13:00"},
    )
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Cette étape a 1 avertissement de planification" in page
    assert page.count("se chevauchent") == 1


def test_board_shows_who_changed_a_stop_but_no_version_number(app, client, world):
    login(client, world.admin)
    post_form(
        client,
        f"/board/stops/{world.nantes_stop_id}/status",
        {"status": "draft", "version": 1},
    )
    page = text_of(client.get(board_url(world)))
    assert "Modifiée par Admin" in page
    assert "version" not in visible_text(page).casefold()
    # The version stays in the forms, for the optimistic lock.
    assert 'name="version" value="2"' in stop_card(page, world.nantes_stop_id)


def test_board_is_laid_out_on_the_dsfr_grid_with_its_breadcrumb(client, world):
    login(client, world.admin)
    page = text_of(client.get(board_url(world)))
    assert 'class="fr-breadcrumb' in page and "Tableau de bord" in page
    assert 'class="fr-col-12 fr-col-lg-8"' in page and 'class="fr-col-12 fr-col-lg-4"' in page
    assert 'class="fr-card fr-card--no-arrow' in page


def test_cancelling_from_the_board_opens_a_confirmation_modal(client, world):
    login(client, world.admin)
    card = stop_card(text_of(client.get(board_url(world))), world.nantes_stop_id)
    modal = card[card.index(f'<dialog id="annuler-etape-{world.nantes_stop_id}"') :]
    assert "Annuler l’étape de Nantes Métropole ?" in modal
    assert 'name="confirmation" value="oui"' in modal
    assert 'name="status" value="cancelled"' in modal


def test_cancelling_without_confirmation_changes_nothing_and_asks(app, client, world):
    login(client, world.admin)
    url = f"/board/stops/{world.nantes_stop_id}/status"
    response = post_form(client, url, {"status": "cancelled", "version": 1})
    assert response.status_code == 200
    page = text_of(response)
    assert "Annuler l’étape de Nantes Métropole ?" in page
    assert "restera affichée comme annulée" in page
    assert 'name="confirmation" value="oui"' in page
    assert 'name="status" value="cancelled"' in page and 'name="version" value="1"' in page
    with app.app_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        assert stop.status is StopStatus.CONFIRMED and stop.version == 1

    confirmed = post_form(client, url, {"status": "cancelled", "version": 1, "confirmation": "oui"})
    assert confirmed.status_code == 302
    assert "Étape de Nantes Métropole annulée" in text_of(client.get(confirmed.headers["Location"]))
    with app.app_context():
        assert db.session.get(TourStop, world.nantes_stop_id).status is StopStatus.CANCELLED


def test_confirming_and_back_to_draft_need_no_confirmation(app, client, world):
    login(client, world.admin)
    url = f"/board/stops/{world.clermont_draft_id}/status"
    assert post_form(client, url, {"status": "confirmed", "version": 1}).status_code == 302
    assert post_form(client, url, {"status": "draft", "version": 2}).status_code == 302
    with app.app_context():
        assert db.session.get(TourStop, world.clermont_draft_id).status is StopStatus.DRAFT
