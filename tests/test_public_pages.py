"""Public pages: what a visitor sees, and what they never see (drafts)."""

import re
from datetime import date

from extensions import db
from models import StopStatus, Territory, Tour, TourStop, WorkshopStatus
from tests.factories import make_challenge, make_speaker, make_stop, make_workshop
from tests.helpers import login, post_form, text_of


def test_home_shows_tour_published_stops_and_territories(client, world):
    page = text_of(client.get("/"))
    assert "Tournée de test" in page
    assert "Nantes Métropole" in page
    assert "Mayotte" in page  # listed among the territories


def test_public_pages_hide_drafts_from_visitors(client, world):
    for url in ("/", f"/tours/{world.tour_slug}/", "/territories/clermont"):
        page = text_of(client.get(url))
        assert "Lieu secret du brouillon" not in page
        assert f"/stops/{world.clermont_draft_id}" not in page, url
    assert client.get(f"/stops/{world.clermont_draft_id}").status_code == 404


def test_organisers_see_drafts_on_public_pages(client, world):
    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/stops/{world.clermont_draft_id}"))
    assert "Lieu secret du brouillon" in page
    assert "Brouillon" in page


def test_cancelled_stop_stays_visible_marked_cancelled(app, client, world):
    with app.app_context():
        db.session.get(TourStop, world.nantes_stop_id).status = StopStatus.CANCELLED
        db.session.commit()
    page = text_of(client.get(f"/stops/{world.nantes_stop_id}"))
    assert "Cette étape est annulée." in page
    assert f"/stops/{world.nantes_stop_id}" in text_of(client.get(f"/tours/{world.tour_slug}/"))


def test_stop_time_shown_in_territory_zone_with_zone_name(app, client, world):
    page = text_of(client.get(f"/stops/{world.nantes_stop_id}"))
    assert "lundi 25 février 2019" in page
    assert "10 h 00 – 12 h 30 (Europe/Paris, UTC+01:00)" in page
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        mayotte = db.session.get(Territory, world.territory["mayotte"])
        stop = make_stop(tour, mayotte, date(2019, 5, 14), "09:00", "11:00")
        db.session.commit()
        stop_id = stop.id
    page = text_of(client.get(f"/stops/{stop_id}"))
    assert "9 h 00 – 11 h 00 (Indian/Mayotte, UTC+03:00)" in page


def test_tour_page_has_calendar_and_map_data(client, world):
    page = text_of(client.get(f"/tours/{world.tour_slug}/?mois=2019-02"))
    assert "Février 2019" in page
    assert 'id="map-data"' in page
    assert "vendor/leaflet/leaflet.js" in page
    assert "OpenStreetMap" in page


def test_tour_page_has_list_calendar_and_map_tabs_with_every_panel_in_the_page(client, world):
    html = text_of(client.get(f"/tours/{world.tour_slug}/"))
    tablist = html.split('role="tablist"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'role="tab"[^>]*>([^<]+)</button>', tablist) == [
        "Liste",
        "Calendrier",
        "Carte",
    ]
    for key in ("liste", "calendrier", "carte"):
        assert f'aria-controls="vue-{key}"' in tablist
        assert re.search(rf'id="vue-{key}" class="fr-tabs__panel[^"]*" role="tabpanel"', html)
    # Each panel's content is in the page, whichever tab is open.
    assert f"/stops/{world.nantes_stop_id}" in html.split('id="vue-liste"', 1)[1]
    calendar = html.split('id="vue-calendrier"', 1)[1].split('id="vue-carte"', 1)[0]
    assert "fi-calendar" in calendar
    assert 'id="tour-map"' in html.split('id="vue-carte"', 1)[1]
    # The list is open first, only it.
    assert html.count("fr-tabs__panel--selected") == 1
    assert 'id="vue-liste" class="fr-tabs__panel fr-tabs__panel--selected"' in html


def test_tour_page_changing_month_opens_the_calendar_tab(client, world):
    html = text_of(client.get(f"/tours/{world.tour_slug}/?mois=2019-03"))
    assert 'id="vue-calendrier" class="fr-tabs__panel fr-tabs__panel--selected"' in html
    assert re.search(r'id="onglet-calendrier"[^>]*aria-selected="true"', html)
    assert html.count("fr-tabs__panel--selected") == 1
    # The calendar's own links keep to its tab.
    assert "?mois=2019-02#calendrier" in html


def test_tour_page_rejects_malformed_month(client, world):
    response = client.get(f"/tours/{world.tour_slug}/?mois=fevrier")
    assert response.status_code == 400
    assert "Mois invalide" in text_of(response)


def test_unknown_addresses_answer_404_in_french(client, world):
    for url in ("/tours/nope/", "/territories/nope", "/stops/999999"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page introuvable" in text_of(response)


def test_territory_page_shows_collective_and_challenges(client, world):
    response = client.get("/territories/mayotte")
    assert response.status_code == 200
    assert "Indian/Mayotte" in text_of(response)


def test_healthz_reports_database_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": True}


def test_home_without_any_tour_shows_empty_state(client):
    page = text_of(client.get("/"))
    assert "Aucune tournée pour l’instant" in page


def test_language_switch_to_english_and_back(client, world):
    assert "Les territoires labellisés" in text_of(client.get("/territories/"))
    response = post_form(client, "/langue", {"lang": "en", "next": "/territories/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/territories/"
    page = text_of(client.get("/territories/"))
    assert '<html lang="en"' in page
    assert "The labelled territories" in page
    assert "Monday 25 February 2019" in text_of(client.get(f"/stops/{world.nantes_stop_id}"))
    post_form(client, "/langue", {"lang": "fr"})
    assert "Les territoires labellisés" in text_of(client.get("/territories/"))


def test_unknown_language_is_refused(client):
    response = post_form(client, "/langue", {"lang": "de"})
    assert response.status_code == 400
    assert "Langue inconnue" in text_of(response)


def test_language_switch_ignores_foreign_next(client):
    response = post_form(client, "/langue", {"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_territory_with_only_a_draft_stop_is_still_to_visit_for_visitors(client, world):
    page = text_of(client.get(f"/tours/{world.tour_slug}/"))
    to_visit = page.split("Territoires à visiter", 1)[1].split("</ul>", 1)[0]
    assert "Clermont-Ferrand" in to_visit  # its only stop is a draft
    assert "Nantes Métropole" not in to_visit  # confirmed stop


def card_titles(html: str) -> list[str]:
    """The links of the DSFR cards' titles, in order: (href, text)."""
    return re.findall(r'class="fr-card__title"><a href="([^"]+)">([^<]+)</a>', html)


def test_stops_are_dsfr_cards_whose_title_link_covers_the_card(client, world):
    for url in ("/", f"/tours/{world.tour_slug}/", "/territories/nantes"):
        html = text_of(client.get(url))
        assert (f"/stops/{world.nantes_stop_id}", "Nantes Métropole") in card_titles(html), url
        card = html.split('id="etape-', 1)[1].split("</li>", 1)[0]
        assert "fr-card fr-card--sm fr-enlarge-link" in card
        assert "lundi 25 février 2019" in card


def test_territories_are_dsfr_tags(client, world):
    home = text_of(client.get("/"))
    assert '<a class="fr-tag" href="/territories/mayotte">Mayotte</a>' in home
    tour = text_of(client.get(f"/tours/{world.tour_slug}/"))
    to_visit = tour.split("Territoires à visiter", 1)[1].split("</ul>", 1)[0]
    assert '<a class="fr-tag" href="/territories/roubaix">Roubaix</a>' in to_visit


def test_workshop_list_shows_cards_with_challenge_and_territory_tags(app, client, world):
    workshop_id = make_workshop(app, world, title="Filière du réemploi")
    html = text_of(client.get("/workshops/"))
    assert card_titles(html) == [(f"/workshops/{workshop_id}", "Filière du réemploi")]
    card = html.split('class="fr-card ', 1)[1].split("</ol>", 1)[0]
    tags = re.findall(r'<p class="fr-tag fr-tag--sm[^"]*">([^<]+)</p>', card)
    assert tags == ["Réemploi", "Nantes Métropole", "Roubaix"]
    assert "2 places restantes" in card
    # Filters are DSFR selects.
    assert '<select class="fr-select" id="defi" name="defi">' in html
    assert '<select class="fr-select" id="territoire" name="territoire">' in html


def test_cancelled_workshop_shows_a_dsfr_error_badge(app, client, world):
    workshop_id = make_workshop(app, world, status=WorkshopStatus.CANCELLED)
    for url in ("/workshops/", f"/workshops/{workshop_id}"):
        html = text_of(client.get(url))
        assert re.search(
            r'class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--error[^"]*">'
            r"Annulé</span>",
            html,
        ), url


def breadcrumb_of(html: str) -> tuple[list[tuple[str, str]], str]:
    """The DSFR breadcrumb's links (href, label) and its current page's label."""
    nav = html.split('class="fr-breadcrumb', 1)[1].split("</nav>", 1)[0]
    links = re.findall(r'<a class="fr-breadcrumb__link" href="([^"]+)">([^<]+)</a>', nav)
    current = re.findall(r'<a class="fr-breadcrumb__link" aria-current="page">([^<]+)</a>', nav)
    assert len(current) == 1
    return links, current[0]


def test_detail_pages_have_a_dsfr_breadcrumb_ending_on_the_current_page(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin")
    workshop_id = make_workshop(app, world, title="Filière du réemploi")
    expected = {
        f"/stops/{world.nantes_stop_id}": (
            [("/", "Accueil"), (f"/tours/{world.tour_slug}/", "Tournée de test")],
            "Étape : Nantes Métropole",
        ),
        "/territories/nantes": (
            [("/", "Accueil"), ("/territories/", "Territoires")],
            "Nantes Métropole",
        ),
        f"/speakers/{speaker_id}": (
            [("/", "Accueil"), ("/speakers/", "Intervenant·es")],
            "Camille Martin",
        ),
        f"/workshops/{workshop_id}": (
            [("/", "Accueil"), ("/workshops/", "Ateliers inter-territoires")],
            "Filière du réemploi",
        ),
    }
    for url, trail in expected.items():
        html = text_of(client.get(url))
        assert breadcrumb_of(html) == trail, url
        assert 'class="breadcrumb"' not in html


def test_stop_territory_and_workshop_pages_have_a_side_column(app, client, world):
    workshop_id = make_workshop(app, world)
    for url, side in (
        (f"/stops/{world.nantes_stop_id}", "Infos pratiques"),
        ("/territories/nantes", "En bref"),
        (f"/workshops/{workshop_id}", "S’inscrire"),
    ):
        html = text_of(client.get(url))
        grid = html.split('<div class="fr-grid-row fr-grid-row--gutters">', 1)[1]
        main, aside = grid.split('class="fr-col-12 fr-col-md-', 2)[1:3]
        assert main.startswith(("8", "7")), url
        assert aside.startswith(("4", "5")) and side in aside, url


def test_territory_list_is_a_dsfr_table_with_challenges_as_tags(app, client, world):
    make_challenge(app, "Réemploi", "reemploi", shared_by=[world.territory["nantes"]])
    html = text_of(client.get("/territories/"))
    assert '<div class="fr-table fr-table--no-scroll-shadow fi-territories">' in html
    assert re.search(r"<caption>\d+ territoires labellisés</caption>", html)
    assert '<th scope="row"><a href="/territories/nantes">Nantes Métropole</a></th>' in html
    assert re.search(
        r'<a class="fr-tag fr-tag--sm" href="/workshops/\?defi=reemploi"[^>]*>Réemploi</a>', html
    )
    assert breadcrumb_of(html) == ([("/", "Accueil")], "Territoires")
