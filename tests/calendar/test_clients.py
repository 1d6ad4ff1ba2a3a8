"""Feeds and invitations read alike by the parsers of the calendar clients: icalendar,
vobject and ical (Python), libical (Evolution, many CalDAV servers) and ical.js
(Thunderbird): the same UTC instant for every event, the same calendar name, no error."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from extensions import db
from models import OutboxMail, Registration, RoundTable, StopStatus, Territory, TourStop, Workshop
from services.registration.registrations import cancel_registration
from tests.factories import (
    add_round_table,
    add_workshop,
    make_stop,
    make_workshop,
    saved,
    sign_up,
    territory_of,
    tour_of,
)
from tests.helpers import utc

TOUR_FEED = "/calendar/tours/tournee-test.ics"
PARSERS = ["icalendar", "vobject", "ical", "libical", "ical.js"]
# 02:30 on 27 October 2019 in Paris happens twice: at 00:30 UTC (summer time, what the forms
# keep) and at 01:30 UTC (winter time).
FIRST_0230, SECOND_0230 = utc(2019, 10, 27, 0, 30), utc(2019, 10, 27, 1, 30)


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def instants_of(rows) -> dict[str, tuple[str, str]]:
    return {row.uid: (iso(row.starts_at), iso(row.ends_at)) for row in rows}


def assert_read_alike(readings, expected: dict[str, tuple[str, str]]) -> None:
    assert list(readings) == PARSERS
    for parser, reading in readings.items():
        assert reading.errors == [], parser
        assert reading.events == expected, parser


@pytest.fixture
def night_of_the_change(app, world):
    """Beside the world's Nantes stop (25 February, 10:00–12:30): a Roubaix stop from 02:30
    (first occurrence) to 04:00 on 27 October 2019 with a round table from the second 02:30
    to 03:00; a Strasbourg stop over two days across that night; a Mayotte stop; a workshop
    from 01:00 to the first 02:30. Every instant of the feed, by UID."""
    with app.app_context():
        tour = tour_of(world)
        night = make_stop(
            tour, territory_of(world, "roubaix"), date(2019, 10, 27), "02:30", "04:00"
        )
        add_round_table(night, "Table de nuit", SECOND_0230, utc(2019, 10, 27, 2))
        strasbourg = db.session.get(Territory, world.territory["strasbourg"])
        make_stop(
            tour,
            strasbourg,
            date(2019, 10, 26),
            "20:00",
            utc(2019, 10, 27, 9),  # 10:00 the next day, in winter time
            venue_name="Deux jours",
        )
        make_stop(tour, territory_of(world, "mayotte"), date(2019, 5, 14), "09:00", "11:00")
        add_workshop(
            world,
            title="Atelier de nuit",
            host="roubaix",
            day=date(2019, 10, 27),
            start="01:00",
            end="02:30",
        )
        db.session.commit()
        rows = [
            *db.session.scalars(select(TourStop).where(TourStop.status != StopStatus.DRAFT)),
            *db.session.scalars(select(RoundTable)),
            *db.session.scalars(select(Workshop)),
        ]
        expected = instants_of(rows)
    assert len(expected) == 6
    assert (iso(FIRST_0230), iso(utc(2019, 10, 27, 3))) in expected.values()
    assert (iso(SECOND_0230), iso(utc(2019, 10, 27, 2))) in expected.values()
    return expected


def test_feed_instants_are_the_same_in_the_five_parsers(
    client, world, every_parser, night_of_the_change
):
    body = client.get(TOUR_FEED).data
    assert_read_alike(every_parser(body), night_of_the_change)


def test_ambiguous_times_are_written_in_utc_and_the_others_with_their_tzid(
    client, world, night_of_the_change
):
    body = client.get(TOUR_FEED).data
    assert b"DTSTART:20191027T003000Z\r\nDTEND:20191027T030000Z" in body  # the night stop
    assert b"DTSTART:20191027T013000Z\r\nDTEND:20191027T020000Z" in body  # its round table
    assert b"DTSTART:20191026T230000Z\r\nDTEND:20191027T003000Z" in body  # ends at 02:30
    assert b"DTSTART;TZID=Europe/Paris:20190225T100000" in body
    assert b"DTSTART;TZID=Europe/Paris:20191026T200000" in body  # over two days, not ambiguous
    assert b"DTEND;TZID=Europe/Paris:20191027T100000" in body
    assert b"DTSTART;TZID=Indian/Mayotte:20190514T090000" in body


def invitations(app, workshop_id: int) -> tuple[dict[str, tuple[str, str]], list[OutboxMail]]:
    """The workshop's instants by UID, and the invitations a participant gets: REQUEST when
    registering, CANCEL when cancelling."""
    registration_id = sign_up(app, workshop_id, "Camille Martin")
    with app.test_request_context():
        registration = db.session.get(Registration, registration_id)
        cancel_registration(registration, datetime(2019, 5, 2, tzinfo=UTC))
        db.session.commit()
        mails = db.session.scalars(
            select(OutboxMail)
            .where(OutboxMail.registration_id == registration_id)
            .where(OutboxMail.calendar.is_not(None))
            .order_by(OutboxMail.id)
        ).all()
        assert [m.calendar_method for m in mails] == ["REQUEST", "CANCEL"]
        return instants_of([registration.workshop]), mails


@pytest.mark.parametrize(
    "start,end,instants",
    [
        ("02:30", "03:30", (FIRST_0230, utc(2019, 10, 27, 2, 30))),  # 03:30 in winter time
        ("14:00", "16:00", (utc(2019, 10, 27, 13), utc(2019, 10, 27, 15))),
    ],
)
def test_invitations_are_read_alike_by_the_five_parsers(
    app, world, every_parser, start, end, instants
):
    workshop_id = make_workshop(
        app,
        world,
        host="roubaix",
        day=date(2019, 10, 27),
        start=start,
        end=end,
        through_service=True,
    )
    expected, mails = invitations(app, workshop_id)
    assert list(expected.values()) == [tuple(map(iso, instants))]
    for mail in mails:
        assert_read_alike(every_parser(mail.calendar.encode()), expected)


def test_names_and_texts_are_escaped_text_that_every_parser_decodes_alike(
    app, client, world, every_parser
):
    name = "a, b; C:\\new"
    workshop_id = make_workshop(
        app, world, title=name, venue_name="Salle 1; bât. B, C:\\", description="1,2;3\\n"
    )
    body = client.get(f"/calendar/workshops/{workshop_id}.ics").data
    for parser, reading in every_parser(body).items():
        ((summary, place, description),) = reading.texts.values()
        assert summary == f"Atelier : {name}", parser
        assert place == "Salle 1; bât. B, C:\\", parser
        assert description.endswith("\n1,2;3\\n"), parser
        assert reading.name == name, parser
        if parser != "ical":  # ical keeps the X- properties it does not know undecoded
            assert reading.x_wr_calname == name, parser
    assert b"NAME;VALUE=TEXT:a\\, b\\; C:\\\\new\r\n" in body
    assert b"X-WR-CALNAME;VALUE=TEXT:a\\, b\\; C:\\\\new\r\n" in body


def test_x_wr_timezone_is_the_feeds_own_zone_or_absent(app, client, world):
    def zone_of(url: str) -> str | None:
        from icalendar import Calendar

        calendar = Calendar.from_ical(client.get(url).data)
        return str(calendar["X-WR-TIMEZONE"]) if "X-WR-TIMEZONE" in calendar else None

    saved(
        app,
        lambda: make_stop(
            tour_of(world), territory_of(world, "mayotte"), date(2019, 5, 14), "09:00", "11:00"
        ),
    )
    assert zone_of("/calendar/territories/mayotte.ics") == "Indian/Mayotte"
    assert zone_of("/calendar/territories/nantes.ics") == "Europe/Paris"
    assert zone_of(TOUR_FEED) is None  # Paris and Mayotte: no single zone of its own
