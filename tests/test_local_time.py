"""Times entered in a territory's local time become the right UTC instants, and every
date and time is shown in the zone's own time, in French and in English."""

from datetime import date, time, timedelta

import pytest
from flask_babel import force_locale

from services.local_time import (
    DayOutOfRange,
    NonexistentLocalTime,
    ambiguity_notices,
    clock,
    duration,
    hours,
    is_ambiguous,
    local_to_utc,
    next_midnight_utc,
    numeric_when,
    short_when,
    span,
    when,
    window_when,
)
from tests.helpers import utc


def test_winter_paris_time_is_utc_plus_one(app):
    with app.test_request_context():
        assert local_to_utc(date(2019, 2, 25), time(10, 0), "Europe/Paris") == utc(2019, 2, 25, 9)


def test_time_skipped_on_31_march_2019_is_refused_with_french_message(app):
    with app.test_request_context(), pytest.raises(NonexistentLocalTime) as refused:
        local_to_utc(date(2019, 3, 31), time(2, 30), "Europe/Paris")
    assert fr("2 h 30 n’existe pas le 31 mars 2019") in str(refused.value)


@pytest.mark.parametrize(
    "day,clock_time,zone",
    [
        (date(1, 1, 1), time(0, 0), "Europe/Paris"),  # before year 1 in UTC: overflow
        (date(9999, 12, 31), time(23, 59), "America/Cayenne"),  # after year 9999 in UTC
        (date(1899, 12, 31), time(12, 0), "Europe/Paris"),
        (date(3000, 1, 1), time(12, 0), "Indian/Mayotte"),
    ],
)
def test_days_outside_1900_to_2999_are_refused_not_overflowed(app, day, clock_time, zone):
    with app.test_request_context(), pytest.raises(DayOutOfRange) as refused:
        local_to_utc(day, clock_time, zone)
    assert str(refused.value) == "Indiquez une date comprise entre 1900 et 2999."


def test_the_last_day_in_range_ends_at_the_next_midnight(app):
    with app.test_request_context():
        end = next_midnight_utc(date(2999, 12, 31), "Europe/Paris")
        assert end == utc(2999, 12, 31, 23)
        with pytest.raises(DayOutOfRange):
            next_midnight_utc(date(9999, 12, 31), "Europe/Paris")


def test_times_either_side_of_the_change_on_31_march_2019(app):
    with app.test_request_context():
        before = local_to_utc(date(2019, 3, 31), time(1, 30), "Europe/Paris")
        after = local_to_utc(date(2019, 3, 31), time(3, 30), "Europe/Paris")
    assert before == utc(2019, 3, 31, 0, 30)
    assert after == utc(2019, 3, 31, 1, 30)
    assert (after - before).total_seconds() == 3600  # two wall-clock hours, one real hour


def test_repeated_hour_in_october_reads_as_summer_time(app):
    with app.test_request_context():
        instant = local_to_utc(date(2019, 10, 27), time(2, 30), "Europe/Paris")
    assert instant == utc(2019, 10, 27, 0, 30)


def test_repeated_hour_in_october_is_told_with_the_occurrence_kept(app):
    first, second = utc(2019, 10, 27, 0, 30), utc(2019, 10, 27, 1, 30)  # both 02:30 in Paris
    assert is_ambiguous(first, "Europe/Paris") and is_ambiguous(second, "Europe/Paris")
    with app.test_request_context(), force_locale("fr"):
        assert ambiguity_notices("Europe/Paris", first, utc(2019, 10, 27, 3), None) == [
            fr(
                "L’heure 2 h 30 existe deux fois le 27 octobre 2019 (Europe/Paris) : les horloges "
                "reculent d’une heure cette nuit-là. Nous retenons la première (heure d’été, "
                "UTC+02:00)."
            )
        ]
        (notice,) = ambiguity_notices("Europe/Paris", second)
        assert notice.endswith("Nous retenons la seconde (heure d’hiver, UTC+01:00).")
    with app.test_request_context(), force_locale("en"):
        (notice,) = ambiguity_notices("Europe/Paris", first)
    assert notice == (
        "The time 02:30 happens twice on 27 October 2019 (Europe/Paris): the clocks go back "
        "one hour that night. We keep the first one (summer time, UTC+02:00)."
    )


def test_times_that_happen_once_need_no_notice(app):
    with app.test_request_context():
        once = [utc(2019, 10, 27, 2), utc(2019, 10, 26, 23, 59), utc(2019, 2, 25, 9)]
        assert ambiguity_notices("Europe/Paris", *once) == []
        assert ambiguity_notices("Indian/Mayotte", utc(2019, 10, 27, 0, 30)) == []
    assert not is_ambiguous(utc(2019, 10, 27, 0, 30), "Indian/Mayotte")


def test_mayotte_is_utc_plus_three_all_year(app):
    with app.test_request_context():
        assert local_to_utc(date(2019, 3, 31), time(2, 30), "Indian/Mayotte") == utc(
            2019, 3, 30, 23, 30
        )
        assert local_to_utc(date(2019, 7, 1), time(10, 0), "Indian/Mayotte") == utc(2019, 7, 1, 7)


# Formatting ---------------------------------------------------------------------------------


def fr(text: str) -> str:
    """French times as the platform writes them: no-break spaces around the "h"."""
    return text.replace(" h ", "\u00a0h\u00a0")


MONDAY_10 = utc(2019, 2, 25, 9)  # 10:00 in Paris, 12:00 in Mayotte
MONDAY_1230 = utc(2019, 2, 25, 11, 30)
TUESDAY_02 = utc(2019, 2, 26, 1)  # 02:00 the next day in Paris


def test_clock_and_short_forms_are_in_the_zones_own_time(app):
    with app.test_request_context(), force_locale("fr"):
        assert clock(MONDAY_10, "Europe/Paris") == fr("10 h 00")
        assert clock(MONDAY_10, "Indian/Mayotte") == fr("12 h 00")
        assert short_when(MONDAY_10, "Europe/Paris") == fr("lun. 25 févr. 10 h 00")
        assert numeric_when(MONDAY_10, "Indian/Mayotte") == "25/02/2019 12:00"
    with app.test_request_context(), force_locale("en"):
        assert short_when(MONDAY_10, "Europe/Paris") == "Mon 25 Feb 10:00"
        assert numeric_when(MONDAY_10, "Europe/Paris") == "25/02/2019 10:00"


def test_duration_in_hours_and_minutes_never_negative():
    assert duration(timedelta(minutes=65)) == "1 h 05"
    assert duration(timedelta(hours=26)) == "26 h 00"
    assert duration(timedelta(minutes=-5)) == "0 h 00"


def test_when_names_the_zone_and_its_offset(app):
    with app.test_request_context(), force_locale("fr"):
        assert when(MONDAY_10, MONDAY_1230, "Europe/Paris") == (
            fr("lundi 25 février 2019, 10 h 00 – 12 h 30 (Europe/Paris, UTC+01:00)")
        )
        assert hours(MONDAY_10, MONDAY_1230, "Indian/Mayotte", with_zone=False) == fr(
            "12 h 00 – 14 h 30"
        )
    with app.test_request_context(), force_locale("en"):
        assert when(MONDAY_10, MONDAY_1230, "Indian/Mayotte") == (
            "Monday 25 February 2019, 12:00 – 14:30 (Indian/Mayotte, UTC+03:00)"
        )


def test_when_ending_the_next_day_shows_that_day_short_or_in_full(app):
    with app.test_request_context(), force_locale("fr"):
        assert when(MONDAY_10, TUESDAY_02, "Europe/Paris") == (
            fr("lundi 25 février 2019, 10 h 00 – 26 févr. 2 h 00 (Europe/Paris, UTC+01:00)")
        )
        assert when(MONDAY_10, TUESDAY_02, "Europe/Paris", end_day_pattern="d MMMM") == (
            fr("lundi 25 février 2019, 10 h 00 – 26 février 2 h 00 (Europe/Paris, UTC+01:00)")
        )


def test_span_names_the_zone_and_spells_out_another_end_day(app):
    with app.test_request_context(), force_locale("fr"):
        assert span(MONDAY_10, MONDAY_1230, "Europe/Paris") == (
            fr("lundi 25 février 2019, 10 h 00 – 12 h 30 (Europe/Paris)")
        )
        assert span(MONDAY_10, TUESDAY_02, "Europe/Paris") == (
            fr("lundi 25 février 2019, 10 h 00 – mardi 26 février 2019, 2 h 00 (Europe/Paris)")
        )
    with app.test_request_context(), force_locale("en"):
        assert span(MONDAY_10, MONDAY_1230, "Indian/Mayotte") == (
            "Monday 25 February 2019, 12:00 – 14:30 (Indian/Mayotte)"
        )


def test_window_from_midnight_to_midnight_is_shown_as_whole_days(app):
    one_day = utc(2019, 2, 24, 23), utc(2019, 2, 25, 23)  # Monday in Paris
    three_days = utc(2019, 2, 24, 23), utc(2019, 2, 27, 23)
    with app.test_request_context(), force_locale("fr"):
        assert window_when(*one_day, "Europe/Paris") == (
            "lundi 25 février 2019 (journée entière) (Europe/Paris)"
        )
        assert window_when(*three_days, "Europe/Paris") == (
            "du lundi 25 février 2019 au mercredi 27 février 2019 (journées entières) "
            "(Europe/Paris)"
        )
        # Midnight in Paris is not midnight in Mayotte: there it is a span of hours.
        assert window_when(*one_day, "Indian/Mayotte") == (
            fr("lundi 25 février 2019, 2 h 00 – mardi 26 février 2019, 2 h 00 (Indian/Mayotte)")
        )
        assert window_when(MONDAY_10, MONDAY_1230, "Europe/Paris") == (
            span(MONDAY_10, MONDAY_1230, "Europe/Paris")
        )
    with app.test_request_context(), force_locale("en"):
        assert window_when(*one_day, "Europe/Paris") == (
            "Monday 25 February 2019 (all day) (Europe/Paris)"
        )
        assert window_when(*three_days, "Europe/Paris") == (
            "from Monday 25 February 2019 to Wednesday 27 February 2019 (full days) (Europe/Paris)"
        )
