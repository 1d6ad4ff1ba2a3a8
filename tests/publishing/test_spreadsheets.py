"""Spreadsheets for organisers: the whole programme and a tour's registrants as .xlsx, with
typed date cells in local time, French headers, and only the registrants one may see."""

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from extensions import db
from models import ParticipantRole, TourStop, WorkshopStatus
from tests.factories import (
    add_round_table,
    add_speaker,
    add_workshop,
    make_organiser,
    make_stop,
    sign_up,
    territory_of,
    tour_of,
)
from tests.helpers import login, post_form, utc

PROGRAMME = "/board/tours/tournee-test/programme.xlsx"
REGISTRATIONS = "/board/tours/tournee-test/registrations.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTRANT_HEADERS = [
    "Atelier",
    "Nom",
    "E-mail",
    "Structure",
    "Territoire",
    "Statut",
    "Position en liste d’attente",
    "Inscrit·e le",
    "Présence",
    "Fuseau horaire",
]


@pytest.fixture
def plan(app, world) -> dict[str, int]:
    """Nantes (confirmed) with a round table; Mayotte (confirmed); the world's Clermont
    draft. Workshops: "Réemploi" hosted by Nantes with Roubaix, "Pêche" hosted by Mayotte
    with Clermont (Roubaix takes no part), a draft hosted by Nantes. Registrations in each."""
    with app.test_request_context():
        tour = tour_of(world)
        nantes = db.session.get(TourStop, world.nantes_stop_id)
        speaker = add_speaker("Christophe Itier", email="itier@ministere.example")
        add_round_table(
            nantes,
            "Réemploi et emploi",
            utc(2019, 2, 25, 9, 30),
            utc(2019, 2, 25, 11),
            [(speaker, ParticipantRole.MODERATOR)],
            room="Salle 1",
        )
        make_stop(tour, territory_of(world, "mayotte"), date(2019, 5, 14), "09:00", "11:00")
        reemploi = add_workshop(world, title="Réemploi", day=date(2019, 6, 12), capacity=1)
        peche = add_workshop(
            world,
            title="Pêche",
            host="mayotte",
            territories=("mayotte", "clermont"),
            day=date(2019, 6, 13),
            start="08:00",
            end="10:00",
            online_url="https://visio.example/salle-secrete",
        )
        add_workshop(world, title="Atelier en brouillon", status=WorkshopStatus.DRAFT)
        db.session.commit()
        ids = {"reemploi": reemploi.id, "peche": peche.id}
    sign_up(app, ids["reemploi"], "Hélène Éluard", "helene@example.org")
    sign_up(app, ids["reemploi"], '=HYPERLINK("http://evil.example","clic")', "evil@example.org")
    sign_up(app, ids["peche"], "Ana Mayotte", "ana@example.org")
    return ids


def wall_clock(*args) -> datetime:
    """A date cell as a spreadsheet holds it: the local wall-clock time, without a zone."""
    return datetime(*args, tzinfo=UTC).replace(tzinfo=None)


def workbook_of(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == XLSX
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    return load_workbook(io.BytesIO(response.data))


def rows_of(sheet: Worksheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def by_first_column(sheet: Worksheet, header: str) -> dict[str, dict]:
    rows = rows_of(sheet)
    titles = rows[0]
    column = titles.index(header)
    return {row[column]: dict(zip(titles, row, strict=True)) for row in rows[1:]}


def test_programme_has_a_sheet_per_kind_with_french_headers(client, world, plan):
    login(client, world.nantes_organiser)
    response = client.get(PROGRAMME)
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="programme-tournee-test.xlsx"'
    )
    workbook = workbook_of(response)
    assert workbook.sheetnames == ["Étapes", "Tables rondes", "Ateliers"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions
        assert all(cell.font.bold for cell in sheet[1])
        assert all(sheet.column_dimensions[c.column_letter].width >= 10 for c in sheet[1])
    assert rows_of(workbook["Étapes"])[0][:5] == [
        "Territoire",
        "Statut",
        "Début",
        "Fin",
        "Fuseau horaire",
    ]


def test_programme_cells_are_typed_local_datetimes(client, world, plan):
    login(client, world.admin)
    workbook = workbook_of(client.get(PROGRAMME))
    stops = by_first_column(workbook["Étapes"], "Territoire")
    # Organisers see the whole plan: the draft too, with its status.
    assert set(stops) == {"Nantes Métropole", "Mayotte", "Clermont-Ferrand"}
    assert stops["Clermont-Ferrand"]["Statut"] == "Brouillon"
    assert stops["Nantes Métropole"]["Début"] == wall_clock(2019, 2, 25, 10, 0)
    assert stops["Mayotte"]["Début"] == wall_clock(2019, 5, 14, 9, 0)
    assert stops["Mayotte"]["Fuseau horaire"] == "Indian/Mayotte"
    start_cell = workbook["Étapes"]["C2"]
    assert start_cell.is_date and start_cell.number_format == "dd/mm/yyyy hh:mm"
    tables = by_first_column(workbook["Tables rondes"], "Titre")
    table = tables["Réemploi et emploi"]
    assert (table["Début"], table["Fin"]) == (
        wall_clock(2019, 2, 25, 10, 30),
        wall_clock(2019, 2, 25, 12),
    )
    assert table["Salle"] == "Salle 1"
    assert table["Intervenant·es"] == "Christophe Itier (modération)"
    workshops = by_first_column(workbook["Ateliers"], "Titre")
    assert set(workshops) == {"Réemploi", "Pêche", "Atelier en brouillon"}
    assert workshops["Pêche"]["Début"] == wall_clock(2019, 6, 13, 8, 0)  # Mayotte's clock
    assert workshops["Pêche"]["En ligne"] == "Oui"
    assert workshops["Réemploi"]["Capacité"] == 1
    body = client.get(PROGRAMME).data
    text = " ".join(str(v) for s in workbook.worksheets for r in rows_of(s) for v in r)
    assert "visio.example" not in text and "itier@ministere.example" not in text
    assert b"visio.example" not in body


def test_programme_headers_follow_the_language(client, world, plan):
    login(client, world.admin)
    post_form(client, "/langue", {"lang": "en"})
    workbook = workbook_of(client.get(PROGRAMME))
    assert rows_of(workbook.worksheets[0])[0][4] == "Time zone"


def test_registrants_of_a_tour_for_an_admin(client, world, plan):
    login(client, world.admin)
    response = client.get(REGISTRATIONS)
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="inscrits-tournee-test.xlsx"'
    )
    sheet = workbook_of(response)["Inscrit·es"]
    rows = rows_of(sheet)
    assert rows[0] == REGISTRANT_HEADERS
    assert [(r[0], r[1], r[5]) for r in rows[1:]] == [
        ("Réemploi", "Hélène Éluard", "Confirmée"),
        ("Réemploi", '=HYPERLINK("http://evil.example","clic")', "Liste d’attente"),
        ("Pêche", "Ana Mayotte", "Confirmée"),
    ]
    # Registered at 10:00 UTC: 12:00 in Paris, 13:00 in Mayotte; typed cells.
    assert rows[1][7] == wall_clock(2019, 5, 1, 12, 0) and rows[1][9] == "Europe/Paris"
    assert rows[3][7] == wall_clock(2019, 5, 1, 13, 0) and rows[3][9] == "Indian/Mayotte"
    assert sheet["H2"].is_date
    # A name that looks like a formula stays text.
    assert sheet["B3"].data_type == "s"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions


def test_registrants_of_a_territorial_organiser_are_only_the_workshops_they_host(
    client, world, plan
):
    """Nantes hosts "Réemploi" only: its organiser's export holds no one else."""
    login(client, world.nantes_organiser)
    rows = rows_of(workbook_of(client.get(REGISTRATIONS))["Inscrit·es"])
    assert {r[0] for r in rows[1:]} == {"Réemploi"}
    assert "Ana Mayotte" not in {r[1] for r in rows}


def test_registrants_of_the_host_of_the_other_workshop(app, client, world, plan):
    email = make_organiser(app, world, "mayotte", "Mia Mayotte")
    login(client, email)
    rows = rows_of(workbook_of(client.get(REGISTRATIONS))["Inscrit·es"])
    assert [r[1] for r in rows[1:]] == ["Ana Mayotte"]


def test_taking_part_without_hosting_shows_registrants_but_gives_no_file(client, world, plan):
    """Roubaix takes part in "Réemploi": its organiser sees who registered on the page,
    like for the per-workshop CSV, the file of names and addresses is the host's."""
    login(client, world.roubaix_organiser)
    assert client.get(f"/board/workshops/{plan['reemploi']}/registrations").status_code == 200
    assert client.get(REGISTRATIONS).status_code == 403


def test_registrants_refused_to_an_organiser_of_no_workshop(app, client, world, plan):
    login(client, make_organiser(app, world, "strasbourg", "Sam Strasbourg"))
    response = client.get(REGISTRATIONS)
    assert response.status_code == 403
    assert "Aucun atelier de cette tournée n’est accueilli" in response.get_data(as_text=True)
    # The programme is for every organiser.
    assert client.get(PROGRAMME).status_code == 200


@pytest.mark.parametrize("url", [PROGRAMME, REGISTRATIONS])
def test_visitors_go_to_the_login_page(client, world, plan, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", [PROGRAMME, REGISTRATIONS])
def test_unknown_tour_is_404(client, world, url):
    login(client, world.admin)
    assert client.get(url.replace("tournee-test", "inconnue")).status_code == 404


def test_empty_tour_gives_headers_only(app, client, world):
    with app.app_context():
        for stop in db.session.query(TourStop).all():
            db.session.delete(stop)
        db.session.commit()
    login(client, world.admin)
    workbook = workbook_of(client.get(PROGRAMME))
    assert [len(rows_of(s)) for s in workbook.worksheets] == [1, 1, 1]
    assert len(rows_of(workbook_of(client.get(REGISTRATIONS)).active)) == 1


def test_workshops_page_links_the_exports(client, world, plan):
    login(client, world.nantes_organiser)
    page = client.get("/board/tours/tournee-test/workshops").get_data(as_text=True)
    assert f'href="{PROGRAMME}"' in page and f'href="{REGISTRATIONS}"' in page
    assert "Exporter" in page


def test_workshops_page_hides_the_registrants_export_from_others(app, client, world, plan):
    login(client, make_organiser(app, world, "strasbourg", "Sam Strasbourg"))
    page = client.get("/board/tours/tournee-test/workshops").get_data(as_text=True)
    assert f'href="{PROGRAMME}"' in page and REGISTRATIONS not in page
