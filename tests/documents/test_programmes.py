"""The printed programmes: an A4 PDF whose contents, index and bookmarks point to the real
pages, French typography, HTTP caching, and a renderer that fetches nothing but our own
static files."""

import io
import re
import socket
import urllib.request
from datetime import date

import pypdf
import pytest

from extensions import db
from models import (
    ParticipantRole,
    Registration,
    RegistrationStatus,
    StopStatus,
    Territory,
    Tour,
    TourStop,
    WorkshopStatus,
)
from services.documents import programmes, rendering
from tests.factories import (
    add_challenge,
    add_round_table,
    add_speaker,
    add_stop_speaker,
    add_workshop,
    make_stop,
)
from tests.helpers import pdf_texts, plain_spaces, read_pdf, utc

TOUR_PDF = "/tours/tournee-test/programme.pdf"
A4 = (595.28, 841.89)  # points
MM = 72 / 25.4
# A description long enough for the Nantes section to take two pages.
LONG_DESCRIPTION = "\n\n".join(
    [
        "La journée réunit les structures du collectif autour de leurs projets, des "
        "entreprises du territoire et des habitantes et habitants qui veulent s’engager. " * 5
    ]
    * 6
)


@pytest.fixture
def plan(app, world):
    """Nantes (confirmed, two pages long): its speaker, two round tables entered out of time
    order, a workshop with 2 of its 5 seats taken. Mayotte (confirmed), Strasbourg
    (cancelled), the Clermont draft. A workshop at no stop, and a draft workshop."""
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        territory = {slug: db.session.get(Territory, tid) for slug, tid in world.territory.items()}
        nantes = db.session.get(TourStop, world.nantes_stop_id)
        nantes.venue_name = "Halles Alstom"
        nantes.address = "1 allée Frida Kahlo\n44200 Nantes"
        nantes.description = "Pourquoi venir ? Pour agir !\n\n" + LONG_DESCRIPTION
        itier = add_speaker("Christophe Itier", title="Haut-Commissaire")
        elise = add_speaker("Élise Durand", title="Directrice", organisation="Tiers-lieu")
        zoe = add_speaker("Zoé Martin", title="Cheffe de projet")
        add_stop_speaker(nantes, itier, ParticipantRole.KEYNOTE)
        add_round_table(
            nantes,
            "Inclusion numérique",
            utc(2019, 2, 25, 10, 45),
            utc(2019, 2, 25, 11, 30),
            [(zoe, ParticipantRole.PANELIST)],
        )
        add_round_table(
            nantes,
            "Réemploi",
            utc(2019, 2, 25, 9, 30),
            utc(2019, 2, 25, 10, 30),
            [(elise, ParticipantRole.PANELIST, 1), (itier, ParticipantRole.MODERATOR, 0)],
            room="Salle 1",
        )
        mayotte = make_stop(
            tour, territory["mayotte"], date(2019, 5, 14), "09:00", "11:00", venue_name="Mamoudzou"
        )
        add_stop_speaker(mayotte, elise, ParticipantRole.HOST)
        make_stop(
            tour,
            territory["strasbourg"],
            date(2019, 6, 20),
            "14:00",
            "16:00",
            StopStatus.CANCELLED,
            venue_name="Shadok",
        )
        challenge = add_challenge("Mobilités", "mobilites")
        at_nantes = add_workshop(
            world,
            title="Tiers-lieux et emploi",
            challenge=challenge,
            stop=nantes,
            starts_at=utc(2019, 2, 25, 13),
            ends_at=utc(2019, 2, 25, 15),
            venue_name="Halles Alstom",
            capacity=5,
        )
        add_workshop(
            world,
            title="Mobilités partagées",
            challenge=challenge,
            host="roubaix",
            starts_at=utc(2019, 6, 3, 12),
            ends_at=utc(2019, 6, 3, 15),
            venue_name="La Condition Publique",
            capacity=10,
            facilitators=[zoe],
        )
        add_workshop(
            world,
            title="Atelier brouillon secret",
            challenge=challenge,
            host="roubaix",
            starts_at=utc(2019, 7, 1, 12),
            ends_at=utc(2019, 7, 1, 15),
            venue_name="Ailleurs",
            capacity=10,
            status=WorkshopStatus.DRAFT,
        )
        for n in range(2):
            db.session.add(
                Registration(
                    workshop=at_nantes,
                    name=f"Personne {n}",
                    email=f"personne{n}@test.example",
                    token=f"jeton-{n}",
                    status=RegistrationStatus.CONFIRMED,
                    consented_at=utc(2019, 2, 1),
                )
            )
        db.session.commit()
        return {
            "mayotte": mayotte.id,
            "speakers": ["Christophe Itier", "Élise Durand", "Zoé Martin"],
            "public": ["Nantes Métropole", "Mayotte", "Strasbourg Eurométropole"],
        }


def regions(page) -> dict[str, str]:
    """A page's text in its top margin (the running header), bottom margin (the footer)
    and body, by where each piece of text is drawn."""
    found = {"header": [], "body": [], "footer": []}
    height = float(page.mediabox.height)

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            area = "header" if y > height - 22 * MM else "footer" if y < 20 * MM else "body"
            found[area].append(text)

    page.extract_text(visitor_text=visit)
    return {area: " ".join(" ".join(parts).split()) for area, parts in found.items()}


def first_page_with(pages: list[str], text: str) -> int:
    """1-based."""
    return next(n for n, page in enumerate(pages, 1) if text in page)


def stop_when(app, stop_id: int) -> str:
    """What the site prints for the stop's date and time (the stop_when filter, French)."""
    from blueprints.template_helpers import stop_when as site_filter

    with app.test_request_context("/"), app.app_context():
        return plain_spaces(site_filter(db.session.get(TourStop, stop_id)))


def test_tour_programme_is_an_a4_pdf_of_the_public_stops_only(client, world, plan):
    reader = read_pdf(client.get(TOUR_PDF))
    assert len(reader.pages) > 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) <= 1 and abs(height - A4[1]) <= 1
    text = "\n".join(pdf_texts(reader))
    for name in plan["public"] + plan["speakers"]:
        assert name in text, name
    assert "Lieu secret du brouillon" not in text  # the Clermont draft
    assert "Clermont-Ferrand" not in text
    assert "Atelier brouillon secret" not in text
    assert "Étape annulée" in text  # Strasbourg stays, marked as cancelled


def test_tour_programme_prints_times_with_the_zone_like_the_site(app, client, world, plan):
    text = "\n".join(pdf_texts(read_pdf(client.get(TOUR_PDF))))
    nantes = stop_when(app, world.nantes_stop_id)
    assert nantes == "lundi 25 février 2019, 10 h 00 – 12 h 30 (Europe/Paris, UTC+01:00)"
    assert nantes in text
    assert stop_when(app, plan["mayotte"]) in text  # Indian/Mayotte, UTC+03:00
    assert "(Indian/Mayotte, UTC+03:00)" in text


def test_tour_programme_dates_are_french_whatever_the_reader_language(client, world, plan):
    with client.session_transaction() as session:
        session["lang"] = "en"
    text = "\n".join(pdf_texts(read_pdf(client.get(TOUR_PDF))))
    assert "lundi 25 février 2019" in text
    assert "Du 25 février au 3 juin 2019" in text  # what it prints (the cover dates tests)
    assert "Sommaire" in text and "Tables rondes" in text
    assert "Modération" in text  # role labels too
    assert "Monday" not in text and "February" not in text


def test_tour_programme_sections_list_round_tables_in_time_order_and_workshops_with_seats(
    client, world, plan
):
    pages = pdf_texts(read_pdf(client.get(TOUR_PDF)))
    text = "\n".join(pages)
    # Round tables by start time, whatever the order they were entered in; speakers by their
    # position, with their roles.
    assert text.index("Réemploi") < text.index("Inclusion numérique")
    assert "10 h 30 – 11 h 30 · salle Salle 1" in text
    moderator = text.index("Christophe Itier — Modération")
    assert moderator < text.index("Élise Durand — Intervention, Directrice, Tiers-lieu")
    assert "Christophe Itier — Discours, Haut-Commissaire" in text
    assert "Halles Alstom" in text and "44200 Nantes" in text
    # The stop's workshop in its section, with the seats left; the other one after the stops.
    nantes_workshop = first_page_with(pages, "Tiers-lieux et emploi")
    assert "3 places restantes sur 5" in pages[nantes_workshop - 1]
    others = first_page_with(pages, "Les ateliers de la tournée qui ne se tiennent pas")
    assert "Mobilités partagées" in pages[others - 1]
    assert "10 places restantes sur 10" in pages[others - 1]
    assert others > first_page_with(pages, "Strasbourg Eurométropole — jeudi 20 juin 2019")


def heading_lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines()]


def test_tour_programme_table_of_contents_gives_the_real_pages(app, client, world, plan):
    pages = pdf_texts(read_pdf(client.get(TOUR_PDF)))
    contents = first_page_with(pages, "Sommaire")
    assert contents == 2  # after the cover
    starts = []
    for name in plan["public"]:
        entry = re.search(re.escape(name) + r" — [^\n]*?\.{3,} ?(\d+)\s*$", pages[1], re.M)
        assert entry, (name, pages[1])
        starts.append(int(entry.group(1)))
    stop_ids = [world.nantes_stop_id, plan["mayotte"]]
    for page, stop_id in zip(starts, stop_ids, strict=False):
        when = stop_when(app, stop_id)
        assert when in pages[page - 1]  # the section's heading is on that page
        assert when not in pages[page - 2]  # and not before
    # Sections flow: Nantes starts under the contents; it takes more than a page, so the
    # next section starts on a later page.
    assert starts[0] == contents
    assert starts == sorted(starts) and starts[1] > starts[0]
    assert "Strasbourg Eurométropole" in heading_lines(pages[starts[2] - 1])
    for part in ("Ateliers inter-territoires", "Index des intervenant·es"):
        entry = re.search(re.escape(part) + r" ?\.{3,} ?(\d+)\s*$", pages[1], re.M)
        assert entry, part
        page = int(entry.group(1))
        # The part's heading (a line of its own) is on that page, and not before it.
        assert part in heading_lines(pages[page - 1]), part
        assert part not in heading_lines(pages[page - 2]), part


def test_tour_programme_speaker_index_points_to_pages_naming_the_speaker(client, world, plan):
    pages = pdf_texts(read_pdf(client.get(TOUR_PDF)))
    index = pages[-1]
    assert index.lstrip().startswith("Index des intervenant·es")
    found = {}
    for name in plan["speakers"]:
        entry = re.search(re.escape(name) + r"[^\n]*?\.{3,} ?([\d, ]+)$", index, re.M)
        assert entry, (name, index)
        found[name] = [int(n) for n in entry.group(1).split(",")]
        for page in found[name]:
            assert name in pages[page - 1], (name, page)
    # Sorted by name, accents folded: Christophe, Élise, Zoé.
    assert [index.index(name) for name in plan["speakers"]] == sorted(
        index.index(name) for name in plan["speakers"]
    )
    # Christophe Itier speaks twice at Nantes: one page in the index, not the same one twice.
    assert len(found["Christophe Itier"]) == 1
    # Élise Durand: Nantes' second page (the round tables), then Mayotte.
    assert len(found["Élise Durand"]) == 2 and found["Élise Durand"] == sorted(
        found["Élise Durand"]
    )


def test_tour_programme_bookmarks_list_the_stops_in_date_order(client, world, plan):
    reader = read_pdf(client.get(TOUR_PDF))
    top_level = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    assert top_level == [
        "Sommaire",
        *plan["public"],
        "Ateliers inter-territoires",
        "Index des intervenant·es",
    ]
    pages = pdf_texts(reader)
    stop_bookmarks = [item for item in reader.outline if not isinstance(item, list)][1:4]
    for bookmark in stop_bookmarks:
        page = reader.get_destination_page_number(bookmark) + 1
        assert bookmark["/Title"] in pages[page - 1]
    # The round tables of a stop under it, in time order.
    nested = reader.outline[2]
    assert isinstance(nested, list)
    assert [item["/Title"] for item in nested] == ["Réemploi", "Inclusion numérique"]


def test_tour_programme_metadata_names_the_tour_in_french(client, world, plan):
    reader = read_pdf(client.get(TOUR_PDF))
    assert reader.metadata.title == "Tournée de test"
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_tour_programme_running_header_names_the_stop_and_footer_counts_pages(client, world, plan):
    """The header names the section running at the top of the page (or opening it)."""
    reader = read_pdf(client.get(TOUR_PDF))
    pages = pdf_texts(reader)
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        assert regions(page)["footer"] == f"page {number} / {total}"
    assert regions(reader.pages[0])["header"] == ""  # the cover
    assert regions(reader.pages[1])["header"] == "Sommaire"  # opens with the contents
    nantes = first_page_with(pages, "Pourquoi venir")
    mayotte = first_page_with(pages, "Mamoudzou")
    assert mayotte - nantes >= 2
    # The pages Nantes' section runs on without a heading: the header still names it.
    for number in range(nantes + 1, mayotte):
        assert regions(reader.pages[number - 1])["header"] == "Nantes Métropole", number
    assert "lundi 25 février 2019, 10 h 00" not in regions(reader.pages[nantes])["body"]
    # Mayotte's page names Mayotte if its heading opens the page, else the end of Nantes.
    assert regions(reader.pages[mayotte - 1])["header"] in ("Nantes Métropole", "Mayotte")
    assert regions(reader.pages[-1])["header"] in (
        "Ateliers inter-territoires",
        "Index des intervenant·es",
    )


def test_tour_programme_uses_french_typography(client, world, plan):
    raw = "\n".join(page.extract_text() for page in read_pdf(client.get(TOUR_PDF)).pages)
    assert "Pourquoi venir\u202f? Pour agir\u202f!" in raw
    assert "Pourquoi venir ?" not in raw


def test_french_typography_protects_spaces_before_high_signs():
    assert programmes.french_typography("Quoi ? Oui ! Bon ; note : « ici »") == (
        "Quoi\u202f? Oui\u202f! Bon\u202f; note\u00a0: «\u00a0ici\u00a0»"
    )
    assert programmes.french_typography("10:00 https://a.example/?q=1!") == (
        "10:00 https://a.example/?q=1!"
    )
    assert programmes.paragraphs("Un\r\n\r\n  \nDeux\nsuite\n\n\n") == ["Un", "Deux\nsuite"]


def test_tour_programme_is_cached_by_etag_and_changes_with_the_plan(app, client, world, plan):
    first, second = client.get(TOUR_PDF), client.get(TOUR_PDF)
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.data == second.data
    # Rendered again from scratch (another worker, a restart): the same bytes for the same
    # strong ETag.
    rendering.rendered_documents.clear()
    assert client.get(TOUR_PDF).data == first.data

    unchanged = client.get(TOUR_PDF, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304
    assert unchanged.data == b""
    assert unchanged.headers["ETag"] == first.headers["ETag"]

    with app.app_context():
        db.session.get(TourStop, world.nantes_stop_id).venue_name = "Le Solilab"
        db.session.commit()
    changed = client.get(TOUR_PDF, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert changed.data != first.data
    assert "Le Solilab" in "\n".join(pdf_texts(read_pdf(changed)))


def test_weak_or_star_if_none_match_answers_304_on_a_pdf(client, world, plan):
    etag = client.get(TOUR_PDF).headers["ETag"]
    for tags in (f"W/{etag}", f'"other", W/{etag}', "*"):
        response = client.get(TOUR_PDF, headers={"If-None-Match": tags})
        assert response.status_code == 304, tags
        assert response.data == b""
        assert response.headers["ETag"] == etag
    other = client.get(TOUR_PDF, headers={"If-None-Match": 'W/"other"'})
    assert other.status_code == 200


def test_if_modified_since_alone_never_answers_304_on_a_pdf(client, world, plan):
    """Documents carry no Last-Modified: only their ETag tells a copy is current."""
    first = client.get(TOUR_PDF)
    assert "Last-Modified" not in first.headers
    for since in ("Wed, 01 Jan 2100 00:00:00 GMT", "Mon, 01 Jan 2024 00:00:00 GMT"):
        response = client.get(TOUR_PDF, headers={"If-Modified-Since": since})
        assert response.status_code == 200
        assert response.data == first.data


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or a URL fails the test."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access while rendering: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return attempts


HOSTILE_IMAGES = (
    '<img src="file:///etc/passwd">'
    '<img src="http://169.254.169.254/latest/meta-data">'
    '<link rel="stylesheet" href="file:///etc/passwd">'
)


def test_programme_prints_markup_in_a_description_as_text(app, client, world, no_network):
    with app.app_context():
        db.session.get(TourStop, world.nantes_stop_id).description = HOSTILE_IMAGES
        db.session.commit()
    for url in (TOUR_PDF, f"/stops/{world.nantes_stop_id}/programme.pdf"):
        response = client.get(url)
        text = "\n".join(pdf_texts(read_pdf(response)))
        assert b"root:" not in response.data and "root:" not in text
        assert '<img src="file:///etc/passwd">' in text  # escaped: shown, not loaded
        assert "http://169.254.169.254/latest/meta-data" in text
    assert no_network == []
    preview = client.get(TOUR_PDF + "?format=html").get_data(as_text=True)
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in preview
    assert '<img src="file' not in preview


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "https://print.invalid/static/../../etc/passwd",
        "https://print.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "http://169.254.169.254/",
        "https://print.invalid/static/css/missing.css",
        "https://print.invalid/etc/passwd",
        "https://print.invalid.example/static/css/print.css",
        "data:text/plain,root:",
    ],
)
def test_static_file_for_refuses_anything_but_our_static_files(url):
    with pytest.raises(rendering.FetchRefused):
        rendering.static_file_for(url)


def test_static_file_for_serves_our_print_stylesheet():
    path = rendering.static_file_for("https://print.invalid/static/css/print.css")
    assert path.is_relative_to(rendering.STATIC_DIR)
    assert path.name == "print.css" and path.is_file()


def test_render_pdf_loads_no_file_and_no_address_an_html_names(app, no_network):
    html = (
        '<!doctype html><html lang="fr"><head><title>Essai</title>'
        '<link rel="stylesheet" href="/static/css/print.css"></head>'
        f"<body><h1>Essai</h1>{HOSTILE_IMAGES}"
        '<img src="https://print.invalid/static/css/../../../etc/passwd"></body></html>'
    )
    with app.app_context():
        body = rendering.render_pdf(html, "Essai")
    assert body.startswith(b"%PDF-")
    assert b"root:" not in body
    reader = pypdf.PdfReader(io.BytesIO(body))
    assert reader.metadata.title == "Essai"
    assert "Essai" in reader.pages[0].extract_text()
    assert no_network == []


def test_tour_programme_html_preview_and_unknown_format(client, world, plan):
    preview = client.get(TOUR_PDF + "?format=html")
    assert preview.status_code == 200
    assert preview.mimetype == "text/html"
    html = preview.get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert '<html lang="fr">' in html
    assert "<title>Tournée de test</title>" in html
    assert "Tournée de test" in html and "Sommaire" in html
    assert 'href="/static/css/print.css"' in html
    assert f'href="#stop-{world.nantes_stop_id}"' in html
    assert "Lieu secret du brouillon" not in html
    assert client.get(TOUR_PDF + "?format=docx").status_code == 400


def test_stop_programme_is_one_or_two_a4_pages_of_the_day(client, world, plan):
    reader = read_pdf(client.get(f"/stops/{world.nantes_stop_id}/programme.pdf"))
    assert 1 <= len(reader.pages) <= 2
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4[0]) <= 1 and abs(height - A4[1]) <= 1
    pages = pdf_texts(reader)
    text = "\n".join(pages)
    for expected in (
        "Nantes Métropole",
        "Réemploi",
        "Inclusion numérique",
        "Christophe Itier",
        "Élise Durand",
        "Zoé Martin",
        "Tiers-lieux et emploi",
        "3 places restantes sur 5",
    ):
        assert expected in text, expected
    assert "Mobilités partagées" not in text  # not at this stop
    assert "Mayotte" not in text
    for number, page in enumerate(reader.pages, 1):
        parts = regions(page)
        assert parts["header"] == "Nantes Métropole"
        assert parts["footer"] == f"page {number} / {len(reader.pages)}"
    assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_stop_programme_of_a_short_stop_is_one_page(client, world, plan):
    reader = read_pdf(client.get(f"/stops/{plan['mayotte']}/programme.pdf"))
    assert len(reader.pages) == 1
    text = pdf_texts(reader)[0]
    assert "Mayotte" in text and "(Indian/Mayotte, UTC+03:00)" in text
    assert "Élise Durand — Accueil" in text
    assert "Pas de table ronde annoncée pour cette étape." in text


def test_stop_programme_of_a_draft_or_unknown_stop_is_404(client, world):
    assert client.get(f"/stops/{world.clermont_draft_id}/programme.pdf").status_code == 404
    assert client.get(
        f"/stops/{world.clermont_draft_id}/programme.pdf?format=html"
    ).status_code == (404)
    assert client.get("/stops/999999/programme.pdf").status_code == 404


def test_tour_programme_of_an_unknown_tour_is_404(client, world):
    assert client.get("/tours/inconnue/programme.pdf").status_code == 404
    assert client.get("/tours/inconnue/programme.pdf?format=html").status_code == 404


def test_tour_programme_of_a_tour_without_public_stop_still_renders(client, world):
    with client.application.app_context():
        db.session.add(
            Tour(
                title="Tournée vide",
                slug="vide",
                start_date=date(2020, 3, 1),
                end_date=date(2020, 3, 1),
            )
        )
        db.session.commit()
    pages = pdf_texts(read_pdf(client.get("/tours/vide/programme.pdf")))
    text = "\n".join(pages)
    assert "Le dimanche 1er mars 2020" in text
    assert "Aucune étape publiée pour l’instant." in text


def test_public_programmes_say_online_without_the_meeting_link(app, client, world, plan):
    with app.app_context():
        nantes = db.session.get(TourStop, world.nantes_stop_id)
        add_workshop(
            world,
            title="Atelier en visio",
            challenge=add_challenge("Mobilités", "mobilites"),
            stop=nantes,
            starts_at=utc(2019, 2, 25, 15),
            ends_at=utc(2019, 2, 25, 16),
            venue_name="",
            online_url="https://visio.example.org/reunion-secrete",
        )
        db.session.commit()
    for url in (TOUR_PDF, f"/stops/{world.nantes_stop_id}/programme.pdf"):
        preview = client.get(url + "?format=html").get_data(as_text=True)
        assert "Atelier en visio" in preview
        assert "visio.example.org" not in preview, url
        assert "lien envoyé aux personnes dont l’inscription est confirmée" in preview
        response = client.get(url)
        text = "\n".join(pdf_texts(read_pdf(response)))
        assert "visio.example.org" not in text and b"visio.example.org" not in response.data
