"""A workshop's registrants as a CSV file for French Excel: UTF-8 with a BOM, ";" between
cells, CRLF line ends, and no cell a spreadsheet could run as a formula."""

import csv
import io

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


def _header() -> list[str]:
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


def registrants_csv(workshop: Workshop) -> bytes:
    """Everyone registered (see registrations.registrants for the order), with their
    waiting-list position, the time they registered in the workshop's zone and whether
    they came; the headers in the current language."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(_header())
    for registration, position in registrants(workshop):
        writer.writerow(
            cell(value)
            for value in (
                registration.name,
                registration.email,
                registration.organisation,
                registration.territory.name if registration.territory else "",
                registration.status_label,
                position,
                numeric_when(registration.created_at, workshop.zone_name),
                ATTENDANCE_LABELS[registration.attended],
            )
        )
    return buffer.getvalue().encode("utf-8")


def registrants_filename(workshop: Workshop) -> str:
    """e.g. "inscrits-reemploi-economie-circulaire.csv"; the id when the title gives no slug."""
    return f"inscrits-{slugify(workshop.title, max_length=60) or workshop.id}.csv"
