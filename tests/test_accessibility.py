"""axe-core (npm, pinned in tests/a11y/package-lock.json) run in Debian's Chromium on the pages
of the platform at 1366 and 390 px: no violation of the WCAG 2.1 A and AA rules, whatever its
impact; and no page scrolls sideways at 320 px (WCAG 1.4.10, reflow). A new page is added to
PAGES. The browser and the live server are those of tests/test_browser.py."""

from pathlib import Path

import pytest

from tests.factories import make_speaker, make_workshop
from tests.helpers import World
from tests.test_browser import chromium, live_server, log_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# (path, who is signed in): public pages as a visitor, organiser pages as Nantes' organiser.
PAGES = [
    ("/", None),
    ("/territories/", None),
    ("/workshops/", None),
    ("/speakers/", None),
    ("/login", None),
    ("/accessibilite", None),
    ("/mentions-legales", None),
    ("/plan-du-site", None),
    ("/confidentialite", None),
]


def pages_of(world: World) -> list[tuple[str, str | None]]:
    return [
        *PAGES,
        (f"/tours/{world.tour_slug}/", None),
        (f"/tours/{world.tour_slug}/?mois=2019-02", None),  # opens on the calendar tab
        (f"/stops/{world.nantes_stop_id}", None),
        ("/territories/nantes", None),
    ]


def filled_pages(app, world: World) -> list[str]:
    """Pages that need data the world lacks: two pages of speakers, a speaker, a workshop."""
    speaker_id = make_speaker(
        app, "Camille Martin", title="Chargée de mission", organisation="CRESS"
    )
    for n in range(25):
        make_speaker(app, f"Intervenant {n:02d}", organisation="Structure")
    workshop_id = make_workshop(app, world, title="Filière du réemploi")
    return [
        "/speakers/",
        "/speakers/?page=2",
        "/speakers/?page=9",  # past the end: the way back
        "/speakers/?q=zzz",  # no match
        f"/speakers/{speaker_id}",
        "/workshops/",
        "/workshops/?defi=reemploi",  # filtered, with its tags
        f"/workshops/{workshop_id}",
    ]


def open_as(chromium, live_server, width: int, who: str | None):  # noqa: F811
    context = chromium.browser().new_context(
        base_url=live_server, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    if who:
        log_in(page, who)
    return context, page


def violations(page) -> list[str]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make test` (npm ci in tests/a11y).", pytrace=False)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))",
        WCAG_21_AA,
    )
    return list(found)


def overflow(page) -> list[int]:
    """The page's width when it scrolls sideways (nothing when it does not)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    return [width] if width > page.viewport_size["width"] else []


def problems_on(chromium, live_server, paths, width: int, who: str | None, check) -> dict:  # noqa: F811
    """For each page that fails the check, what the check found (every page must answer 200)."""
    context, page = open_as(chromium, live_server, width, who)
    try:
        problems = {}
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            found = check(page)
            if found:
                problems[path] = found
        return problems
    finally:
        context.close()


def public_paths(world: World) -> list[str]:
    return [path for path, _who in pages_of(world)]


@pytest.mark.parametrize("width", [1366, 390])
def test_public_pages_have_no_wcag_violation(chromium, live_server, world, width):  # noqa: F811
    assert problems_on(chromium, live_server, public_paths(world), width, None, violations) == {}


def test_no_public_page_scrolls_sideways_at_320_px(chromium, live_server, world):  # noqa: F811
    assert problems_on(chromium, live_server, public_paths(world), 320, None, overflow) == {}


@pytest.mark.parametrize("width", [1366, 390])
def test_filled_public_pages_have_no_wcag_violation(app, chromium, live_server, world, width):  # noqa: F811
    pages = filled_pages(app, world)
    assert problems_on(chromium, live_server, pages, width, None, violations) == {}


def test_no_filled_public_page_scrolls_sideways_at_320_px(app, chromium, live_server, world):  # noqa: F811
    pages = filled_pages(app, world)
    assert problems_on(chromium, live_server, pages, 320, None, overflow) == {}


def tour_tabs_and_refused_registration(page, world: World, workshop_id: int) -> dict:
    """The tour's calendar and map tabs opened, and a registration sent empty (error state)."""
    problems = {}
    page.goto(f"/tours/{world.tour_slug}/")
    for tab in ("Calendrier", "Carte"):
        page.get_by_role("tab", name=tab).click()
        page.locator(f"#vue-{tab.lower()}.fr-tabs__panel--selected").wait_for()
        page.wait_for_timeout(400)  # the DSFR's transition
        if found := violations(page) + overflow(page):
            problems[tab] = found
    page.goto(f"/workshops/{workshop_id}")
    page.get_by_role("button", name="Je m’inscris").click()
    page.locator("[data-error-summary]").wait_for()
    if found := violations(page) + overflow(page):
        problems["registration refused"] = found
    return problems


@pytest.mark.parametrize("width", [1366, 390, 320])
def test_tour_tabs_and_refused_registration_have_no_wcag_violation(
    app,
    chromium,  # noqa: F811
    live_server,  # noqa: F811
    world,
    width,
):
    workshop_id = make_workshop(app, world)
    context, page = open_as(chromium, live_server, width, None)
    try:
        page.route("**/tile.openstreetmap.org/**", lambda r: r.abort())
        assert tour_tabs_and_refused_registration(page, world, workshop_id) == {}
    finally:
        context.close()


def organiser_pages(world: World) -> list[str]:
    return [
        "/board/profile",
        f"/board/tours/{world.tour_slug}/",
        f"/board/tours/{world.tour_slug}/stops/new",
        f"/board/stops/{world.nantes_stop_id}/edit",
        f"/board/stops/{world.nantes_stop_id}/programme",
        f"/board/tours/{world.tour_slug}/workshops",
        f"/board/tours/{world.tour_slug}/workshops/new",
        "/admin/users/",
        "/admin/users/new",
    ]


@pytest.mark.parametrize("width", [1366, 390])
def test_organiser_pages_have_no_wcag_violation(chromium, live_server, world, width):  # noqa: F811
    pages = organiser_pages(world)
    assert problems_on(chromium, live_server, pages, width, world.admin, violations) == {}


def test_no_organiser_page_scrolls_sideways_at_320_px(chromium, live_server, world):  # noqa: F811
    pages = organiser_pages(world)
    assert problems_on(chromium, live_server, pages, 320, world.admin, overflow) == {}


def test_axe_reports_a_violation_when_a_page_has_one(chromium, live_server):  # noqa: F811
    """The harness itself: an image without a text alternative is found."""
    context, page = open_as(chromium, live_server, 1366, None)
    try:
        page.goto("/")
        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')"
        )
        assert any(v.startswith("image-alt:") for v in violations(page))
    finally:
        context.close()
