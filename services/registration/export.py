"""A workshop's registrants as a CSV file for French Excel: UTF-8 with a BOM, ";" between
cells, CRLF line ends, and no cell a spreadsheet could run as a formula."""

import csv
import io
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models import Workshop
from services.local_time import numeric_when
from services.registration.registrations import registrants
from services.text import slugify

# A cell starting with one of these is a formula to a spreadsheet (or a cell separator).
CSV_INJECTION_STARTS = ("=", "+", "-", "@", "\t", "\r")
ATTENDANCE_LABELS = {True: _l("Présent·e"), False: _l("Absent·e"), None: ""}


def cell(value) -> str:
    """Text a spreadsheet shows as text: a leading =, +, - or @ would make it a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_INJECTION_STARTS) else text


def registrant_header() -> list[str]:
    """The columns of a registrants export, in the current language."""
    return [
        _("Nom"),
        _("E-mail"),
        _("Structure"),
        _("Territoire"),
        _("Statut"),
        _("Position en liste d’attente"),
        _("Inscrit·e le"),
        _("Présence"),
    ]


def registrant_rows(workshop: Workshop) -> list[list[str | int | datetime | None]]:
    """Everyone registered (see registrations.registrants for the order), one list of
    values per person in registrant_header()'s order: their waiting-list position, the
    moment they registered (aware, in the workshop's zone) and whether they came. Each
    format writes the values its own way (CSV: text; spreadsheets: typed cells)."""
    zone = workshop.host_territory.zone
    return [
        [
            registration.name,
            registration.email,
            registration.organisation,
            registration.territory.name if registration.territory else "",
            registration.status_label,
            position,
            registration.created_at.astimezone(zone),
            str(ATTENDANCE_LABELS[registration.attended]),
        ]
        for registration, position in registrants(workshop)
    ]


def registrants_csv(workshop: Workshop) -> bytes:
    """The registrants (registrant_rows), the time they registered as the workshop's zone
    shows it, the headers in the current language."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(registrant_header())
    for row in registrant_rows(workshop):
        writer.writerow(
            cell(numeric_when(value, workshop.zone_name) if isinstance(value, datetime) else value)
            for value in row
        )
    return buffer.getvalue().encode("utf-8")


def registrants_filename(workshop: Workshop) -> str:
    """e.g. "inscrits-reemploi-economie-circulaire.csv"; the id when the title gives no slug."""
    return f"inscrits-{slugify(workshop.title, max_length=60) or workshop.id}.csv"
