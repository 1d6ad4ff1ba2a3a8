"""Turning times entered in a territory's local time into UTC instants, and back."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask_babel import format_date
from flask_babel import gettext as _


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped when the clocks go forward (e.g. 02:30 on 31 March 2019)."""


def local_to_utc(day: date, clock: time, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time in a zone.

    A time that does not exist (clocks going forward) is refused. A time that happens twice
    (clocks going back) is read as the first occurrence, summer time, as people expect.
    """
    zone = ZoneInfo(zone_name)
    local = datetime.combine(day, clock, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(
            _(
                "L’heure %(time)s n’existe pas le %(day)s en %(zone)s : les horloges avancent "
                "d’une heure cette nuit-là. Choisissez une autre heure.",
                time=clock.strftime("%H:%M"),
                day=format_date(day, "d MMMM y"),
                zone=zone_name,
            )
        )
    return instant


def today_in_france() -> date:
    """Today's date where the tour is run from: "upcoming" means upcoming in Paris."""
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def utc_offset_label(instant: datetime, zone_name: str) -> str:
    """e.g. "UTC+01:00" for Paris in winter, "UTC+03:00" for Mayotte."""
    offset = instant.astimezone(ZoneInfo(zone_name)).strftime("%z")
    return f"UTC{offset[:3]}:{offset[3:]}"


def long_date(day: date) -> str:
    """e.g. "lundi 25 février 2019" (in the current locale)."""
    return format_date(day, "EEEE d MMMM y")


def hours(starts_at: datetime, ends_at: datetime, zone: str, with_zone: bool = True) -> str:
    """e.g. "10:00 – 12:30 (Europe/Paris, UTC+01:00)", in the zone's own time."""
    start, end = starts_at.astimezone(ZoneInfo(zone)), ends_at.astimezone(ZoneInfo(zone))
    if start.date() == end.date():
        span = f"{start:%H:%M} – {end:%H:%M}"
    else:
        span = f"{start:%H:%M} – {format_date(end.date(), 'd MMM')} {end:%H:%M}"
    return f"{span} ({zone}, {utc_offset_label(starts_at, zone)})" if with_zone else span


def when(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """e.g. "lundi 25 février 2019, 10:00 – 12:30 (Europe/Paris, UTC+01:00)"."""
    day = long_date(starts_at.astimezone(ZoneInfo(zone)).date())
    return f"{day}, {hours(starts_at, ends_at, zone)}"
