"""The footer pages: accessibility statement, legal notice and site map."""

import pytest

from tests.helpers import post_form, text_of

PAGES = {
    "/accessibilite": "Déclaration d’accessibilité",
    "/mentions-legales": "Mentions légales",
    "/plan-du-site": "Plan du site",
}


@pytest.mark.parametrize(("url", "title"), PAGES.items())
def test_site_page_answers_with_its_heading(client, url, title):
    response = client.get(url)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in text_of(response)


def test_home_footer_links_to_the_four_site_pages(client, world):
    footer = text_of(client.get("/")).split("<footer", 1)[1]
    for url in (*PAGES, "/confidentialite"):
        assert f'href="{url}"' in footer, url


def test_accessibility_statement_is_honest_and_gives_a_contact(app, client):
    page = text_of(client.get("/accessibilite"))
    assert "non conforme" in page
    assert "RGAA" in page
    assert "3 décembre 2026" in page
    assert app.config["MAIL_ORGANIZER"] in page
    assert f'href="mailto:{app.config["MAIL_ORGANIZER"]}"' in page
    assert "https://formulaire.defenseurdesdroits.fr/" in page
    assert "Libre réponse 71120" in page


def test_legal_notice_gives_licence_and_contact(app, client):
    page = text_of(client.get("/mentions-legales"))
    assert "etalab-2.0" in page
    assert "OpenStreetMap" in page
    assert app.config["MAIL_ORGANIZER"] in page


def test_site_map_links_to_public_pages(client):
    page = text_of(client.get("/plan-du-site"))
    for url in ("/", "/territories/", "/workshops/", "/login", "/confidentialite", *PAGES):
        assert f'href="{url}"' in page, url


def test_site_map_links_to_each_tours_frab_schedules(client, world):
    page = text_of(client.get("/plan-du-site"))
    for url in (
        "/tours/tournee-test/",
        *(f"/tours/tournee-test/schedule.{k}" for k in ("json", "xml")),
    ):
        assert f'href="{url}"' in page, url
    assert "format frab" in page


def test_accessibility_statement_in_english(client):
    post_form(client, "/langue", {"lang": "en"})
    page = text_of(client.get("/accessibilite"))
    assert '<html lang="en"' in page
    assert "<h1>Accessibility statement</h1>" in page
    assert "not compliant" in page
    assert "non conforme" not in page
