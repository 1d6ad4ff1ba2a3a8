"""A territory team prepares its stop in a real browser: a task assigned, then ticked, and
the progress seen on the board."""

import pytest
from playwright.sync_api import expect

from extensions import db
from models import Tour
from services.collaboration.tasks import add_checklist_item
from tests.factories import make_roubaix_stop
from tests.helpers import World
from tests.test_browser import chromium, live_server, log_in, new_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_a_territory_team_assigns_and_ticks_a_task_and_sees_the_progress(
    app,
    new_page,  # noqa: F811
    world: World,
):
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        add_checklist_item(tour, "Salle réservée", 30)
        db.session.commit()
    # The stop is created after the template: it gets its task.
    stop_id = make_roubaix_stop(app, world)
    with app.app_context():
        from models import TourStop
        from services.collaboration.tasks import add_checklist_tasks

        add_checklist_tasks(db.session.get(TourStop, stop_id))
        db.session.commit()

    page = new_page()
    log_in(page, world.roubaix_organiser)
    page.goto(f"/board/stops/{stop_id}/programme")
    page.get_by_label("Intitulé").fill("Invitations envoyées")
    page.get_by_label("Responsable").select_option(label="Rémi Roubaix")
    page.get_by_role("button", name="Ajouter la tâche").click()
    expect(page.locator(".fr-alert--success")).to_contain_text("Invitations envoyées")
    expect(page.locator("#taches")).to_contain_text("0/2 faites")

    page.get_by_label("Statut de « Invitations envoyées »", exact=True).select_option(label="Fait")
    page.get_by_role("button", name="Enregistrer le statut de « Invitations envoyées »").click()
    expect(page.locator("#taches")).to_contain_text("1/2 faites")
    expect(page.locator(".fi-activity")).to_contain_text(
        "Rémi Roubaix a modifié la tâche Invitations envoyées"
    )

    page.goto(f"/board/tours/{world.tour_slug}/")
    expect(page.locator(f"#stop-{stop_id} .fi-stop-progress")).to_contain_text("Tâches : 1/2")

    page.goto("/board/mes-taches")
    expect(page.locator(".fi-my-tasks")).to_contain_text("Invitations envoyées")
