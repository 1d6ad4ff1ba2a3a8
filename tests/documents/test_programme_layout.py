"""The printed tour programme as paper: stops flow one after another (no half-empty page),
the speaker index keeps each page list on its speaker's line, the cover's dates cover what
is printed, the seats left are dated with the print day, and the République française
block follows STATE_IDENTITY. Every test renders the real PDF with WeasyPrint and reads it
back with pypdf."""

import re
from datetime import date

import pytest

from extensions import db
from models import (
    ParticipantRole,
    Registration,
    RegistrationStatus,
    Territory,
    TerritoryKind,
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
from tests.helpers import pdf_texts, read_pdf, utc

TOUR_PDF = "/tours/tournee-test/programme.pdf"
MM = 72 / 25.4
# The page area of print.css's @page: 22 mm top margin, 20 mm bottom margin.
TOP_MARGIN, BOTTOM_MARGIN = 22 * MM, 20 * MM
LONG_TITLE = "Haut-Commissaire à l’économie sociale et solidaire et à l’innovation sociale"
PRINT_DAY = date(2026, 12, 1)

# Stops of different lengths, so that sections end anywhere on a page: (name, paragraphs of
# description, round tables, panelists per table).
STOPS = [
    ("Angers Loire Métropole", 1, 1, 3),
    ("Bordeaux Métropole", 3, 2, 4),
    ("Région Bretagne", 0, 1, 5),
    ("Dijon Métropole", 2, 0, 0),
    ("Grenoble-Alpes Métropole", 4, 2, 3),
    ("Lille Métropole", 1, 1, 4),
    ("Lyon Métropole", 2, 2, 2),
    ("Marseille Provence", 0, 1, 3),
    ("Montpellier Méditerranée", 3, 1, 5),
    ("Région Occitanie", 1, 2, 4),
]
PARAGRAPH = (
    "Les structures du collectif présentent leurs projets aux entreprises du territoire et "
    "aux habitantes et habitants qui veulent s’engager dans l’économie sociale et solidaire. "
) * 3


@pytest.fixture
def print_day(monkeypatch):
    """The documents are printed on 1 December 2026 (in Paris)."""
    monkeypatch.setattr(programmes, "today_in_france", lambda: PRINT_DAY)
    monkeypatch.setattr(rendering, "today_in_france", lambda: PRINT_DAY)
    return PRINT_DAY


@pytest.fixture
def long_tour(app, world, print_day):
    """Ten public stops from March to December 2019, with round tables of several speakers;
    the High Commissioner (a long title) speaks at every stop, so his index line lists many
    pages. Workshops: one at the first stop with 2 of its 5 seats taken, a full one at no
    stop in January 2020 (after the tour's end date), one in January 2019 (before its start
    date), and a cancelled one in 2021 (printed as cancelled)."""
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        itier = add_speaker("Christophe Itier", title=LONG_TITLE)
        people = [
            add_speaker(
                f"{first} {last}",
                title="Directrice de la coopérative d’activité et d’emploi du territoire",
                organisation=f"Structure {n}",
            )
            for n, (first, last) in enumerate(
                zip(
                    ["Anne", "Bruno", "Chloé", "David", "Émilie", "Farid", "Gaëlle", "Hugo"],
                    ["Arnaud", "Benoît", "Carré", "Dupont", "Étienne", "Faure", "Garnier", "Huet"],
                    strict=True,
                )
            )
        ]
        stops = []
        for number, (name, paragraphs, tables, panelists) in enumerate(STOPS):
            territory = Territory(
                name=name,
                slug=f"etape-{number}",
                kind=TerritoryKind.METROPOLIS,
                latitude=45.0,
                longitude=2.0,
                timezone="Europe/Paris",
            )
            db.session.add(territory)
            stop = make_stop(
                tour,
                territory,
                date(2019, 3 + number, 10),
                "09:00",
                "17:00",
                venue_name=f"Lieu {number}",
                description="\n\n".join([PARAGRAPH] * paragraphs),
            )
            add_stop_speaker(stop, itier, ParticipantRole.KEYNOTE)
            for table in range(tables):
                add_round_table(
                    stop,
                    f"Table ronde {table + 1} de {name}",
                    f"{10 + 2 * table}:00",
                    f"{11 + 2 * table}:30",
                    [
                        (people[(number + table + k) % len(people)], ParticipantRole.PANELIST)
                        for k in range(panelists)
                    ],
                    description=PARAGRAPH,
                )
            stops.append(stop)
        challenge = add_challenge("Mobilités", "mobilites")
        at_first = add_workshop(
            world,
            title="Atelier de l’étape",
            challenge=challenge,
            stop=stops[0],
            starts_at=utc(2019, 3, 10, 14),
            ends_at=utc(2019, 3, 10, 16),
            capacity=5,
        )
        full = add_workshop(
            world,
            title="Atelier complet de janvier",
            challenge=challenge,
            host="roubaix",
            starts_at=utc(2020, 1, 14, 13),
            ends_at=utc(2020, 1, 14, 16),
            capacity=1,
        )
        add_workshop(
            world,
            title="Atelier d’ouverture",
            challenge=challenge,
            host="roubaix",
            starts_at=utc(2019, 1, 8, 13),
            ends_at=utc(2019, 1, 8, 16),
            capacity=10,
        )
        add_workshop(
            world,
            title="Atelier annulé de 2021",
            challenge=challenge,
            host="roubaix",
            starts_at=utc(2021, 6, 1, 13),
            ends_at=utc(2021, 6, 1, 16),
            capacity=10,
            status=WorkshopStatus.CANCELLED,
        )
        for n, workshop in enumerate([at_first, at_first, full]):
            db.session.add(
                Registration(
                    workshop=workshop,
                    name=f"Personne {n}",
                    email=f"personne{n}@test.example",
                    token=f"jeton-{n}",
                    status=RegistrationStatus.CONFIRMED,
                    consented_at=utc(2018, 12, 1),
                )
            )
        db.session.commit()
        return {"speakers": ["Christophe Itier"] + [p.name for p in people]}


def filled_height(page) -> float:
    """How far down its page area a page's text reaches, from 0 (nothing) to 1 (the foot).

    The measure is the lowest text baseline pypdf sees in the page area (the running header
    and the footer, in the margins, are left out), relative to the area's height. A page
    is half empty when its text stops before the middle: exactly what a break forced after
    a short section leaves. It does not depend on fonts, line heights or how pypdf groups
    text into lines (counting lines would), and a page of normal flowing text reaches the
    foot, less at most one block kept whole (a round table, a workshop) that moved on."""
    height = float(page.mediabox.height)
    top, bottom = height - TOP_MARGIN, BOTTOM_MARGIN
    baselines = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if bottom < y < top:
                baselines.append(y)

    page.extract_text(visitor_text=visit)
    return (top - min(baselines)) / (top - bottom) if baselines else 0.0


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def test_tour_programme_has_no_half_empty_page_but_the_last(client, long_tour):
    reader = read_pdf(client.get(TOUR_PDF))
    pages = pdf_texts(reader)
    assert len(pages) >= 6  # enough to tell flowing sections from sections starting pages
    fills = [filled_height(page) for page in reader.pages]
    for number, fill in enumerate(fills[:-1], 1):
        assert fill >= 0.5, (number, [round(f, 2) for f in fills])
    # Sections flow: some page ends a stop and begins the next one.
    headings = [name for name, *_ in STOPS]
    assert any(sum(f"\n{name}\n" in f"\n{page}\n" for name in headings) >= 2 for page in pages)


def test_a_stop_heading_is_never_alone_at_the_foot_of_a_page(client, long_tour):
    """The stop's head (heading, date, facts) is kept whole, and with what follows it
    (break-after: avoid): its description or its speakers are on the heading's page."""
    pages = pdf_texts(read_pdf(client.get(TOUR_PDF)))
    for number, (name, *_) in enumerate(STOPS):
        heading = re.compile(rf"^{re.escape(name)}$", re.M)
        page = next(p for p in pages if heading.search(p))
        assert f"Lieu {number}" in page, name
        after = page[heading.search(page).end() :]
        assert "Les structures du collectif" in after or "Intervenant·es de l’étape" in after, name


def test_index_page_numbers_stay_on_the_line_of_the_speaker_name(client, long_tour):
    pages = pdf_texts(read_pdf(client.get(TOUR_PDF)))
    start = next(n for n, page in enumerate(pages) if "\nIndex des intervenant·es\n" in page)
    index = lines("\n".join(pages[start:]))
    index = index[index.index("Index des intervenant·es") :]
    for name in long_tour["speakers"]:
        line = next(line for line in index if line.startswith(name))
        entry = re.fullmatch(re.escape(name) + r" ?\.{3,} ?(\d+(?:, \d+)*)", line)
        assert entry, (name, line)
        numbers = [int(n) for n in entry.group(1).split(", ")]
        assert numbers == sorted(set(numbers)), (name, numbers)  # each page once, in order
        for number in numbers:
            assert name in pages[number - 1], (name, number)
    # The High Commissioner speaks at every stop: many pages, still on his line; his long
    # title on the next one.
    itier = next(line for line in index if line.startswith("Christophe Itier"))
    assert len(itier.split(",")) >= 5
    assert index[index.index(itier) + 1].startswith("Haut-Commissaire")


def test_cover_dates_cover_every_printed_stop_and_workshop(client, long_tour):
    """The tour runs from 1 February to 31 December 2019; a workshop printed in it is on
    8 January 2019, another on 14 January 2020: the cover says so. The workshop cancelled in
    2021 is printed as cancelled and takes place on no day: it does not stretch the dates."""
    cover = pdf_texts(read_pdf(client.get(TOUR_PDF)))[0]
    assert "Du 8 janvier 2019 au 14 janvier 2020" in cover
    assert "31 décembre 2019" not in cover and "2021" not in cover


def test_cover_dates_of_a_tour_with_nothing_printed_are_the_tour_dates(client, world):
    with client.application.app_context():
        db.session.add(
            Tour(title="Vide", slug="vide", start_date=date(2020, 3, 1), end_date=date(2020, 3, 2))
        )
        db.session.commit()
    cover = pdf_texts(read_pdf(client.get("/tours/vide/programme.pdf")))[0]
    assert "Du 1er mars au 2 mars 2020" in cover


def test_seats_left_are_dated_with_the_print_day(app, client, world, long_tour):
    text = "\n".join(pdf_texts(read_pdf(client.get(TOUR_PDF))))
    assert "3 places restantes sur 5 au 1er décembre 2026" in text
    assert "Complet au 1er décembre 2026 (1 place) : liste d’attente" in text
    assert "Programme imprimé le 1er décembre 2026." in text
    # No count left undated.
    assert len(re.findall(r"places? restantes? sur \d+", text)) == len(
        re.findall(r"places? restantes? sur \d+ au 1er décembre 2026", text)
    )
    assert "Atelier annulé" in text
    with app.app_context():
        stop_id = db.session.scalars(
            db.select(TourStop.id).where(TourStop.venue_name == "Lieu 0")
        ).one()
    stop = "\n".join(pdf_texts(read_pdf(client.get(f"/stops/{stop_id}/programme.pdf"))))
    assert "3 places restantes sur 5 au 1er décembre 2026" in stop


def test_the_next_day_the_programme_is_another_version(client, world, monkeypatch):
    monkeypatch.setattr(rendering, "today_in_france", lambda: date(2026, 12, 1))
    first = client.get(TOUR_PDF).headers["ETag"]
    monkeypatch.setattr(rendering, "today_in_france", lambda: date(2026, 12, 2))
    assert client.get(TOUR_PDF, headers={"If-None-Match": first}).status_code == 200


def fonts_of(reader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.parametrize("identity", [True, False])
def test_republique_francaise_block_follows_state_identity(
    app, client, world, monkeypatch, identity
):
    monkeypatch.setitem(app.config, "STATE_IDENTITY", identity)
    etag = client.get(TOUR_PDF).headers["ETag"]
    for url in (TOUR_PDF, f"/stops/{world.nantes_stop_id}/programme.pdf"):
        response = client.get(url)
        reader = read_pdf(response)
        first_page = pdf_texts(reader)[0]
        marianne = any("Marianne" in name for name in fonts_of(reader))
        if identity:
            assert "RÉPUBLIQUE\nFRANÇAISE" in first_page, url
            assert marianne, fonts_of(reader)  # in the State's typeface
        else:
            assert "RÉPUBLIQUE" not in first_page.upper(), url
            assert not marianne
        preview = client.get(url + "?format=html").get_data(as_text=True)
        assert ('class="state-block"' in preview) is identity
        assert ("print-identity.css" in preview) is identity
    # Another setting, another document: not served as the same version.
    monkeypatch.setitem(app.config, "STATE_IDENTITY", not identity)
    assert client.get(TOUR_PDF, headers={"If-None-Match": etag}).status_code == 200
