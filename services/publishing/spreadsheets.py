"""Spreadsheets for organisers (.xlsx, openpyxl): a tour's whole programme, one sheet per
kind (stops, round tables, workshops), and the registrants of a tour's workshops.

Dates and times are real date cells, in each item's local time (a spreadsheet cell holds
no zone, so a "Fuseau horaire" column beside them names it); headers in the current
language, frozen, with an autofilter and column widths. No cell is ever a formula: text
starting with "=" is written as text.
"""

import io
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models import Tour, TourStop, Workshop
from services.planning import tours
from services.registration import export
from services.registration import workshops as workshop_queries
from services.text import slugify

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MIN_WIDTH, MAX_WIDTH = 8, 60
Value = str | int | datetime | None


def _local(moment: datetime | None, zone_name: str) -> datetime | None:
    """The instant in the zone; _write keeps its wall-clock time, as a cell holds it."""
    return moment.astimezone(ZoneInfo(zone_name)) if moment is not None else None


def _cell_value(value: Value) -> Value:
    """A cell holds no zone: a moment's local wall-clock time (the zone has its own column);
    text without the control characters a workbook cannot hold."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _write(sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Value]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = [len(title) for title in header]
    for values in rows:
        sheet.append([_cell_value(value) for value in values])
        for column, cell in enumerate(sheet[sheet.max_row]):
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
                width = len(DATETIME_FORMAT)
            else:
                if cell.data_type == "f":
                    cell.data_type = "s"  # text that looks like a formula stays text
                text = "" if cell.value is None else str(cell.value)
                width = max((len(line) for line in text.splitlines()), default=0)
            widths[column] = max(widths[column], width)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = (
            min(MAX_WIDTH, max(MIN_WIDTH, width)) + 2
        )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _people(listings) -> str:
    return "; ".join(f"{p.speaker.name} ({p.role.label.lower()})" for p in listings)


def _stop_rows(stops: list[TourStop]) -> list[list[Value]]:
    return [
        [
            stop.territory.name,
            stop.status_label,
            _local(stop.starts_at, stop.territory.timezone),
            _local(stop.ends_at, stop.territory.timezone),
            stop.territory.timezone,
            stop.venue_name,
            stop.address,
            stop.host_organisation.name if stop.host_organisation else "",
            _people(stop.speakers),
            stop.description,
        ]
        for stop in stops
    ]


def _round_table_rows(stops: list[TourStop]) -> list[list[Value]]:
    return [
        [
            stop.territory.name,
            stop.status_label,
            table.title,
            table.challenge.name if table.challenge else "",
            _local(table.starts_at, stop.territory.timezone),
            _local(table.ends_at, stop.territory.timezone),
            stop.territory.timezone,
            table.room,
            _people(table.participants),
            table.description,
        ]
        for stop in stops
        for table in stop.round_tables
    ]


def _workshop_rows(workshops: list[Workshop]) -> list[list[Value]]:
    return [
        [
            w.title,
            w.status_label,
            w.challenge.name,
            w.host_territory.name,
            ", ".join(t.name for t in w.territories),
            _local(w.starts_at, w.zone_name),
            _local(w.ends_at, w.zone_name),
            w.zone_name,
            w.venue_name,
            w.address,
            _("Oui") if w.online_url else _("Non"),
            w.capacity,
            _local(w.registration_opens_at, w.zone_name),
            _local(w.registration_closes_at, w.zone_name),
            ", ".join(s.name for s in w.facilitators),
            w.description,
        ]
        for w in workshops
    ]


def programme_workbook(tour: Tour) -> bytes:
    """The whole plan as organisers see it, drafts included (with their status): stops,
    round tables, workshops. Never an online meeting link: only whether there is one."""
    stops = tours.tour_stops(tour, include_drafts=True)
    workshops = workshop_queries.all_workshops(tour)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Étapes")
    zone, starts, ends = _("Fuseau horaire"), _("Début"), _("Fin")
    _write(
        sheet,
        [
            _("Territoire"),
            _("Statut"),
            starts,
            ends,
            zone,
            _("Lieu"),
            _("Adresse"),
            _("Structure hôte"),
            _("Intervenant·es"),
            _("Description"),
        ],
        _stop_rows(stops),
    )
    _write(
        workbook.create_sheet(_("Tables rondes")),
        [
            _("Étape"),
            _("Statut de l’étape"),
            _("Titre"),
            _("Défi"),
            starts,
            ends,
            zone,
            _("Salle"),
            _("Intervenant·es"),
            _("Description"),
        ],
        _round_table_rows(stops),
    )
    _write(
        workbook.create_sheet(_("Ateliers")),
        [
            _("Titre"),
            _("Statut"),
            _("Défi"),
            _("Territoire hôte"),
            _("Territoires"),
            starts,
            ends,
            zone,
            _("Lieu"),
            _("Adresse"),
            _("En ligne"),
            _("Capacité"),
            _("Inscriptions ouvertes le"),
            _("Inscriptions closes le"),
            _("Animation"),
            _("Description"),
        ],
        _workshop_rows(workshops),
    )
    return _workbook_bytes(workbook)


def registrants_workbook(workshops: list[Workshop]) -> bytes:
    """The registrants of these workshops (the caller chooses which: those the reader may
    see), one row each with the columns of the CSV export (export.registrant_rows), after
    the workshop's title, and the zone of the registration time."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Inscrit·es")
    rows: list[list[Value]] = []
    for workshop in workshops:
        for row in export.registrant_rows(workshop):
            rows.append([workshop.title, *row, workshop.zone_name])
    _write(sheet, [_("Atelier"), *export.registrant_header(), _("Fuseau horaire")], rows)
    return _workbook_bytes(workbook)


def programme_filename(tour: Tour) -> str:
    return f"programme-{slugify(tour.slug, max_length=60) or tour.id}.xlsx"


def registrants_filename(tour: Tour) -> str:
    return f"inscrits-{slugify(tour.slug, max_length=60) or tour.id}.xlsx"
