"""Sign-in sheets (feuilles d'émargement) and badges: who is on them, in which order, the
page format, the repeated header and page numbers, who may print them, and their ETag."""

import re
from datetime import timedelta
from functools import partial

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from extensions import db
from models import ParticipantRole, Registration, Speaker, Territory, TourStop
from services.registration.registrations import anonymise, cancel_registration
from tests import factories
from tests.factories import (
    REGISTERED_AT,
    WORKSHOP_DAY,
    add_round_table,
    add_speaker,
    add_stop_speaker,
    make_organiser,
    sign_up,
)
from tests.helpers import login, pdf_texts, read_pdf, text_of

A4_LONG, A4_SHORT = 841.89, 595.28  # points


# --- building data -------------------------------------------------------------------------


# The workshop of these tests: 12 June 2019, 14:00–16:00 in Paris, hosted by Nantes with
# Clermont, made and opened through the service.
make_workshop = partial(
    factories.make_workshop,
    territories=("nantes", "clermont"),
    day=WORKSHOP_DAY,
    capacity=60,
    address="8 rue Saint-Domingue, Nantes",
    through_service=True,
)


def cancel(app, registration_id) -> None:
    with app.test_request_context():
        cancel_registration(db.session.get(Registration, registration_id), REGISTERED_AT)
        db.session.commit()


def erase(app, registration_id) -> None:
    with app.test_request_context():
        anonymise(db.session.get(Registration, registration_id), REGISTERED_AT)
        db.session.commit()


def sizes(reader: PdfReader) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def in_order(text: str, names: list[str]) -> bool:
    positions = [text.index(name) for name in names]
    return positions == sorted(positions)


@pytest.fixture
def busy_workshop(app, world) -> tuple[int, dict[str, int]]:
    """Capacity 4: four confirmed (one in Roubaix), two waiting, one cancelled before the
    others came (so the waiting list is not promoted)."""
    workshop_id = make_workshop(app, world, capacity=4)
    people = {}
    people["Zoé Abadie"] = sign_up(app, workshop_id, "Zoé Abadie", organisation="Ressourcerie")
    cancel(app, people["Zoé Abadie"])
    for name, organisation, territory in [
        ("Marc Vidal", "Envie 44", "nantes"),
        ("élodie Bernard", "CRESS", None),
        ("Hélène Éluard", "Les Ateliers du Bocage", "roubaix"),
        ("Emma Durand", "", "clermont"),
        ("Victor Attente", "", None),
        ("Yasmine Attente", "", None),
    ]:
        territory_id = world.territory[territory] if territory else None
        people[name] = sign_up(
            app, workshop_id, name, organisation=organisation, territory_id=territory_id
        )
    return workshop_id, people


CONFIRMED_IN_ORDER = ["élodie Bernard", "Emma Durand", "Hélène Éluard", "Marc Vidal"]


# --- the sign-in sheet ---------------------------------------------------------------------


def test_sign_in_sheet_lists_the_confirmed_people_by_name(app, client, world, busy_workshop):
    workshop_id, _people = busy_workshop
    login(client, world.nantes_organiser)
    response = client.get(f"/workshops/{workshop_id}/sign-in-sheet.pdf")
    assert response.headers["Cache-Control"] == "private, no-store"
    reader = read_pdf(response)
    text = "\n".join(pdf_texts(reader))
    for name in CONFIRMED_IN_ORDER:
        assert name in text  # accents intact: "Hélène Éluard", "élodie"
    assert in_order(text, CONFIRMED_IN_ORDER)  # case and accents ignored in the order
    for absent in ("Victor Attente", "Yasmine Attente", "Zoé Abadie"):
        assert absent not in text
    assert "Les Ateliers du Bocage" in text and "Roubaix" in text
    assert "Filière du réemploi" in text
    assert "mercredi 12 juin 2019, 14 h 00 – 16 h 00 (Europe/Paris, UTC+02:00)" in text
    assert "Solilab" in text and "Nantes Métropole" in text and "Réemploi" in text
    assert "page 1 / 1" in text
    assert reader.metadata.title == "Feuille d’émargement : Filière du réemploi"


def test_sign_in_sheet_is_a4_landscape(app, client, world, busy_workshop):
    workshop_id, _people = busy_workshop
    login(client, world.nantes_organiser)
    reader = read_pdf(client.get(f"/workshops/{workshop_id}/sign-in-sheet.pdf"))
    for width, height in sizes(reader):
        assert width == pytest.approx(A4_LONG, abs=1)
        assert height == pytest.approx(A4_SHORT, abs=1)


def test_full_workshop_prints_on_several_pages_with_the_header_on_each(app, client, world):
    workshop_id = make_workshop(app, world, capacity=45)
    names = [f"Personne {n:02d} Éluard" for n in range(1, 46)]
    for name in names:
        sign_up(app, workshop_id, name)
    login(client, world.admin)
    reader = read_pdf(client.get(f"/workshops/{workshop_id}/sign-in-sheet.pdf"))
    texts = pdf_texts(reader)
    pages = len(texts)
    assert pages >= 3
    for number, text in enumerate(texts, start=1):
        assert "Signature" in text and "Structure" in text  # the repeated table header
        assert f"page {number} / {pages}" in text
        if number > 1:  # the running title, from page 2
            assert "Filière du réemploi" in text
    everything = "\n".join(texts)
    assert all(name in everything for name in names)
    assert in_order(everything, names)
    assert all(width > height for width, height in sizes(reader))


def test_sign_in_sheet_ends_with_numbered_blank_rows(app, client, world, busy_workshop):
    workshop_id, _people = busy_workshop
    login(client, world.nantes_organiser)
    response = client.get(f"/workshops/{workshop_id}/sign-in-sheet.pdf?format=html")
    assert response.status_code == 200
    page = text_of(response)
    assert '<html lang="fr">' in page
    assert "<title>Feuille d’émargement : Filière du réemploi</title>" in page
    assert 'href="/static/css/print-sheets.css"' in page
    rows = re.findall(r"<tr class=\"(registrant|walk-in)\">(.*?)</tr>", page, re.DOTALL)
    assert [kind for kind, _ in rows] == ["registrant"] * 4 + ["walk-in"] * 5
    for number, (_kind, cells) in enumerate(rows[4:], start=5):
        values = re.findall(r"<td class=\"(\w+)\">(.*?)</td>", cells)
        assert values == [
            ("number", str(number)),
            ("name", ""),
            ("organisation", ""),
            ("territory", ""),
            ("signature", ""),
        ]


def test_empty_sheet_still_has_its_blank_rows(app, client, world):
    workshop_id = make_workshop(app, world)
    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/workshops/{workshop_id}/sign-in-sheet.pdf?format=html"))
    assert page.count('<tr class="walk-in">') == 5
    assert '<tr class="registrant">' not in page
    text = "\n".join(pdf_texts(read_pdf(client.get(f"/workshops/{workshop_id}/sign-in-sheet.pdf"))))
    assert "Inscriptions confirmées : 0 (capacité 60)" in text


def test_names_are_escaped_in_the_documents(app, client, world):
    workshop_id = make_workshop(app, world)
    sign_up(app, workshop_id, "<b>Gras</b> & Cie", organisation='<img src="x">')
    login(client, world.nantes_organiser)
    for path in ("sign-in-sheet.pdf", "badges.pdf"):
        page = client.get(f"/workshops/{workshop_id}/{path}?format=html").get_data(as_text=True)
        assert "&lt;b&gt;Gras&lt;/b&gt; &amp; Cie" in page
        assert "<b>" not in page and "<img" not in page


def test_anonymised_participant_keeps_a_row_under_the_anonymous_name(
    app, client, world, busy_workshop
):
    workshop_id, people = busy_workshop
    erase(app, people["Hélène Éluard"])
    login(client, world.nantes_organiser)
    text = "\n".join(pdf_texts(read_pdf(client.get(f"/workshops/{workshop_id}/sign-in-sheet.pdf"))))
    assert "Hélène" not in text and "Les Ateliers du Bocage" not in text
    assert "Participant·e anonymisé·e" in text
    page = text_of(client.get(f"/workshops/{workshop_id}/sign-in-sheet.pdf?format=html"))
    assert page.count('<tr class="registrant">') == 4


# --- who may print -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["sign-in-sheet.pdf", "badges.pdf"])
def test_anonymous_visitors_are_sent_to_the_login_page(app, client, world, path):
    workshop_id = make_workshop(app, world)
    for suffix in ("", "?format=html"):
        response = client.get(f"/workshops/{workshop_id}/{path}{suffix}")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    # The same for a workshop that does not exist: nothing tells whether it does.
    assert client.get(f"/workshops/999999/{path}").headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", ["sign-in-sheet.pdf", "badges.pdf"])
def test_organisers_of_other_territories_are_refused(app, client, world, path):
    workshop_id = make_workshop(app, world)  # Nantes (host) and Clermont
    login(client, world.roubaix_organiser)
    for suffix in ("", "?format=html"):
        response = client.get(f"/workshops/{workshop_id}/{path}{suffix}")
        assert response.status_code == 403
        assert "Réservé aux organisateurs des territoires de cet atelier." in text_of(response)


@pytest.mark.parametrize("path", ["sign-in-sheet.pdf", "badges.pdf"])
def test_organisers_of_taking_part_territories_and_admins_may_print(app, world, path):
    workshop_id = make_workshop(app, world)
    for email in (
        world.nantes_organiser,
        make_organiser(app, world, "clermont", "Claire Clermont"),
        world.admin,
    ):
        client = app.test_client()
        login(client, email)
        response = client.get(f"/workshops/{workshop_id}/{path}")
        assert response.status_code == 200, email
        assert response.data.startswith(b"%PDF-")


def test_unknown_workshop_is_404_for_organisers(app, client, world):
    login(client, world.admin)
    assert client.get("/workshops/999999/sign-in-sheet.pdf").status_code == 404
    assert client.get("/workshops/999999/badges.pdf").status_code == 404
    assert client.get("/stops/999999/badges.pdf").status_code == 404


# --- the cache -----------------------------------------------------------------------------


def test_sheet_etag_follows_registrations_and_anonymisation(app, client, world, busy_workshop):
    workshop_id, people = busy_workshop
    path = f"/workshops/{workshop_id}/sign-in-sheet.pdf"
    login(client, world.nantes_organiser)
    first = client.get(path)
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag

    sign_up(app, workshop_id, "Nouvelle Venue")  # waitlisted: still a registration change
    after_registration = client.get(path, headers={"If-None-Match": etag})
    assert after_registration.status_code == 200
    assert after_registration.headers["ETag"] != etag

    cancel(app, people["Marc Vidal"])  # Victor Attente gets the seat
    after_cancel = client.get(path)
    assert after_cancel.headers["ETag"] != after_registration.headers["ETag"]
    text = "\n".join(pdf_texts(read_pdf(after_cancel)))
    assert "Victor Attente" in text and "Marc Vidal" not in text

    erase(app, people["Emma Durand"])
    after_erasure = client.get(path, headers={"If-None-Match": after_cancel.headers["ETag"]})
    assert after_erasure.status_code == 200
    assert after_erasure.headers["ETag"] != after_cancel.headers["ETag"]
    assert "Emma Durand" not in "\n".join(pdf_texts(read_pdf(after_erasure)))


# --- badges --------------------------------------------------------------------------------


def test_workshop_badges_for_participants_and_facilitators(app, client, world):
    workshop_id = make_workshop(
        app, world, capacity=9, facilitators=[("Inès Facilitatrice", "Ronalpia")]
    )
    names = [f"Badge {n} Éluard" for n in range(1, 10)]
    for name in names:
        sign_up(app, workshop_id, name, organisation="Structure ESS")
    sign_up(app, workshop_id, "Personne Attente")  # the waiting list has no badge
    login(client, world.nantes_organiser)
    response = client.get(f"/workshops/{workshop_id}/badges.pdf")
    assert response.headers["Cache-Control"] == "private, no-store"
    reader = read_pdf(response)
    text = "\n".join(pdf_texts(reader))
    for name in [*names, "Inès Facilitatrice"]:
        assert name in text
    assert "Personne Attente" not in text
    assert "Animation" in text and "Ronalpia" in text
    assert "Filière du réemploi" in text
    assert len(reader.pages) <= 2  # 10 badges: several per page
    for width, height in sizes(reader):
        assert width == pytest.approx(A4_SHORT, abs=1)
        assert height == pytest.approx(A4_LONG, abs=1)
    page = text_of(client.get(f"/workshops/{workshop_id}/badges.pdf?format=html"))
    assert page.count('<article class="badge">') == 10
    assert page.count('<section class="badge-page">') == 1
    assert '<html lang="fr">' in page and "<title>Badges : Filière du réemploi</title>" in page


def test_badges_page_by_ten(app, client, world):
    workshop_id = make_workshop(app, world, capacity=25)
    for number in range(1, 24):
        sign_up(app, workshop_id, f"Personne {number:02d}")
    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/workshops/{workshop_id}/badges.pdf?format=html"))
    sections = page.split('<section class="badge-page">')[1:]
    assert [s.count('<article class="badge">') for s in sections] == [10, 10, 3]
    reader = read_pdf(client.get(f"/workshops/{workshop_id}/badges.pdf"))
    assert len(reader.pages) == 3
    assert "Personne 01" in reader.pages[0].extract_text()
    assert "Personne 23" in reader.pages[2].extract_text()


def add_stop_programme(app, world) -> int:
    """The Nantes stop: the tour's speaker for the whole stop, two round tables, one
    speaker at both tables (and also a stop speaker), so five different people."""
    with app.app_context():
        nantes = db.session.get(Territory, world.territory["nantes"])
        stop = db.session.get(TourStop, world.nantes_stop_id)
        people = {
            name: add_speaker(name, title=title, organisation=org, territory=territory)
            for name, title, org, territory in [
                ("Christophe Itier", "Haut-commissaire", "Gouvernement", None),
                ("Johanna Rolland", "Présidente", "Nantes Métropole", nantes),
                ("Éric Modérateur", "", "Ouest-France", None),
                ("Agnès Panéliste", "Directrice", "Envie 44", nantes),
                ("Bruno Orateur", "", "Les Écossolies", nantes),
            ]
        }
        add_stop_speaker(stop, people["Christophe Itier"], ParticipantRole.KEYNOTE)
        add_stop_speaker(stop, people["Johanna Rolland"], ParticipantRole.HOST, position=1)
        for number, cast in enumerate(
            [
                [("Éric Modérateur", "moderator"), ("Agnès Panéliste", "panelist")],
                [("Éric Modérateur", "moderator"), ("Johanna Rolland", "panelist")],
                [("Bruno Orateur", "panelist")],
            ]
        ):
            start = stop.starts_at + timedelta(minutes=45 * number)
            add_round_table(
                stop,
                f"Table ronde {number + 1}",
                start,
                start + timedelta(minutes=45),
                [(people[name], ParticipantRole(role)) for name, role in cast],
            )
        db.session.commit()
        return stop.id


def test_stop_badges_list_each_speaker_once(app, client, world):
    stop_id = add_stop_programme(app, world)
    login(client, world.nantes_organiser)
    reader = read_pdf(client.get(f"/stops/{stop_id}/badges.pdf"))
    text = "\n".join(pdf_texts(reader))
    names = [
        "Agnès Panéliste",
        "Bruno Orateur",
        "Christophe Itier",
        "Éric Modérateur",
        "Johanna Rolland",
    ]
    for name in names:
        assert text.count(name) == 1, name
    assert in_order(text, names)
    assert "Haut-commissaire — Gouvernement" in text
    assert "Modération" in text and "Discours" in text
    assert "Accueil · Intervention" in text  # Johanna Rolland: host of the stop, then a table
    assert "Nantes Métropole · Tournée de test" in text
    assert len(reader.pages) == 1
    width, height = sizes(reader)[0]
    assert width == pytest.approx(A4_SHORT, abs=1) and height == pytest.approx(A4_LONG, abs=1)
    page = text_of(client.get(f"/stops/{stop_id}/badges.pdf?format=html"))
    assert page.count('<article class="badge">') == 5


def test_stop_badges_are_for_the_stops_organisers(app, client, world):
    stop_id = add_stop_programme(app, world)
    anonymous = client.get(f"/stops/{stop_id}/badges.pdf")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    login(client, world.roubaix_organiser)
    refused = client.get(f"/stops/{stop_id}/badges.pdf")
    assert refused.status_code == 403
    assert "Réservé aux organisateurs de Nantes Métropole." in text_of(refused)
    admin = app.test_client()
    login(admin, world.admin)
    assert admin.get(f"/stops/{stop_id}/badges.pdf").status_code == 200


def test_stop_without_speakers_prints_an_empty_badge_sheet(app, client, world):
    login(client, world.nantes_organiser)
    response = client.get(f"/stops/{world.nantes_stop_id}/badges.pdf")
    assert "Aucun badge à imprimer" in "\n".join(pdf_texts(read_pdf(response)))


def test_documents_render_in_french_for_english_readers(app, client, world, busy_workshop):
    workshop_id, _people = busy_workshop
    login(client, world.nantes_organiser)
    with client.session_transaction() as session:
        session["lang"] = "en"
    assert '<html lang="en"' in text_of(client.get("/workshops/"))
    page = text_of(client.get(f"/workshops/{workshop_id}/sign-in-sheet.pdf?format=html"))
    assert "mercredi 12 juin 2019" in page and "Signature" in page


def test_print_layouts_use_block_layout_and_escape_everything():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    css = (root / "static" / "css" / "print-sheets.css").read_text()
    assert "display: flex" not in css and "display: grid" not in css
    assert "size: A4 landscape" in css
    for name in ("sign_in_sheet.html", "badges.html"):
        template = (root / "templates" / "print" / name).read_text()
        assert "|safe" not in template.replace(" ", "")


def test_stop_badges_follow_speaker_changes(app, client, world):
    stop_id = add_stop_programme(app, world)
    login(client, world.nantes_organiser)
    first = client.get(f"/stops/{stop_id}/badges.pdf")
    assert first.status_code == 200
    with app.app_context():
        speaker = db.session.scalar(select(Speaker).where(Speaker.name == "Bruno Orateur"))
        speaker.name = "Bruno Renommé"
        db.session.commit()
    second = client.get(
        f"/stops/{stop_id}/badges.pdf", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert second.status_code == 200
    text = "\n".join(pdf_texts(read_pdf(second)))
    assert "Bruno Renommé" in text and "Bruno Orateur" not in text


def test_the_html_preview_of_a_sheet_is_not_stored_by_caches(app, client, world):
    workshop_id = make_workshop(app, world)
    login(client, world.admin)
    response = client.get(f"/workshops/{workshop_id}/sign-in-sheet.pdf?format=html")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
