"""Jinja filters and globals: dates in French format with the zone's name."""

from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Flask, request
from flask_babel import format_date, get_locale

from models import STOP_STATUS_LABELS, StopStatus, TourStop
from services.local_time import utc_offset_label


def long_date(day: date) -> str:
    return format_date(day, "EEEE d MMMM y")


def stop_day(stop: TourStop) -> str:
    return long_date(stop.local_start.date())


def hours(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """e.g. "10:00 – 12:30 (Europe/Paris, UTC+01:00)", in the zone's own time."""
    start, end = starts_at.astimezone(ZoneInfo(zone)), ends_at.astimezone(ZoneInfo(zone))
    if start.date() == end.date():
        span = f"{start:%H:%M} – {end:%H:%M}"
    else:
        span = f"{start:%H:%M} – {format_date(end.date(), 'd MMM')} {end:%H:%M}"
    return f"{span} ({zone}, {utc_offset_label(starts_at, zone)})"


def when(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """e.g. "lundi 25 février 2019, 10:00 – 12:30 (Europe/Paris, UTC+01:00)"."""
    day = long_date(starts_at.astimezone(ZoneInfo(zone)).date())
    return f"{day}, {hours(starts_at, ends_at, zone)}"


def stop_hours(stop: TourStop) -> str:
    return hours(stop.starts_at, stop.ends_at, stop.territory.timezone)


def stop_when(stop: TourStop) -> str:
    return when(stop.starts_at, stop.ends_at, stop.territory.timezone)


def workshop_when(workshop) -> str:
    return when(workshop.starts_at, workshop.ends_at, workshop.zone_name)


def local_clock(instant: datetime, zone: str) -> str:
    return instant.astimezone(ZoneInfo(zone)).strftime("%H:%M")


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


def register_template_helpers(app: Flask) -> None:
    app.add_template_filter(format_date, "format_date")
    app.add_template_filter(long_date)
    app.add_template_filter(stop_day)
    app.add_template_filter(stop_hours)
    app.add_template_filter(stop_when)
    app.add_template_filter(workshop_when)
    app.add_template_filter(local_clock)

    @app.context_processor
    def inject_globals() -> dict:
        return {
            "current_locale": str(get_locale() or "fr"),
            "StopStatus": StopStatus,
            "STOP_STATUS_LABELS": STOP_STATUS_LABELS,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
