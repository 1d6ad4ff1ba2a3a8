"""Times entered in a territory's local time become the right UTC instants."""

from datetime import date, time

import pytest

from services.local_time import NonexistentLocalTime, local_to_utc
from tests.helpers import utc


def test_winter_paris_time_is_utc_plus_one(app):
    with app.test_request_context():
        assert local_to_utc(date(2019, 2, 25), time(10, 0), "Europe/Paris") == utc(2019, 2, 25, 9)


def test_time_skipped_on_31_march_2019_is_refused_with_french_message(app):
    with app.test_request_context(), pytest.raises(NonexistentLocalTime) as refused:
        local_to_utc(date(2019, 3, 31), time(2, 30), "Europe/Paris")
    assert "02:30 n’existe pas le 31 mars 2019" in str(refused.value)


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


def test_mayotte_is_utc_plus_three_all_year(app):
    with app.test_request_context():
        assert local_to_utc(date(2019, 3, 31), time(2, 30), "Indian/Mayotte") == utc(
            2019, 3, 30, 23, 30
        )
        assert local_to_utc(date(2019, 7, 1), time(10, 0), "Indian/Mayotte") == utc(2019, 7, 1, 7)
