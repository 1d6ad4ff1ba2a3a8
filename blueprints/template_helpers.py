"""Jinja filters and globals: dates in French format with the zone's name (thin filters
over services.local_time, where every date and time format lives)."""

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request
from flask_babel import format_date, get_locale, get_translations, gettext
from markupsafe import Markup
from wtforms import Field
from wtforms.widgets import CheckboxInput, ListWidget, RadioInput, Select, TextArea

from blueprints.confirmation import warning_of
from models import StopStatus, TourStop
from services.local_time import clock, hours, long_date, numeric_when, span, when, window_when
from services.text import french_typography


def stop_day(stop: TourStop) -> str:
    return long_date(stop.local_start.date())


def stop_hours(stop: TourStop) -> str:
    return hours(stop.starts_at, stop.ends_at, stop.territory.timezone)


def stop_when(stop: TourStop) -> str:
    return when(stop.starts_at, stop.ends_at, stop.territory.timezone)


def release_when(instant) -> str:
    """When a release was published, in Paris: "mardi 12 mars 2019 à 14:30 (Europe/Paris)"."""
    local = instant.astimezone(ZoneInfo("Europe/Paris"))
    return gettext(
        "%(day)s à %(time)s (Europe/Paris)",
        day=long_date(local.date()),
        time=clock(instant, "Europe/Paris"),
    )


def workshop_when(workshop) -> str:
    return when(workshop.starts_at, workshop.ends_at, workshop.zone_name)


def engagement_when(engagement) -> str:
    """A speaker's engagement, in the stop's own time."""
    return span(engagement.starts_at, engagement.ends_at, engagement.stop.territory.timezone)


def availability_when(window, zone: str) -> str:
    """An availability window in the speaker's zone, whole days shown as days."""
    return window_when(window.starts_at, window.ends_at, zone)


def safe_next_url(target: str | None) -> str | None:
    """A path on this site, or None: never an absolute or protocol-relative URL."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def typography(text):
    """French spacing in the current locale: one filter for our text and for user text."""
    return french_typography(text, str(get_locale() or "fr"))


def control_kind(field: Field) -> str:
    """Which DSFR group a form field belongs in (templates/_macros.html, field)."""
    widget = field.widget
    if isinstance(widget, CheckboxInput):
        return "checkbox"
    if isinstance(widget, ListWidget) and isinstance(field.option_widget, RadioInput):
        return "radio"
    if isinstance(widget, Select):
        return "select"
    if isinstance(widget, TextArea):
        return "textarea"
    return "input"


def page_has_errors(*candidates) -> bool:
    """Whether a page shows a refusal: a form with errors, or a message of refusal."""
    for candidate in candidates:
        errors = getattr(candidate, "errors", None)
        if errors or (isinstance(candidate, str | Markup) and candidate):
            return True
    return False


# Jinja's new-style gettext interpolates the variables itself, after these return (so user
# values get only the filter they are given).
def _typographic_gettext(string: str) -> str:
    return typography(get_translations().gettext(string))


def _typographic_ngettext(singular: str, plural: str, num: int) -> str:
    return typography(get_translations().ngettext(singular, plural, num))


def _typographic_warning(action: str, **values) -> str:
    return typography(warning_of(action, **values))


def activity_time(instant) -> str:
    """When an activity entry was written, in Paris time: "3 déc. 2026 16 h 02"."""
    from zoneinfo import ZoneInfo

    from services.local_time import time_of_day

    local = instant.astimezone(ZoneInfo("Europe/Paris"))
    return f"{format_date(local.date(), 'd MMM y')} {time_of_day(local)}"


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(activity_time)
    app.add_template_filter(format_date, "format_date")
    app.add_template_filter(long_date)
    app.add_template_filter(stop_day)
    app.add_template_filter(stop_hours)
    app.add_template_filter(stop_when)
    app.add_template_filter(workshop_when)
    app.add_template_filter(release_when)
    app.add_template_filter(clock, "local_clock")
    app.add_template_filter(numeric_when)
    app.add_template_filter(typography)
    # Globals, not context: the macros of _macros.html are imported without the context.
    app.jinja_env.globals.update(
        control_kind=control_kind, page_has_errors=page_has_errors, warning_of=_typographic_warning
    )
    # Our own text gets the same typography as user text, in every template's _() and ngettext.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        _typographic_gettext, _typographic_ngettext, newstyle=True
    )

    @app.context_processor
    def inject_globals() -> dict:
        return {
            "current_locale": str(get_locale() or "fr"),
            "StopStatus": StopStatus,
            "current_path": request.full_path.rstrip("?") if request else "/",
            "engagement_when": engagement_when,
            "availability_when": availability_when,
            "state_identity": current_app.config["STATE_IDENTITY"],
            "accessibility_status": gettext("non conforme"),
        }
