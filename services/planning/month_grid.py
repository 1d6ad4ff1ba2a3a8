"""A month grid of stops, in each stop's local date."""

import calendar
from dataclasses import dataclass, field
from datetime import date

from models import TourStop
from services.local_time import FIRST_YEAR, LAST_YEAR


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    stops: list[TourStop] = field(default_factory=list)


@dataclass
class MonthGrid:
    year: int
    month: int
    weeks: list[list[CalendarDay]]
    previous: tuple[int, int] | None
    following: tuple[int, int] | None

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)


def parse_month(value: str | None) -> tuple[int, int] | None:
    """ "2019-03" → (2019, 3); None when absent; ValueError when malformed."""
    if not value:
        return None
    year_text, _, month_text = value.partition("-")
    year, month = int(year_text), int(month_text)
    if not (1 <= month <= 12 and FIRST_YEAR <= year <= LAST_YEAR):
        raise ValueError(value)
    return year, month


def _shift(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def default_month(stops: list[TourStop], start: date, today: date) -> tuple[int, int]:
    """The month of the next stop to come, else of the first stop, else of the tour's start."""
    upcoming = [s for s in stops if s.local_start.date() >= today]
    anchor = upcoming[0] if upcoming else (stops[0] if stops else None)
    day = anchor.local_start.date() if anchor else start
    return day.year, day.month


def month_grid(year: int, month: int, stops: list[TourStop], first: date, last: date) -> MonthGrid:
    by_day: dict[date, list[TourStop]] = {}
    for stop in stops:
        by_day.setdefault(stop.local_start.date(), []).append(stop)
    weeks = [
        [CalendarDay(day, day.month == month, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    previous = _shift(year, month, -1)
    following = _shift(year, month, 1)
    return MonthGrid(
        year,
        month,
        weeks,
        previous if date(*previous, 1) >= date(first.year, first.month, 1) else None,
        following if date(*following, 1) <= last else None,
    )
