"""Turning times entered in a territory's local time into UTC instants, and back.

Every date and time the platform shows is formatted here, in the zone given (a territory's
IANA zone) and the current locale: wrap a call in flask_babel.force_locale("fr") for a text
that must be French whatever the reader's language (printed documents).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from services.errors import FieldErrors

# The days the platform places (the month grid's range too): wide enough for any tour, and
# away from the calendar's edges (years 1 and 9999), where converting to UTC overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2999


class UnplaceableLocalTime(ValueError):
    """A day and wall-clock time that name no instant the platform stores; str() says why."""


class NonexistentLocalTime(UnplaceableLocalTime):
    """A wall-clock time skipped when the clocks go forward (e.g. 02:30 on 31 March 2019)."""


class DayOutOfRange(UnplaceableLocalTime):
    """A day before FIRST_YEAR or after LAST_YEAR."""


def day_in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def day_out_of_range_message() -> str:
    return _(
        "Indiquez une date comprise entre %(first)s et %(last)s.", first=FIRST_YEAR, last=LAST_YEAR
    )


def _check_day(day: date) -> None:
    if not day_in_range(day):
        raise DayOutOfRange(day_out_of_range_message())


def local_to_utc(day: date, clock: time, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time in a zone.

    A time that does not exist (clocks going forward) is refused. A time that happens twice
    (clocks going back) is read as the first occurrence, summer time, as people expect (and
    as RFC 5545 reads it); the forms tell the person so (ambiguity_notices) without refusing.
    A day outside FIRST_YEAR–LAST_YEAR is refused (DayOutOfRange) before it can overflow.
    """
    _check_day(day)
    return _wall_clock_to_utc(day, clock, zone_name)


def next_midnight_utc(day: date, zone_name: str) -> datetime:
    """The instant a day ends in a zone: the midnight that starts the next day there."""
    _check_day(day)
    return _wall_clock_to_utc(day + timedelta(days=1), time(0), zone_name)


def _wall_clock_to_utc(day: date, clock: time, zone_name: str) -> datetime:
    zone = ZoneInfo(zone_name)
    local = datetime.combine(day, clock, tzinfo=zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(
            _(
                "L’heure %(time)s n’existe pas le %(day)s en %(zone)s : les horloges avancent "
                "d’une heure cette nuit-là. Choisissez une autre heure.",
                time=time_of_day(local),
                day=format_date(day, "d MMMM y"),
                zone=zone_name,
            )
        )
    return instant


def is_ambiguous(instant: datetime, zone_name: str) -> bool:
    """Whether the wall-clock reading of an instant happens twice in the zone (02:30 on 27
    October 2019 in Paris, before and after the clocks go back): such a local time alone
    does not say which of the two instants it is."""
    local = instant.astimezone(ZoneInfo(zone_name))
    return local.replace(fold=0).utcoffset() != local.replace(fold=1).utcoffset()


def _occurrence(local: datetime, zone_name: str) -> str:
    """e.g. "la première (heure d’été, UTC+02:00)", for a local time that happens twice."""
    offset = utc_offset_label(local, zone_name)
    other = local.replace(fold=1 - local.fold)
    if local.dst():
        season = _("heure d’été, %(offset)s", offset=offset)
    elif other.dst():
        season = _("heure d’hiver, %(offset)s", offset=offset)
    else:
        season = offset
    if local.fold == 0:
        return _("la première (%(season)s)", season=season)
    return _("la seconde (%(season)s)", season=season)


def ambiguity_notices(zone_name: str, *instants: datetime | None) -> list[str]:
    """What to tell the person who entered these instants about the ones whose local time
    happens twice: which of the two the platform keeps. A notice, never a refusal: the
    first occurrence (summer time) is what local_to_utc gives, as people expect."""
    notices = []
    for instant in instants:
        if instant is None or not is_ambiguous(instant, zone_name):
            continue
        local = instant.astimezone(ZoneInfo(zone_name))
        notices.append(
            _(
                "L’heure %(time)s existe deux fois le %(day)s (%(zone)s) : les horloges "
                "reculent d’une heure cette nuit-là. Nous retenons %(occurrence)s.",
                time=time_of_day(local),
                day=format_date(local.date(), "d MMMM y"),
                zone=zone_name,
                occurrence=_occurrence(local, zone_name),
            )
        )
    return notices


def entered_instant(
    errors: FieldErrors, field: str, day: date | None, clock: time | None, zone_name: str
) -> datetime | None:
    """The UTC instant of a day and time typed in a form, in the zone of the place; None
    when either is missing (the caller says whether it is required), or when the time does
    not exist that day or the day is out of range, which is reported on the field."""
    if day is None or clock is None:
        return None
    try:
        return local_to_utc(day, clock, zone_name)
    except UnplaceableLocalTime as exc:
        errors.add(field, str(exc))
        return None


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


def time_of_day(local: datetime) -> str:
    """A wall-clock time as the reader's language writes it: "14 h 30" in French (with
    no-break spaces, so it never splits across lines), "14:30" in English."""
    if str(get_locale() or "fr").startswith("fr"):
        return f"{local.hour}\u00a0h\u00a0{local.minute:02d}"
    return f"{local:%H:%M}"


def clock(instant: datetime, zone: str) -> str:
    """e.g. "14 h 30", in the zone's own time."""
    return time_of_day(instant.astimezone(ZoneInfo(zone)))


def short_when(instant: datetime, zone: str) -> str:
    """e.g. "lun. 25 févr. 14:30", in the zone's own time."""
    local = instant.astimezone(ZoneInfo(zone))
    return f"{format_date(local.date(), 'EEE d MMM')} {time_of_day(local)}"


def numeric_when(instant: datetime, zone: str) -> str:
    """e.g. "25/02/2019 14:30" (what a spreadsheet reads as a date), in the zone's own time."""
    return instant.astimezone(ZoneInfo(zone)).strftime("%d/%m/%Y %H:%M")


def duration(delta: timedelta) -> str:
    """e.g. "1 h 05"; a negative duration is "0 h 00"."""
    minutes = max(0, round(delta.total_seconds() / 60))
    return f"{minutes // 60} h {minutes % 60:02d}"


def hours(
    starts_at: datetime,
    ends_at: datetime,
    zone: str,
    with_zone: bool = True,
    end_day_pattern: str = "d MMM",
) -> str:
    """e.g. "10:00 – 12:30 (Europe/Paris, UTC+01:00)", in the zone's own time; an end on
    another day shows that day, e.g. "22:00 – 26 févr. 02:00" (end_day_pattern)."""
    start, end = starts_at.astimezone(ZoneInfo(zone)), ends_at.astimezone(ZoneInfo(zone))
    if start.date() == end.date():
        text = f"{time_of_day(start)} – {time_of_day(end)}"
    else:
        end_day = format_date(end.date(), end_day_pattern)
        text = f"{time_of_day(start)} – {end_day} {time_of_day(end)}"
    return f"{text} ({zone}, {utc_offset_label(starts_at, zone)})" if with_zone else text


def when(starts_at: datetime, ends_at: datetime, zone: str, end_day_pattern: str = "d MMM") -> str:
    """e.g. "lundi 25 février 2019, 10:00 – 12:30 (Europe/Paris, UTC+01:00)"."""
    day = long_date(starts_at.astimezone(ZoneInfo(zone)).date())
    return f"{day}, {hours(starts_at, ends_at, zone, end_day_pattern=end_day_pattern)}"


def _local_span(start: datetime, end: datetime) -> str:
    if start.date() == end.date():
        return f"{long_date(start.date())}, {time_of_day(start)} – {time_of_day(end)}"
    return (
        f"{long_date(start.date())}, {time_of_day(start)} – "
        f"{long_date(end.date())}, {time_of_day(end)}"
    )


def span(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """e.g. "lundi 25 février 2019, 14:30 – 16:00 (Europe/Paris)", in the zone's own time;
    an end on another day shows its whole date."""
    start, end = starts_at.astimezone(ZoneInfo(zone)), ends_at.astimezone(ZoneInfo(zone))
    return f"{_local_span(start, end)} ({zone})"


def window_when(starts_at: datetime, ends_at: datetime, zone: str) -> str:
    """A window of time (a speaker's availability) in the zone; from midnight to midnight
    it is shown as whole days, e.g. "lundi 25 février 2019 (journée entière) (Europe/Paris)"."""
    start, end = starts_at.astimezone(ZoneInfo(zone)), ends_at.astimezone(ZoneInfo(zone))
    if start.time() != time(0) or end.time() != time(0):
        return span(starts_at, ends_at, zone)
    first, last = start.date(), end.date() - timedelta(days=1)
    if first == last:
        text = _("%(day)s (journée entière)", day=long_date(first))
    else:
        text = _(
            "du %(first)s au %(last)s (journées entières)",
            first=long_date(first),
            last=long_date(last),
        )
    return f"{text} ({zone})"
