"""Subscribing from the pages: the "S’abonner" block beside every feed, the one-item .ics
links of a stop, and the private links of participants, organisers and speakers, shown only
to their owners and regenerable."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from sqlalchemy import select

from extensions import db
from models import OutboxMail, WorkshopStatus
from tests.factories import make_round_table, make_speaker, make_workshop, register
from tests.helpers import csrf_token, login, post_form, text_of, utc

BASE = "http://localhost"
TOUR_FEED = f"{BASE}/calendar/tours/tournee-test.ics"
PRIVATE_LINK = re.compile(r"http://localhost(/calendar/private/[A-Za-z0-9_-]+\.ics)")
RENEWAL_LINK = re.compile(r"http://localhost(/registrations/calendar-renewal/[A-Za-z0-9_.-]+)")
ANCHOR = re.compile(r"<a\b([^>]*)>")
ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')


def links(response) -> list[dict[str, str]]:
    """Every <a> of the page as its attributes, entities decoded."""
    html = response.get_data(as_text=True)
    return [
        {name: unescape(value) for name, value in ATTRIBUTE.findall(attrs)}
        for attrs in ANCHOR.findall(html)
    ]


def hrefs(response) -> list[str]:
    return [a["href"] for a in links(response) if "href" in a]


def one_link(response, prefix: str) -> dict[str, str]:
    (found,) = [a for a in links(response) if a.get("href", "").startswith(prefix)]
    return found


def query(href: str) -> dict[str, str]:
    return {key: value for key, (value,) in parse_qs(urlsplit(href).query).items()}


def assert_subscribe_block(response, feed_url: str, name: str) -> None:
    """The block's five ways in, all leading to the same absolute feed address."""
    assert response.status_code == 200
    page = text_of(response)
    assert "S’abonner à ce calendrier" in page
    webcal = "webcal:" + feed_url.split(":", 1)[1]
    assert webcal in hrefs(response)
    assert f'value="{feed_url}" readonly' in page
    assert feed_url in hrefs(response)  # Télécharger (.ics)
    google = one_link(response, "https://calendar.google.com/calendar/render?")
    assert query(google["href"]) == {"cid": webcal}
    outlook = one_link(response, "https://outlook.live.com/calendar/0/addfromweb?")
    assert query(outlook["href"]) == {"url": feed_url, "name": name}
    for external in (google, outlook):
        assert external["rel"] == "noopener" and "target" not in external


def path_of(url: str) -> str:
    return urlsplit(url).path


def private_path(response) -> str:
    (path,) = set(PRIVATE_LINK.findall(response.get_data(as_text=True)))
    return path


@pytest.fixture
def speaker_id(app, world) -> int:
    return make_speaker(app, "Christophe Itier", title="Haut-Commissaire")


@pytest.fixture
def round_table_id(app, world) -> int:
    return make_round_table(
        app,
        world.nantes_stop_id,
        "Réemploi et insertion",
        utc(2019, 2, 25, 9, 30),
        utc(2019, 2, 25, 11),
    )


# Public feeds -------------------------------------------------------------------------------


def test_tour_page_subscribe_block_leads_everywhere_to_the_tour_feed(client, world):
    response = client.get(f"/tours/{world.tour_slug}/")
    assert_subscribe_block(response, TOUR_FEED, "Tournée de test")
    assert "webcal://localhost/calendar/tours/tournee-test.ics" in hrefs(response)
    assert client.get(path_of(TOUR_FEED)).status_code == 200


def test_territory_speaker_and_workshop_pages_offer_their_own_feeds(app, client, world, speaker_id):
    feed = f"{BASE}/calendar/territories/nantes.ics"
    assert_subscribe_block(client.get("/territories/nantes"), feed, "Nantes Métropole")
    feed = f"{BASE}/calendar/speakers/{speaker_id}.ics"
    assert_subscribe_block(client.get(f"/speakers/{speaker_id}"), feed, "Christophe Itier")
    workshop_id = make_workshop(app, world)
    feed = f"{BASE}/calendar/workshops/{workshop_id}.ics"
    assert_subscribe_block(client.get(f"/workshops/{workshop_id}"), feed, "Filière du réemploi")
    for url in ("/calendar/territories/nantes.ics", f"/calendar/speakers/{speaker_id}.ics"):
        assert client.get(url).status_code == 200
    assert client.get(path_of(feed)).status_code == 200


def test_draft_workshop_page_has_no_subscribe_block_even_for_its_organisers(app, client, world):
    workshop_id = make_workshop(app, world, status=WorkshopStatus.DRAFT)
    login(client, world.nantes_organiser)
    response = client.get(f"/workshops/{workshop_id}")
    assert response.status_code == 200
    assert "S’abonner à ce calendrier" not in text_of(response)
    assert f"/calendar/workshops/{workshop_id}.ics" not in text_of(response)


def test_workshop_list_follows_the_challenge_filter_else_the_current_tour(app, client, world):
    make_workshop(app, world)
    feed = f"{BASE}/calendar/challenges/reemploi.ics"
    response = client.get("/workshops/?defi=reemploi")
    assert_subscribe_block(response, feed, "Défi : Réemploi")
    assert TOUR_FEED not in text_of(response)
    assert client.get(path_of(feed)).status_code == 200
    assert_subscribe_block(client.get("/workshops/"), TOUR_FEED, "Tournée de test")


def test_stop_page_links_the_stop_and_each_round_table_as_ics(client, world, round_table_id):
    response = client.get(f"/stops/{world.nantes_stop_id}")
    assert response.status_code == 200
    stop_ics = f"/calendar/stops/{world.nantes_stop_id}.ics"
    table_ics = f"/calendar/round-tables/{round_table_id}.ics"
    assert {stop_ics, table_ics} <= set(hrefs(response))
    assert text_of(response).count(">Ajouter à mon agenda (.ics)</a>") == 2
    for url in (stop_ics, table_ics):
        answer = client.get(url)
        assert answer.status_code == 200 and answer.mimetype == "text/calendar"


def test_draft_stop_seen_by_an_organiser_has_no_ics_link_that_would_404(client, world):
    login(client, world.admin)
    response = client.get(f"/stops/{world.clermont_draft_id}")
    assert response.status_code == 200
    assert "/calendar/stops/" not in text_of(response)


# Participants -------------------------------------------------------------------------------


def mailed(app, kind: str, to: str) -> OutboxMail:
    """The last mail of this kind to this address."""
    with app.app_context():
        mail = db.session.scalars(
            select(OutboxMail)
            .where(OutboxMail.kind == kind, OutboxMail.to_address == to)
            .order_by(OutboxMail.id.desc())
        ).first()
        assert mail is not None, (kind, to)
        db.session.expunge(mail)
        return mail


def mailed_private_path(app, to: str) -> str:
    """The private feed link of the last registration mail to this address."""
    with app.app_context():
        bodies = db.session.scalars(
            select(OutboxMail.text_body)
            .where(OutboxMail.to_address == to, OutboxMail.kind != "calendar_renewal")
            .order_by(OutboxMail.id.desc())
        ).first()
    assert bodies is not None
    (path,) = set(PRIVATE_LINK.findall(bodies))
    return path


def renewal_path(app, to: str) -> str:
    (url,) = RENEWAL_LINK.findall(mailed(app, "calendar_renewal", to).text_body)
    return url


def summaries(body: bytes) -> list[str]:
    return [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")]


@pytest.fixture
def two_workshops(app, world) -> tuple[int, int]:
    first = make_workshop(app, world)
    second = make_workshop(app, world, title="Mobilités partagées", challenge=("Mobilités", "mob"))
    return first, second


def test_participant_gets_their_private_feed_by_mail_with_their_workshops(
    app, client, world, two_workshops
):
    first, second = two_workshops
    register(client, first, "camille@example.org")
    register(client, second, "camille@example.org")
    assert "/calendar/private/" in mailed(app, "confirmed", "camille@example.org").html_body
    feed = client.get(mailed_private_path(app, "camille@example.org"))
    assert feed.status_code == 200
    assert sorted(summaries(feed.data)) == [
        "Atelier : Filière du réemploi",
        "Atelier : Mobilités partagées",
    ]


def test_registration_page_offers_only_its_own_workshop_calendar(app, client, world, two_workshops):
    first, second = two_workshops
    register(app.test_client(), first, "camille@example.org")
    page_url = register(client, second, "camille@example.org").headers["Location"]
    response = client.get(page_url)
    assert "/calendar/private/" not in response.get_data(as_text=True)
    assert "S’abonner à ce calendrier" not in text_of(response)
    assert "est dans les e-mails que nous vous envoyons" in text_of(response)
    token = page_url.rsplit("/", 1)[1]
    own = f"/calendar/registrations/{token}.ics"
    assert own in hrefs(response)
    assert summaries(client.get(own).data) == ["Atelier : Mobilités partagées"]


def test_registering_with_someone_elses_address_shows_nothing_of_theirs(
    app, client, world, two_workshops
):
    first, second = two_workshops
    owner = app.test_client()
    register(owner, first, "camille@example.org", name="Camille Martin")
    camille_feed = mailed_private_path(app, "camille@example.org")
    intruder_page = register(client, second, "camille@example.org", name="Intrus").headers[
        "Location"
    ]
    page = client.get(intruder_page).get_data(as_text=True)
    assert camille_feed not in page and "/calendar/private/" not in page
    assert "Filière du réemploi" not in page  # the owner's other workshop
    token = intruder_page.rsplit("/", 1)[1]
    own = client.get(f"/calendar/registrations/{token}.ics")
    assert summaries(own.data) == ["Atelier : Mobilités partagées"]


def test_registering_with_someone_elses_address_cannot_regenerate_their_link(
    app, client, world, two_workshops
):
    first, second = two_workshops
    register(app.test_client(), first, "camille@example.org")
    camille_feed = mailed_private_path(app, "camille@example.org")
    intruder_page = register(client, second, "camille@example.org", name="Intrus").headers[
        "Location"
    ]
    token = intruder_page.rsplit("/", 1)[1]
    # The old direct regeneration is gone.
    assert post_form(client, f"/registrations/{token}/calendar/regenerate", {}).status_code in (
        404,
        405,
    )
    response = post_form(client, f"/registrations/{token}/calendar/new-link", {})
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "Un e-mail part à l’adresse de l’inscription" in text_of(page)
    assert "/calendar/private/" not in page.get_data(as_text=True)
    assert "calendar-renewal" not in page.get_data(as_text=True)
    assert client.get(camille_feed).status_code == 200  # nothing changed
    renewal = mailed(app, "calendar_renewal", "camille@example.org")
    assert renewal.to_address == "camille@example.org"  # the proof goes to the owner only


def test_owner_regenerates_from_the_mailed_link_and_the_old_one_dies(app, client, world):
    workshop_id = make_workshop(app, world)
    page_url = register(client, workshop_id, "camille@example.org").headers["Location"]
    old = mailed_private_path(app, "camille@example.org")
    token = page_url.rsplit("/", 1)[1]
    assert post_form(client, f"/registrations/{token}/calendar/new-link", {}).status_code == 302
    renew = renewal_path(app, "camille@example.org")
    asking = client.get(renew)  # what a mail scanner following the link does: no change
    assert asking.status_code == 200
    assert asking.headers["Cache-Control"] == "private, no-store"
    assert "Créer mon nouveau lien d’agenda" in text_of(asking)
    assert client.get(old).status_code == 200
    done = post_form(client, renew, {})
    assert done.status_code == 200
    assert "Nouveau lien d’agenda créé : l’ancien ne fonctionne plus." in text_of(done)
    new = private_path(done)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    # Later mails carry the new link; the renewal link served once.
    assert post_form(client, renew, {}).status_code == 404
    assert "n’est plus valable" in text_of(client.get(renew))


def test_unknown_registration_cannot_ask_for_a_new_link(client, world):
    response = post_form(client, "/registrations/" + "x" * 43 + "/calendar/new-link", {})
    assert response.status_code == 404


def test_visitors_never_see_a_private_link_on_public_pages(
    app, client, world, speaker_id, round_table_id
):
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "camille@example.org")
    visitor = app.test_client()
    for url in (
        "/",
        f"/tours/{world.tour_slug}/",
        f"/stops/{world.nantes_stop_id}",
        "/territories/nantes",
        f"/speakers/{speaker_id}",
        "/workshops/",
        "/workshops/?defi=reemploi",
        f"/workshops/{workshop_id}",
    ):
        response = visitor.get(url)
        assert response.status_code == 200, url
        assert "/calendar/private/" not in response.get_data(as_text=True), url


# Organisers ---------------------------------------------------------------------------------


def test_organiser_profile_needs_a_login(client, world):
    response = client.get("/board/profile")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


def test_organiser_profile_shows_who_they_are_and_their_private_feed(client, world):
    login(client, world.nantes_organiser)
    home = client.get("/")
    assert one_link(home, "/board/profile")["title"] == "Mon profil"
    assert "Nadia Nantes" in text_of(home)
    response = client.get("/board/profile")
    page = text_of(response)
    assert response.status_code == 200
    for fact in ("Nadia Nantes", "nantes@test.example", "Nantes Métropole"):
        assert fact in page
    assert "brouillons compris" in page and "ne le partagez pas" in page
    assert "S’abonner à ce calendrier" in page
    path = private_path(response)
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed.headers["Cache-Control"].startswith("private")


def test_admin_private_feed_holds_drafts_and_regenerating_kills_the_old_link(client, world):
    login(client, world.admin)
    old = private_path(client.get("/board/profile"))
    assert b"Lieu secret du brouillon" in client.get(old).data
    response = post_form(client, "/board/profile/calendar/regenerate", {"confirmation": "oui"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/board/profile")
    page = client.get("/board/profile")
    assert "Nouveau lien d’agenda créé : l’ancien ne fonctionne plus." in text_of(page)
    new = private_path(page)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


# Speakers -----------------------------------------------------------------------------------


def test_speaker_private_section_for_organisers_only(app, client, world, speaker_id):
    anonymous = client.get(f"/speakers/{speaker_id}")
    assert "Agenda privé de l’intervenant·e" not in text_of(anonymous)
    assert "/calendar/private/" not in text_of(anonymous)
    login(client, world.roubaix_organiser)
    response = client.get(f"/speakers/{speaker_id}")
    assert "Agenda privé de l’intervenant·e" in text_of(response)
    old = private_path(response)
    assert client.get(old).status_code == 200
    regenerated = post_form(
        client, f"/board/speakers/{speaker_id}/calendar/regenerate", {"confirmation": "oui"}
    )
    assert regenerated.status_code == 302
    page = client.get(f"/speakers/{speaker_id}")
    new = private_path(page)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_speaker_regenerate_refuses_anonymous_visitors(client, world, speaker_id):
    url = f"/board/speakers/{speaker_id}/calendar/regenerate"
    response = post_form(client, url, {})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


# Regeneration routes: POST with a CSRF token only ------------------------------------------


@pytest.fixture
def regenerate_urls(app, client, world, speaker_id) -> list[str]:
    workshop_id = make_workshop(app, world)
    token = register(client, workshop_id, "camille@example.org").headers["Location"]
    token = token.rsplit("/", 1)[1]
    login(client, world.admin)
    return [
        f"/registrations/{token}/calendar/new-link",
        "/board/profile/calendar/regenerate",
        f"/board/speakers/{speaker_id}/calendar/regenerate",
    ]


def test_regenerate_routes_refuse_get(client, regenerate_urls):
    for url in regenerate_urls:
        assert client.get(url).status_code == 405, url


def test_regenerate_routes_refuse_a_missing_csrf_token(client, regenerate_urls):
    csrf_token(client)  # the session has a token; the form does not send it
    for url in regenerate_urls:
        response = client.post(url, data={})
        assert response.status_code == 400, url
        assert "jeton CSRF" in text_of(response)


def test_renewal_refuses_a_missing_csrf_token_and_changes_nothing(app, client, world):
    page_url = register(client, make_workshop(app, world), "camille@example.org").headers[
        "Location"
    ]
    old = mailed_private_path(app, "camille@example.org")
    token = page_url.rsplit("/", 1)[1]
    post_form(client, f"/registrations/{token}/calendar/new-link", {})
    response = client.post(renewal_path(app, "camille@example.org"), data={})
    assert response.status_code == 400
    assert client.get(old).status_code == 200


def test_home_page_offers_the_tour_feed(client, world):
    page = text_of(client.get("/"))
    assert "webcal://localhost/calendar/tours/tournee-test.ics" in page


def test_pages_with_a_private_link_are_not_stored_by_caches(app, client, world):
    location = register(client, make_workshop(app, world), "a@example.org").headers["Location"]
    assert client.get(location).headers["Cache-Control"] == "private, no-store"
    login(client, world.nantes_organiser)
    assert client.get("/board/profile").headers["Cache-Control"] == "private, no-store"


def test_viewing_a_page_with_a_private_link_twice_keeps_the_same_link(app, client, world):
    login(client, world.nantes_organiser)
    first = re.search(
        r"/calendar/private/[\w-]+\.ics", text_of(client.get("/board/profile"))
    ).group(0)
    second = re.search(
        r"/calendar/private/[\w-]+\.ics", text_of(client.get("/board/profile"))
    ).group(0)
    assert first == second
