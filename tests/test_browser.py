"""End-to-end journeys in headless Chromium: what an organiser and a visitor see in a real browser.

The app runs on a real HTTP server in a background thread; Chromium is Debian's /usr/bin/chromium,
driven through Playwright (no browser download). CSRF stays on: the browser submits the real
forms, with the tokens of the pages. A missing Chromium fails these tests: CI must never pass
without them."""

import os
import re
import threading
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from werkzeug.serving import make_server

from tests.helpers import PASSWORD, World

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
# Generous enough for a slow CI machine, short enough to fail fast when something is wrong.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


class Chromium:
    """One headless Chromium for the module, launched on first use: when the binary is missing,
    the test that needs it fails (it is not skipped, and not merely an error of a fixture)."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def browser(self) -> Browser:
        if self._browser is None:
            if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
                pytest.fail(
                    f"Chromium is required for the browser tests but {CHROMIUM} is missing or "
                    "not executable. Install it (apt-get install chromium); these tests never "
                    "skip, so that CI cannot pass without them.",
                    pytrace=False,
                )
            self._playwright = sync_playwright().start()
            try:
                self._browser = self._playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
                )
            except Exception:
                self.close()
                raise
        return self._browser

    def close(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None


@pytest.fixture(scope="module")
def live_server(app) -> Iterator[str]:
    """The app served over HTTP on a free local port; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Chromium]:
    browser = Chromium()
    yield browser
    browser.close()


@pytest.fixture
def new_page(chromium: Chromium, live_server: str) -> Iterator[Callable[[], Page]]:
    """Opens a page in a fresh browser context (its own cookies: a separate person); every
    context is closed after the test."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = chromium.browser().new_context(base_url=live_server, locale="fr-FR")
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def board_stop(page: Page, territory: str):
    """The stop of a territory on the planning board (other stops' warnings may name it)."""
    head = page.locator(".board-stop-head", has_text=re.compile(rf"^{territory}$"))
    return page.locator("li.board-stop").filter(has=head)


def public_stop_list(page: Page, world: World):
    page.goto(f"/tours/{world.tour_slug}/")
    stop_list = page.locator("ol.stop-list")
    expect(stop_list).to_be_visible()
    return stop_list


def test_organiser_schedules_roubaix_sees_warning_and_publishes_it(new_page, world: World):
    organiser = new_page()
    log_in(organiser, world.roubaix_organiser)
    expect(organiser).to_have_url(re.compile(rf"/board/tours/{world.tour_slug}/$"))
    expect(organiser.locator(".flash-success")).to_contain_text("Bienvenue, Rémi Roubaix.")

    to_schedule = organiser.locator("section", has=organiser.locator("#unscheduled-title"))
    expect(to_schedule.get_by_role("heading")).to_contain_text("Territoires à programmer")
    roubaix = to_schedule.get_by_role("listitem").filter(has_text="Roubaix")
    expect(roubaix).to_have_count(1)
    roubaix.get_by_role("link", name="Planifier").click()

    expect(organiser.get_by_role("heading", level=1)).to_have_text("Nouvelle étape")
    expect(organiser.get_by_label("Territoire", exact=True)).to_have_value(
        str(world.territory["roubaix"])
    )
    # 11:00–13:00 overlaps the confirmed Nantes stop of the same day (10:00–12:30).
    organiser.get_by_label("Date (heure locale du territoire)").fill("2019-02-25")
    organiser.get_by_label("Début", exact=True).fill("11:00")
    organiser.get_by_label("Fin", exact=True).fill("13:00")
    organiser.get_by_label("Lieu", exact=True).fill("La Condition Publique")
    organiser.get_by_role("button", name="Enregistrer").click()

    # Back on the board, its calendar on the stop's month, scrolled to the stop.
    expect(organiser).to_have_url(
        re.compile(rf"/board/tours/{world.tour_slug}/\?mois=2019-02#stop-\d+$")
    )
    expect(organiser.locator(".flash-success")).to_have_text(
        "Étape de Roubaix créée en brouillon. Confirmez-la pour la publier."
    )
    expect(organiser.locator(".flash-warning")).to_contain_text("1 avertissement de planification")
    stop = board_stop(organiser, "Roubaix")
    expect(stop).to_have_count(1)
    expect(stop).to_contain_text("La Condition Publique")
    expect(stop.locator(".fr-badge")).to_have_text("Brouillon")
    # Said once, in the panel, with links to both stops; the stop links back to it.
    panel = organiser.locator(".warnings-panel")
    expect(panel).to_contain_text("se chevauchent")
    expect(organiser.get_by_text("se chevauchent")).to_have_count(1)
    panel.get_by_role("link", name="Roubaix").click()
    expect(organiser).to_have_url(re.compile(r"#stop-\d+$"))
    expect(stop).not_to_contain_text("se chevauchent")
    stop.get_by_role("link", name=re.compile("Principal attendu à deux étapes")).click()
    expect(organiser).to_have_url(re.compile(r"#avertissement-1$"))

    # A draft is not public: an anonymous visitor does not see it among the stops.
    visitor = new_page()
    stop_list = public_stop_list(visitor, world)
    expect(stop_list).to_contain_text("Nantes Métropole")
    expect(stop_list).not_to_contain_text("Roubaix")

    stop.get_by_role("button", name="Confirmer").click()
    expect(organiser.locator(".flash-success")).to_have_text(
        "Étape de Roubaix confirmée : elle est maintenant publique."
    )
    confirmed = board_stop(organiser, "Roubaix")
    expect(confirmed.locator(".fr-badge")).to_have_text("Confirmée")

    stop_list = public_stop_list(new_page(), world)
    roubaix_stop = stop_list.get_by_role("listitem").filter(has_text="Roubaix")
    expect(roubaix_stop).to_have_count(1)
    expect(roubaix_stop).to_contain_text("La Condition Publique")
    expect(stop_list).to_contain_text("Nantes Métropole")


def test_tour_map_keeps_markers_and_list_when_tiles_cannot_load(new_page, world: World):
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        re.compile(r"^https?://([a-z0-9-]+\.)*tile\.openstreetmap\.org/"), lambda r: r.abort()
    )

    stop_list = public_stop_list(page, world)
    expect(stop_list).to_contain_text("Nantes Métropole")

    page.get_by_role("tab", name="Carte").click()
    main_map = page.locator("#tour-map")
    expect(main_map).not_to_have_class(re.compile(r"map-unavailable"))
    # Nantes is the only public stop; Roubaix, Strasbourg and Clermont-Ferrand (whose only
    # stop is a draft, unseen by visitors) are still to visit; Mayotte goes to the inset.
    stop_markers = main_map.locator("svg path.marker-stop")
    expect(stop_markers).to_have_count(1)
    expect(stop_markers).to_be_visible()
    territory_markers = main_map.locator("svg path.marker-territory")
    expect(territory_markers).to_have_count(3)
    for index in range(3):
        expect(territory_markers.nth(index)).to_be_visible()
    labels = {territory_markers.nth(i).get_attribute("data-label") for i in range(3)}
    assert labels == {"Roubaix", "Strasbourg Eurométropole", "Clermont-Ferrand"}
    stop_markers.hover()
    expect(main_map.locator(".leaflet-tooltip")).to_have_text("Nantes Métropole")

    inset = page.locator("#mayotte-map")
    expect(inset).to_be_visible()
    mayotte = inset.locator("svg path.marker-territory")
    expect(mayotte).to_have_count(1)
    expect(inset.locator("svg path.marker-stop")).to_have_count(0)
    mayotte.hover()
    expect(inset.locator(".leaflet-tooltip")).to_have_text("Mayotte")

    page.get_by_role("tab", name="Liste").click()
    expect(stop_list).to_be_visible()
    expect(page.locator("ul.fi-to-visit li")).to_have_text(
        ["Clermont-Ferrand", "Mayotte", "Roubaix", "Strasbourg Eurométropole"]
    )
    assert errors == []


def box_of(page: Page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box


def test_tour_tabs_show_one_view_at_a_time_and_the_map_draws_when_its_tab_opens(
    new_page, world: World
):
    page = new_page()
    page.route(
        re.compile(r"^https?://([a-z0-9-]+\.)*tile\.openstreetmap\.org/"), lambda r: r.abort()
    )
    page.goto(f"/tours/{world.tour_slug}/")
    tabs = page.get_by_role("tab")
    expect(tabs).to_have_text(["Liste", "Calendrier", "Carte"])
    expect(page.get_by_role("tab", name="Liste")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#vue-liste")).to_be_visible()
    expect(page.locator("#vue-calendrier")).to_be_hidden()
    expect(page.locator("#vue-carte")).to_be_hidden()

    page.get_by_role("tab", name="Carte").click()
    expect(page.get_by_role("tab", name="Carte")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#vue-carte")).to_be_visible()
    expect(page.locator("#vue-liste")).to_be_hidden()
    # Leaflet measured a real box: its panes hold the markers, its zoom buttons are drawn.
    expect(page.locator("#tour-map.leaflet-container")).to_be_visible()
    expect(page.locator("#tour-map svg path.marker-stop")).to_be_visible()
    expect(page.locator("#tour-map .leaflet-control-zoom-in")).to_be_visible()
    box = box_of(page, "#tour-map")
    assert box["width"] > 200 and box["height"] > 200
    svg = box_of(page, "#tour-map .leaflet-overlay-pane svg")
    assert svg["width"] > 0 and svg["height"] > 0
    # The stop's marker lies inside the map, not at its corner as with a map sized 0 × 0.
    marker = box_of(page, "#tour-map svg path.marker-stop")
    assert box["x"] < marker["x"] < box["x"] + box["width"]
    assert box["y"] < marker["y"] < box["y"] + box["height"]

    expect(page.locator("#vue-carte .fi-map-nojs")).to_be_hidden()

    page.get_by_role("tab", name="Calendrier").click()
    expect(page.locator("#vue-calendrier")).to_be_visible()
    expect(page.locator("#vue-carte")).to_be_hidden()


def test_tour_page_keyboard_moves_between_tabs(new_page, world: World):
    page = new_page()
    page.goto(f"/tours/{world.tour_slug}/")
    page.get_by_role("tab", name="Liste").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Calendrier")).to_be_focused()
    expect(page.get_by_role("tab", name="Calendrier")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#vue-calendrier")).to_be_visible()


def test_tour_page_without_javascript_shows_every_view(chromium, live_server, world: World):
    context = chromium.browser().new_context(
        base_url=live_server, locale="fr-FR", java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.goto(f"/tours/{world.tour_slug}/")
        expect(page.get_by_role("tab")).to_have_count(0)  # buttons that would do nothing
        for panel in ("#vue-liste", "#vue-calendrier", "#vue-carte"):
            expect(page.locator(panel)).to_be_visible()
        expect(page.get_by_role("heading", name="Calendrier", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name="Carte", exact=True)).to_be_visible()
        expect(page.locator("#vue-calendrier")).to_contain_text("Nantes Métropole")
        # No empty map boxes: a sentence says where the stops are.
        expect(page.locator("#tour-map")).to_be_hidden()
        expect(page.locator("#vue-carte")).to_contain_text("La carte a besoin de JavaScript")
    finally:
        context.close()


def test_language_switch_to_english_and_back(new_page, world: World):
    page = new_page()
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fr")

    page.get_by_role("button", name="English", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    # The switch offers the other language, in that language.
    expect(page.get_by_role("button", name="Français", exact=True)).to_have_attribute("lang", "fr")

    page.get_by_role("button", name="Français", exact=True).click()
    expect(html).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()


def test_login_form_shows_french_error_on_wrong_password(new_page, world: World):
    page = new_page()
    log_in(page, world.roubaix_organiser, "ce-n-est-pas-le-bon")

    expect(page.locator(".field-error")).to_have_text("Adresse e-mail ou mot de passe incorrect.")
    expect(page.get_by_label("Mot de passe")).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("link", name="Connexion organisateurs")).to_be_visible()


def _itier_booked_at_roubaix_the_same_morning(app, world: World) -> int:
    """Roubaix, 25 February 2019 11:00–13:00, with Christophe Itier speaking there; and the
    Clermont speakers, not booked yet."""
    from datetime import date

    from extensions import db
    from tests.factories import add_speaker, add_stop_speaker, make_stop, territory_of, tour_of

    with app.app_context():
        roubaix = make_stop(
            tour_of(world), territory_of(world, "roubaix"), date(2019, 2, 25), "11:00", "13:00"
        )
        itier = add_speaker("Christophe Itier", title="Haut-Commissaire à l’ESS")
        add_speaker("Mathias Bernard")
        add_speaker("Emmanuelle Perrone")
        add_stop_speaker(roubaix, itier)
        db.session.commit()
        return itier.id


def _add_to_table(page: Page, name: str, role: str) -> None:
    form = page.locator("#participants form.inline-form")
    form.get_by_label("Intervenant·e").select_option(label=name)
    form.get_by_label("Rôle").select_option(label=role)
    form.get_by_role("button", name="Ajouter à la table ronde").click()


def test_organiser_builds_a_round_table_sees_speaker_conflict_and_visitor_sees_it(
    app, new_page, world: World
):
    itier_id = _itier_booked_at_roubaix_the_same_morning(app, world)
    organiser = new_page()
    log_in(organiser, world.nantes_organiser)
    board_stop(organiser, "Nantes Métropole").get_by_role("link", name="Programme").click()
    organiser.get_by_role("link", name="Nouvelle table ronde").click()
    organiser.get_by_label("Titre").fill("Table ronde du label")
    organiser.get_by_label("Début").fill("10:30")
    organiser.get_by_label("Fin").fill("12:00")
    organiser.get_by_role("button", name="Enregistrer").click()
    expect(organiser.locator(".flash-success")).to_contain_text(
        "Table ronde « Table ronde du label » créée"
    )

    _add_to_table(organiser, "Mathias Bernard", "Modération")
    _add_to_table(organiser, "Emmanuelle Perrone", "Intervention")
    _add_to_table(organiser, "Christophe Itier — Haut-Commissaire à l’ESS", "Intervention")
    # Already speaking at Roubaix that morning: the form warns, the booking stays.
    expect(organiser.locator(".warnings")).to_contain_text(
        "Christophe Itier est attendu·e à deux endroits en même temps"
    )
    people = organiser.locator("ol.participants > li")
    expect(people).to_have_count(3)
    # Christophe Itier speaks second: move him up once.
    organiser.get_by_role("button", name="Monter Christophe Itier").click()
    expect(people.nth(1)).to_contain_text("Christophe Itier")

    visitor = new_page()
    visitor.goto(f"/stops/{world.nantes_stop_id}")
    table = visitor.locator("article.round-table")
    expect(table).to_contain_text("Table ronde du label")
    expect(table.locator("li")).to_have_text(
        [
            re.compile("^Mathias Bernard"),
            re.compile("^Christophe Itier"),
            re.compile("^Emmanuelle Perrone"),
        ]
    )
    table.get_by_role("link", name="Christophe Itier").click()
    expect(visitor).to_have_url(re.compile(rf"/speakers/{itier_id}$"))
    expect(visitor.locator("main")).to_contain_text("Table ronde du label")
    expect(visitor.locator("main")).to_contain_text("Roubaix")
    expect(visitor.locator("main")).not_to_contain_text("attendu·e à deux endroits")


def test_cancelling_a_stop_asks_in_a_modal_first(new_page, world: World):
    page = new_page()
    log_in(page, world.admin)
    page.goto(f"/board/tours/{world.tour_slug}/")
    badge = board_stop(page, "Nantes Métropole").locator(".fr-badge")
    trigger = board_stop(page, "Nantes Métropole").get_by_role("button", name="Annuler l’étape")
    dialog = page.get_by_role("dialog", name="Annuler l’étape de Nantes Métropole ?")

    trigger.click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("restera affichée comme annulée")
    dialog.get_by_role("button", name="Ne rien changer", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(badge).to_have_text("Confirmée")

    trigger.click()
    dialog.get_by_role("button", name="Oui, annuler l’étape").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Étape de Nantes Métropole annulée : elle reste affichée comme annulée."
    )
    expect(badge).to_have_text("Annulée")


def test_stop_form_map_moves_the_position_by_a_click_and_follows_the_territory(
    new_page, world: World
):
    page = new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(
        re.compile(r"^https?://([a-z0-9-]+\.)*tile\.openstreetmap\.org/"), lambda r: r.abort()
    )
    log_in(page, world.admin)
    page.goto(f"/board/tours/{world.tour_slug}/stops/new?territoire=roubaix")
    latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    expect(latitude).to_have_value("50.6942")
    expect(longitude).to_have_value("3.1746")
    stop_map = page.locator("#stop-map")
    expect(stop_map).to_be_visible()
    expect(stop_map.locator(".leaflet-marker-icon")).to_have_count(1)

    # A click up and to the left of the centre (the territory) moves north-west.
    box = stop_map.bounding_box()
    assert box is not None
    stop_map.click(position={"x": box["width"] / 2 - 80, "y": box["height"] / 2 - 60})
    expect(latitude).not_to_have_value("50.6942")
    lat, lon = float(latitude.input_value()), float(longitude.input_value())
    assert 50.6942 < lat < 51.5 and 2.5 < lon < 3.1746
    expect(page.locator("[data-stop-map-status]")).to_contain_text(f"latitude {lat:.6f}")

    # Another territory: the position moves there only if it was still the proposed one.
    page.get_by_label("Territoire", exact=True).select_option(label="Nantes Métropole")
    expect(latitude).to_have_value(f"{lat:.6f}")
    page.get_by_label("Territoire", exact=True).select_option(label="Clermont-Ferrand")
    expect(latitude).to_have_value(f"{lat:.6f}")
    page.goto(f"/board/tours/{world.tour_slug}/stops/new?territoire=roubaix")
    page.get_by_label("Territoire", exact=True).select_option(label="Nantes Métropole")
    expect(latitude).to_have_value("47.218400")
    expect(longitude).to_have_value("-1.553600")

    # Typing a position moves the marker; saving keeps what the fields say.
    latitude.fill("47.2")
    expect(stop_map.locator(".leaflet-marker-icon")).to_have_count(1)
    page.get_by_label("Date (heure locale du territoire)").fill("2019-03-12")
    page.get_by_label("Début", exact=True).fill("14:00")
    page.get_by_label("Fin", exact=True).fill("16:00")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".flash-success")).to_contain_text("Étape de Nantes Métropole créée")
    assert errors == []


def test_coordinator_proposes_an_itinerary_and_accepts_it(app, new_page, world: World):
    from extensions import db
    from models import Role
    from tests.factories import make_user

    with app.app_context():
        make_user("coordination@test.example", Role.COORDINATOR, [], "Coline Coordination")
        db.session.commit()
    app.config["PLANNING_SOLVER_SECONDS"] = 5
    page = new_page()
    log_in(page, "coordination@test.example")
    page.goto(f"/board/tours/{world.tour_slug}/")
    page.get_by_role("link", name="Itinéraire national").click()
    expect(page.get_by_role("heading", name="Semaines de la tournée")).to_be_visible()
    expect(page.locator(".timeline .tl-stop")).to_have_count(2)  # Nantes and Clermont
    # The stops fixed so far, joined in date order on the map (a Leaflet polyline).
    expect(page.locator("#itinerary-map path.route-fixed")).to_have_count(1)
    page.get_by_role("button", name="Proposer un itinéraire").click()
    expect(page.locator(".proposal-summary")).to_contain_text("3 étapes proposées")
    expect(page.locator("#itinerary-map path.route-proposed")).to_have_count(1)
    expect(page.locator(".timeline .tl-proposed")).to_have_count(3)
    page.get_by_role("button", name="Tout accepter").click()
    expect(page.get_by_text("3 étapes créées en brouillon")).to_be_visible()
    for territory in ("Roubaix", "Strasbourg Eurométropole", "Mayotte"):
        expect(board_stop(page, territory)).to_contain_text("Brouillon")
