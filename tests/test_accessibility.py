"""axe-core (npm, pinned in tests/a11y/package-lock.json) run in Debian's Chromium on the pages
of the platform at 1366 and 390 px: no violation of the WCAG 2.1 A and AA rules, whatever its
impact; and no page scrolls sideways at 320 px (WCAG 1.4.10, reflow). A new page is added to
PAGES. The browser and the live server are those of tests/test_browser.py."""

import re
from pathlib import Path

import pytest

from tests.factories import make_speaker, make_workshop
from tests.helpers import World
from tests.test_browser import chromium, live_server, log_in  # noqa: F401 (fixtures)
from tests.test_confirmations import things  # noqa: F401 (fixture)

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
    ("/api/v1/", None),  # the API's documentation, generated from its OpenAPI document
]


def pages_of(world: World) -> list[tuple[str, str | None]]:
    return [
        *PAGES,
        (f"/tours/{world.tour_slug}/", None),
        (f"/tours/{world.tour_slug}/?mois=2019-02", None),  # opens on the calendar tab
        (f"/stops/{world.nantes_stop_id}", None),
        ("/territories/nantes", None),
        (f"/tours/{world.tour_slug}/changes", None),  # no release yet: the empty state
        # Nobody consumes the jobs of the live server: the programme's progress page.
        (f"/tours/{world.tour_slug}/programme.pdf", None),
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
            # 202: the programme's progress page while its job has not run
            assert response is not None and response.status in (200, 202), path
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


def admin_id(app, world: World) -> int:
    from sqlalchemy import select

    from extensions import db
    from models import User

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == world.admin))


def organiser_pages(app, world: World) -> list[str]:
    """As an admin on a tour without workshops or speakers: the empty states."""
    return [
        "/board/",
        "/board/profile",
        f"/board/stops/{world.nantes_stop_id}/round-tables/new",
        "/board/speakers/new",
        f"/admin/users/{admin_id(app, world)}/edit",
        f"/board/tours/{world.tour_slug}/",
        f"/board/tours/{world.tour_slug}/stops/new",
        f"/board/stops/{world.nantes_stop_id}/edit",
        f"/board/stops/{world.nantes_stop_id}/programme",
        f"/board/tours/{world.tour_slug}/workshops",
        f"/board/tours/{world.tour_slug}/workshops/new",
        "/admin/users/",
        "/admin/users/new",
        "/admin/taches-de-fond",
        f"/board/tours/{world.tour_slug}/territories/roubaix/disponibilites",
        f"/board/tours/{world.tour_slug}/releases/new",
        "/board/equipes",
        "/board/territories/roubaix/equipe",
        "/notifications",
        f"/board/tours/{world.tour_slug}/itineraire",
    ]


@pytest.mark.parametrize("width", [1366, 390])
def test_organiser_pages_have_no_wcag_violation(app, chromium, live_server, world, width):  # noqa: F811
    pages = organiser_pages(app, world)
    assert problems_on(chromium, live_server, pages, width, world.admin, violations) == {}


def test_no_organiser_page_scrolls_sideways_at_320_px(app, chromium, live_server, world):  # noqa: F811
    pages = organiser_pages(app, world)
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


def pages_with_content(world: World, made: dict, registration_token: str) -> list[str]:
    """Pages with content in them: a workshop with registrants, a round table with its
    speakers, a speaker with availability, a participant's own page."""
    return [
        f"/board/workshops/{made['workshop']}/registrations",
        f"/board/round-tables/{made['table']}/edit",
        f"/board/speakers/{made['speaker']}/edit",
        f"/board/speakers/{made['speaker']}/merge",
        f"/board/speakers/{made['speaker']}/delete",
        f"/board/workshops/{made['workshop']}/edit",
        f"/board/stops/{world.nantes_stop_id}/programme",
        f"/workshops/{made['workshop']}",
        f"/registrations/{registration_token}",
        "/registrations/lien-perdu",
    ]


def token_of(app, registration_id: int) -> str:
    from extensions import db
    from models import Registration

    with app.app_context():
        return db.session.get(Registration, registration_id).token


@pytest.mark.parametrize("width", [1366, 390])
def test_filled_pages_have_no_wcag_violation_for_a_territorial_organiser(
    app,
    chromium,  # noqa: F811
    live_server,  # noqa: F811
    world,
    things,  # noqa: F811
    width,
):
    pages = pages_with_content(world, things, token_of(app, things["registration"]))
    who = world.nantes_organiser
    assert problems_on(chromium, live_server, pages, width, who, violations) == {}
    assert problems_on(chromium, live_server, pages, 320, who, overflow) == {}


def add_wishes(app, world: World, slug: str) -> None:
    """Two date options and a blackout of a territory, through the service."""
    from datetime import date, time

    from extensions import db
    from models import Territory, Tour
    from services.planning import wishes

    with app.app_context():
        tour, territory = (
            db.session.get(Tour, world.tour_id),
            db.session.get(Territory, world.territory[slug]),
        )
        for day, rank in ((date(2019, 5, 14), 2), (date(2019, 6, 4), 1)):
            fields = wishes.OptionFields(day, time(10), time(13), rank, "Au Pôle ressource")
            wishes.add_option(tour, territory, fields)
        wishes.add_blackout(tour, territory, date(2019, 8, 1), date(2019, 8, 15), "Congés")
        db.session.commit()


@pytest.mark.parametrize("width", [1366, 390])
def test_wishes_page_with_content_has_no_wcag_violation(
    app,
    chromium,  # noqa: F811
    live_server,  # noqa: F811
    world,
    width,
):
    """Date options and blackouts in their tables, with their removal buttons and dialogs,
    for the team (who edits) and for another team (who reads)."""
    add_wishes(app, world, "nantes")
    pages = [f"/board/tours/{world.tour_slug}/territories/nantes/disponibilites"]
    for who in (world.nantes_organiser, world.roubaix_organiser):
        assert problems_on(chromium, live_server, pages, width, who, violations) == {}
        assert problems_on(chromium, live_server, pages, 320, who, overflow) == {}


def add_tasks_and_activity(app, world: World) -> None:
    """A checklist, the Nantes stop's tasks (one overdue, owned by the admin), and activity
    entries written by an edit of the stop."""
    from datetime import date

    from extensions import db
    from models import TourStop, User
    from services.collaboration import tasks
    from services.collaboration.activity import acting_as

    with app.app_context():
        admin = db.session.execute(db.select(User).where(User.email == world.admin)).scalar_one()
        stop = db.session.get(TourStop, world.nantes_stop_id)
        with acting_as(admin):
            tasks.add_checklist_item(stop.tour, "Salle réservée", 30)
            tasks.add_checklist_item(stop.tour, "Accessibilité PMR vérifiée", 21)
            tasks.create_task(stop, tasks.TaskFields("Salle réservée", admin.id, date(2019, 1, 1)))
            done = tasks.create_task(stop, tasks.TaskFields("Traiteur", admin.id, date(2099, 1, 1)))
            tasks.set_task_status(done, "done")
            stop.venue_name = "Solilab"
        db.session.commit()


@pytest.mark.parametrize("width", [1366, 390])
def test_task_and_activity_pages_have_no_wcag_violation(
    app,
    chromium,  # noqa: F811
    live_server,  # noqa: F811
    world,
    width,
):
    """The checklist, a stop's tasks and activity, Mes tâches, the tour's and the admin's
    activity, filled, for the admin (who edits) and an organiser of another territory."""
    add_tasks_and_activity(app, world)
    pages = [
        f"/board/tours/{world.tour_slug}/checklist",
        f"/board/stops/{world.nantes_stop_id}/programme",
        "/board/mes-taches",
        f"/board/tours/{world.tour_slug}/activite",
        f"/board/tours/{world.tour_slug}/",
    ]
    from extensions import db
    from models import Task

    with app.app_context():
        task_id = db.session.execute(db.select(Task.id).limit(1)).scalar_one()
    admin_pages = [*pages, f"/board/tasks/{task_id}/edit", "/admin/activite"]
    assert problems_on(chromium, live_server, admin_pages, width, world.admin, violations) == {}
    assert (
        problems_on(chromium, live_server, pages, width, world.roubaix_organiser, violations) == {}
    )
    if width == 390:  # reflow once
        assert problems_on(chromium, live_server, admin_pages, 320, world.admin, overflow) == {}


# Forms sent empty: the error summary, fields in error and their messages.
ERROR_STATES = [
    ("/registrations/lien-perdu", None),
    ("/login", None),
    ("/board/tours/{tour}/stops/new", "organiser"),
    ("/board/tours/{tour}/workshops/new", "organiser"),
    ("/board/tours/{tour}/territories/nantes/disponibilites", "organiser"),
    ("/workshops/{workshop}", None),
]


EMPTY_THE_FORM = """f => {
  f.noValidate = true;
  f.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), textarea")
    .forEach(i => { i.value = ""; });
}"""


EMPTY_THE_FORM = """f => {
  f.noValidate = true;
  f.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), textarea")
    .forEach(i => { i.value = ""; });
}"""


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize(("path", "who"), ERROR_STATES)
def test_refused_forms_have_no_wcag_violation(
    chromium,  # noqa: F811
    live_server,  # noqa: F811
    world,
    things,  # noqa: F811
    path,
    who,
    width,
):
    url = path.format(tour=world.tour_slug, workshop=things["workshop"])
    context, page = open_as(chromium, live_server, width, who and world.nantes_organiser)
    try:
        page.goto(url)
        form = page.locator("main form[method=post]").filter(has=page.locator("[type=submit]"))
        form.first.evaluate(EMPTY_THE_FORM)
        with page.expect_navigation():
            form.first.locator("[type=submit]").first.click()
        assert page.locator("[data-error-summary]").count() == 1, url
        assert violations(page) == [], url
        assert overflow(page) == [], url
    finally:
        context.close()


def _board_with_a_conflict(app, world: World) -> None:
    """Roubaix overlapping Nantes on 25 February 2019: the board's warnings panel is filled."""
    from datetime import date

    from extensions import db
    from tests.factories import make_stop, territory_of, tour_of

    with app.app_context():
        make_stop(
            tour_of(world), territory_of(world, "roubaix"), date(2019, 2, 25), "11:00", "13:00"
        )
        db.session.commit()


@pytest.mark.parametrize("width", [1366, 390])
def test_board_states_pass_axe_and_reflow(app, chromium, live_server, world, width):  # noqa: F811
    """The board with its warnings and a cancellation modal open, the stop form with its map,
    in error, and the confirmation page of a cancellation without JavaScript's modal."""
    _board_with_a_conflict(app, world)
    context, page = open_as(chromium, live_server, width, world.admin)
    page.route(
        re.compile(r"^https?://([a-z0-9-]+\.)*tile\.openstreetmap\.org/"), lambda r: r.abort()
    )
    problems: dict[str, list] = {}

    def check(state: str) -> None:
        found = violations(page) + [f"overflow at 320 px: {w}" for w in reflow_at_320(page)]
        if found:
            problems[state] = found

    try:
        page.goto(f"/board/tours/{world.tour_slug}/?mois=2019-02")
        assert page.locator(".warnings-panel.fr-alert--warning").count() == 1
        check("board with a conflict")
        page.locator(f"#stop-{world.nantes_stop_id}").get_by_role(
            "button", name="Annuler l’étape"
        ).click()
        page.get_by_role("dialog").wait_for()
        # axe measures colours: wait for the end of the modal's fade-in.
        page.wait_for_function(
            "() => [...document.querySelectorAll('dialog.fr-modal--opened')]"
            ".some(d => getComputedStyle(d).opacity === '1')"
        )
        check("board, cancellation modal open")

        page.goto(f"/board/tours/{world.tour_slug}/stops/new?territoire=roubaix")
        page.locator("#stop-map .leaflet-marker-icon").wait_for()
        check("new stop, map shown")
        page.get_by_role("button", name="Enregistrer").click()
        page.locator("[data-error-summary]").wait_for()
        check("new stop, in error")

        page.goto(f"/board/tours/{world.tour_slug}/")
        page.evaluate(
            "document.querySelectorAll('[data-confirm-dialog]')"
            ".forEach(b => { b.type = 'submit'; b.removeAttribute('aria-controls'); })"
        )
        page.locator(f"#stop-{world.nantes_stop_id}").get_by_role(
            "button", name="Annuler l’étape"
        ).click()
        page.get_by_role("heading", name="Annuler l’étape de Nantes Métropole ?").wait_for()
        check("cancellation asked without the modal")
    finally:
        context.close()
    assert problems == {}


def reflow_at_320(page) -> list[int]:
    """The page's width when, narrowed to 320 px, it scrolls sideways."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": size["height"]})
    try:
        return overflow(page)
    finally:
        page.set_viewport_size(size)


def add_releases(app, world: World) -> None:
    """Two releases of the tour (a round table added, then renamed) and a change pending."""
    from extensions import db
    from models import ParticipantRole, RoundTable, TourStop
    from services.publishing.releases import publish_release
    from tests.factories import add_round_table, add_speaker, tour_of

    with app.test_request_context():
        tour = tour_of(world)
        publish_release(tour, "v1", "Première version.", None)
        stop = db.session.get(TourStop, world.nantes_stop_id)
        speaker = add_speaker("Ana Lopez", email="ana@example.org")
        table = add_round_table(
            stop, "Mobilité", "10:00", "11:00", [(speaker, ParticipantRole.PANELIST)]
        )
        db.session.flush()
        publish_release(tour, "v2", "", None)
        table = db.session.get(RoundTable, table.id)
        table.title = "Mobilité solidaire"
        db.session.commit()


@pytest.mark.parametrize("width", [1366, 390])
def test_release_pages_with_changes_have_no_wcag_violation(
    app,
    chromium,  # noqa: F811
    live_server,  # noqa: F811
    world,
    width,
):
    """The change log with its releases and changes, for visitors; the publish form with
    the changes pending, for an admin."""
    add_releases(app, world)
    public = [f"/tours/{world.tour_slug}/changes"]
    assert problems_on(chromium, live_server, public, width, None, violations) == {}
    assert problems_on(chromium, live_server, public, 320, None, overflow) == {}
    board = [f"/board/tours/{world.tour_slug}/releases/new"]
    assert problems_on(chromium, live_server, board, width, world.admin, violations) == {}
    assert problems_on(chromium, live_server, board, 320, world.admin, overflow) == {}


def collaboration_pages(app, world: World) -> tuple[list[str], list[str], str]:
    """A Roubaix team at work: a member and an observer, a pending invitation, comments
    (one edited, with a mention) on the stop, notifications for the lead. Returns the lead's
    pages, the visitor's pages (an invitation, a refused one), and the lead's e-mail."""
    import re as _re

    from sqlalchemy import select

    from extensions import db
    from models import OutboxMail, TeamRole
    from tests.collaboration.conftest import add_team_member
    from tests.factories import make_roubaix_stop
    from tests.helpers import login, post_form

    with app.app_context():
        add_team_member("membre@test.example", "roubaix", TeamRole.MEMBER, world, "Mehdi Membre")
        db.session.commit()
    stop_id = make_roubaix_stop(app, world)
    client = app.test_client()
    login(client, "membre@test.example")
    post_form(
        client, f"/board/comments/stop/{stop_id}", {"body": "Salle **réservée**, @[Rémi Roubaix]."}
    )
    client = app.test_client()
    login(client, world.roubaix_organiser)
    post_form(
        client,
        "/board/territories/roubaix/equipe/invitations",
        {"email": "n@x.fr", "role": "observer"},
    )
    post_form(client, f"/board/comments/stop/{stop_id}", {"body": "Merci !"})
    with app.app_context():
        from models import Comment

        mine = db.session.scalars(select(Comment.id).order_by(Comment.id)).all()[-1]
        body = db.session.scalars(select(OutboxMail.text_body)).first()
    post_form(client, f"/board/comments/{mine}/edit", {"body": "Merci beaucoup !"})
    token = _re.search(r"/invitations/(\S+)", body).group(1)
    lead_pages = [
        "/board/territories/roubaix/equipe",
        f"/board/stops/{stop_id}/programme",
        f"/board/comments/{mine}/edit",
        "/notifications",
        "/board/profile",
    ]
    return lead_pages, [f"/invitations/{token}"], world.roubaix_organiser


@pytest.mark.parametrize("width", [1366, 390])
def test_collaboration_pages_have_no_wcag_violation(app, chromium, live_server, world, width):  # noqa: F811
    lead_pages, visitor_pages, lead = collaboration_pages(app, world)
    assert problems_on(chromium, live_server, lead_pages, width, lead, violations) == {}
    assert problems_on(chromium, live_server, lead_pages, 320, lead, overflow) == {}
    assert problems_on(chromium, live_server, visitor_pages, width, None, violations) == {}
