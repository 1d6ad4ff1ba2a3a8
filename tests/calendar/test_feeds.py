"""Calendar feeds that stay right in every client: content, identity, HTTP caching."""

import re
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy import event, select, update

from extensions import db
from models import (
    Challenge,
    FeedRevision,
    ParticipantRole,
    PrivateFeed,
    Speaker,
    StopStatus,
    Territory,
    Tour,
    TourStop,
)
from tests.factories import (
    add_challenge,
    add_round_table,
    add_speaker,
    add_stop_speaker,
    add_workshop,
    make_stop,
    make_workshop,
    register,
)
from tests.helpers import login, post_form, stop_form, utc

TOUR_FEED = "/calendar/tours/tournee-test.ics"


def parse(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def events(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["SUMMARY"]): e for e in parse(body).walk("VEVENT")}


def get_feed(client, url=TOUR_FEED, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response


@pytest.fixture
def programme(app, world):
    """The world's confirmed Nantes stop, with a speaker and a round table; a Mayotte stop;
    an open workshop."""
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        nantes = db.session.get(TourStop, world.nantes_stop_id)
        speaker = add_speaker(
            "Christophe Itier", title="Haut-Commissaire", email="secret@ministere.example"
        )
        add_stop_speaker(nantes, speaker)
        table = add_round_table(
            nantes,
            "Réemploi",
            utc(2019, 2, 25, 9, 30),
            utc(2019, 2, 25, 11),
            [(speaker, ParticipantRole.MODERATOR)],
            room="Salle 1",
        )
        mayotte = db.session.get(Territory, world.territory["mayotte"])
        make_stop(tour, mayotte, date(2019, 5, 14), "09:00", "11:00", venue_name="Mamoudzou")
        add_workshop(
            world,
            title="Mobilités partagées",
            challenge=("Mobilités", "mobilites"),
            host="roubaix",
            territories=("roubaix", "nantes"),
            starts_at=utc(2019, 6, 3, 12),
            ends_at=utc(2019, 6, 3, 15),
            venue_name="La Condition Publique",
            capacity=10,
        )
        db.session.commit()
        return {"speaker": speaker.id, "table": table.id}


def test_feed_reads_cleanly_in_three_independent_parsers(client, world, programme):
    body = get_feed(client).data
    calendar = parse(body)
    assert len(calendar.walk("VEVENT")) == 4  # 2 stops, 1 round table, 1 workshop (no draft)
    parsed = vobject.readOne(body.decode())
    assert len(parsed.vevent_list) == 4
    stream = IcsCalendarStream.calendar_from_ics(body.decode())
    assert len(stream.events) == 4
    assert {e.summary for e in stream.events} >= {
        "Table ronde : Réemploi",
        "Atelier : Mobilités partagées",
    }


def test_calendar_properties_and_every_tzid_has_its_vtimezone(client, world, programme):
    body = get_feed(client).data
    calendar = parse(body)
    for name in ("PRODID", "VERSION", "NAME", "X-WR-CALNAME", "DESCRIPTION"):
        assert name in calendar, name
    assert "X-WR-TIMEZONE" not in calendar  # Paris and Mayotte: test_clients.py
    assert calendar["METHOD"] == "PUBLISH"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert b"X-PUBLISHED-TTL:PT1H" in body
    tzids = {e["DTSTART"].params["TZID"] for e in calendar.walk("VEVENT")}
    tzids |= {e["DTEND"].params["TZID"] for e in calendar.walk("VEVENT")}
    assert tzids == {"Europe/Paris", "Indian/Mayotte"}
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == tzids
    paris = next(tz for tz in calendar.walk("VTIMEZONE") if tz["TZID"] == "Europe/Paris")
    assert all("RRULE" in observance for observance in paris.subcomponents)
    assert b"RDATE" not in body


def test_every_event_has_what_clients_need(client, world, programme):
    for summary, event_ in events(get_feed(client).data).items():
        for name in (
            "UID",
            "DTSTAMP",
            "DTSTART",
            "DTEND",
            "SUMMARY",
            "LOCATION",
            "URL",
            "DESCRIPTION",
            "CATEGORIES",
            "ORGANIZER",
            "STATUS",
            "SEQUENCE",
        ):
            assert name in event_, (summary, name)
        assert "ATTENDEE" not in event_
        assert event_.decoded("DTSTART").tzinfo is not None  # never floating
        assert event_.decoded("DTSTAMP").utcoffset() == timedelta(0)
    stop = events(get_feed(client).data)["Tournée French Impact – Nantes Métropole"]
    assert "Christophe Itier (discours, Haut-Commissaire)" in str(stop["DESCRIPTION"])
    assert "GEO" in stop


def test_mayotte_stop_is_in_indian_mayotte(client, world, programme):
    mayotte = events(get_feed(client).data)["Tournée French Impact – Mayotte"]
    assert mayotte["DTSTART"].params["TZID"] == "Indian/Mayotte"
    assert mayotte.decoded("DTSTART").astimezone(UTC) == utc(2019, 5, 14, 6)


def test_stop_across_the_31_march_2019_change_of_time_has_the_right_instants(app, client, world):
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        roubaix = db.session.get(Territory, world.territory["roubaix"])
        make_stop(tour, roubaix, date(2019, 3, 31), "01:00", "04:00")
        db.session.commit()
    night = events(get_feed(client).data)["Tournée French Impact – Roubaix"]
    assert night.decoded("DTSTART").astimezone(UTC) == utc(2019, 3, 31, 0)
    assert night.decoded("DTEND").astimezone(UTC) == utc(2019, 3, 31, 2)  # 04:00 CEST
    assert b"DTSTART;TZID=Europe/Paris:20190331T010000" in get_feed(client).data


def test_uids_are_stable_across_builds_and_edits_and_sequence_follows_time_not_text(
    app, client, world, programme
):
    def nantes():
        return events(get_feed(client).data)["Tournée French Impact – Nantes Métropole"]

    first, second = get_feed(client).data, get_feed(client).data
    assert first == second  # byte-identical when nothing changed
    before = nantes()
    login(client, world.nantes_organiser)
    url = f"/board/stops/{world.nantes_stop_id}/edit"
    post_form(
        client,
        url,
        stop_form(
            world.territory["nantes"],
            "2019-02-25",
            "10:00",
            "12:30",
            description="Nouveau texte",
            version=1,
        ),
    )
    described = nantes()
    assert described["UID"] == before["UID"]
    assert described["SEQUENCE"] == before["SEQUENCE"]
    assert "Nouveau texte" in str(described["DESCRIPTION"])
    post_form(
        client,
        url,
        stop_form(
            world.territory["nantes"],
            "2019-02-25",
            "14:00",
            "16:00",
            description="Nouveau texte",
            version=2,
        ),
    )
    moved = nantes()
    assert moved["UID"] == before["UID"]
    assert moved["SEQUENCE"] == before["SEQUENCE"] + 1
    assert moved.decoded("DTSTART").astimezone(UTC) == utc(2019, 2, 25, 13)


def test_cancelled_stop_stays_with_status_cancelled_and_a_prefix(app, client, world, programme):
    login(client, world.nantes_organiser)
    before = {str(e["UID"]): e for e in parse(get_feed(client).data).walk("VEVENT")}
    post_form(
        client,
        f"/board/stops/{world.nantes_stop_id}/status",
        {"status": "cancelled", "version": 1, "confirmation": "oui"},
    )
    after = {str(e["UID"]): e for e in parse(get_feed(client).data).walk("VEVENT")}
    assert after.keys() == before.keys()
    cancelled = [e for e in after.values() if e["STATUS"] == "CANCELLED"]
    assert {str(e["SUMMARY"]) for e in cancelled} == {
        "ANNULÉ – Tournée French Impact – Nantes Métropole",
        "ANNULÉ – Table ronde : Réemploi",
    }
    assert all(e["SEQUENCE"] == before[str(e["UID"])]["SEQUENCE"] + 1 for e in cancelled)


def test_drafts_never_in_public_feeds_but_in_the_organisers_private_feed(
    app, client, world, programme
):
    for url in (TOUR_FEED, "/calendar/territories/clermont.ics"):
        assert b"Lieu secret du brouillon" not in get_feed(client, url).data
    assert client.get(f"/calendar/stops/{world.clermont_draft_id}.ics").status_code == 404
    with app.app_context():
        from models import Role, User
        from services.calendar.private_feeds import organiser_feed_link

        admin = db.session.scalar(select(User).where(User.role == Role.ADMIN))
        token = organiser_feed_link(admin).token
        db.session.commit()
    response = client.get(f"/calendar/private/{token}.ics")
    assert response.headers["Cache-Control"].startswith("private")
    draft = events(response.data)["Tournée French Impact – Clermont-Ferrand"]
    assert draft["STATUS"] == "TENTATIVE"


def test_regenerated_private_token_kills_the_old_address(app, client, world):
    with app.app_context():
        from services.calendar.private_feeds import participant_feed_link, regenerate

        link = participant_feed_link("camille@example.org")
        db.session.commit()
        old = link.token
        regenerate(link)
        db.session.commit()
        new = link.token
    assert len(new) >= 43 and new != old
    assert client.get(f"/calendar/private/{old}.ics").status_code == 404
    assert client.get(f"/calendar/private/{new}.ics").status_code == 200


def test_lines_end_with_crlf_and_never_exceed_75_octets(client, world, programme):
    body = get_feed(client).data
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")
    assert b"\n" not in b"".join(lines)  # no bare LF anywhere
    assert max(len(line) for line in lines) <= 75


def test_etag_round_trip_answers_304_with_an_empty_body(app, client, world, programme):
    first = get_feed(client)
    assert first.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert first.headers["Content-Disposition"] == 'attachment; filename="tournee-test.ics"'
    assert "max-age=" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{40}"', etag)  # strong
    again = client.get(TOUR_FEED, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    since = client.get(TOUR_FEED, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    # A change anywhere in the plan gives a new ETag.
    with app.app_context():
        db.session.get(TourStop, world.nantes_stop_id).venue_name = "Solilab, Nantes"
        db.session.commit()
    changed = client.get(TOUR_FEED, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_download_name_folds_accents_instead_of_dropping_them(app, client, world):
    with app.app_context():
        speaker = Speaker(name="Hélène Dupré")
        db.session.add(speaker)
        db.session.commit()
        speaker_id = speaker.id
    response = get_feed(client, f"/calendar/speakers/{speaker_id}.ics")
    assert response.headers["Content-Disposition"] == 'attachment; filename="helene-dupre.ics"'


def test_feed_is_text_calendar_whatever_the_accept_header(client, world, programme):
    response = client.get(TOUR_FEED, headers={"Accept": "application/json"})
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"


def test_weak_or_star_if_none_match_answers_304_on_a_feed(client, world, programme):
    etag = get_feed(client).headers["ETag"]
    for tags in (f"W/{etag}", f'"other", W/{etag}', "*"):
        response = client.get(TOUR_FEED, headers={"If-None-Match": tags})
        assert response.status_code == 304, tags
        assert response.data == b""
        assert response.headers["ETag"] == etag


def test_if_none_match_wins_over_if_modified_since(client, world, programme):
    first = get_feed(client)
    response = client.get(
        TOUR_FEED,
        headers={"If-None-Match": '"other"', "If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert response.status_code == 200
    assert response.data == first.data


def test_if_modified_since_in_the_future_is_ignored(client, world, programme):
    first = get_feed(client)
    response = client.get(TOUR_FEED, headers={"If-Modified-Since": "Wed, 01 Jan 2100 00:00:00 GMT"})
    assert response.status_code == 200
    assert response.data == first.data


def test_if_modified_since_after_the_last_change_answers_304(app, client, world, programme):
    with app.app_context():  # the plan last changed in 2023, not at the fixture's commit
        db.session.execute(update(FeedRevision).values(changed_at=utc(2023, 5, 1, 12)))
        db.session.commit()
    first = get_feed(client)
    assert first.headers["Last-Modified"] == "Mon, 01 May 2023 12:00:00 GMT"
    for since in (first.headers["Last-Modified"], "Thu, 01 Jun 2023 00:00:00 GMT"):
        response = client.get(TOUR_FEED, headers={"If-Modified-Since": since})
        assert response.status_code == 304, since
    before = client.get(TOUR_FEED, headers={"If-Modified-Since": "Sat, 01 Apr 2023 00:00:00 GMT"})
    assert before.status_code == 200


def test_304_is_answered_without_building_the_calendar(app, client, world, programme):
    etag = get_feed(client).headers["ETag"]
    with count_queries(app) as queries:
        assert client.get(TOUR_FEED, headers={"If-None-Match": etag}).status_code == 304
    # the tour by its slug, then the one freshness query
    assert len(queries) == 2, queries


class count_queries:
    def __init__(self, app):
        self.app, self.statements = app, []

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self.statements

    def _count(self, _conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("PRAGMA", "SAVEPOINT", "RELEASE")):
            self.statements.append(statement)

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)


def _grow_tour(app, world, stops: int) -> None:
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        territories = db.session.scalars(select(Territory)).all()
        speaker = add_speaker("Intervenante")
        challenge = add_challenge(f"Défi {stops}", f"defi-{stops}")
        base = datetime(2019, 2, 1, 8, tzinfo=UTC)
        for number in range(stops):
            start = base + timedelta(hours=6 * number)
            stop = TourStop(
                tour=tour,
                territory=territories[number % len(territories)],
                starts_at=start,
                ends_at=start + timedelta(hours=3),
                status=StopStatus.CONFIRMED,
            )
            db.session.add(stop)
            add_stop_speaker(stop, speaker)
            add_round_table(
                stop,
                f"Table {number}",
                start,
                start + timedelta(hours=1),
                [(speaker, ParticipantRole.MODERATOR)],
                challenge=challenge,
            )
            add_workshop(
                world,
                title=f"Atelier {number}",
                challenge=challenge,
                facilitators=[speaker],
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                venue_name="Salle",
                capacity=5,
            )
        db.session.commit()


@pytest.mark.parametrize(
    "url",
    [
        TOUR_FEED,
        "/calendar/territories/nantes.ics",
        "/calendar/challenges/{challenge}.ics",
        "/calendar/speakers/{speaker}.ics",
    ],
)
def test_query_count_is_the_same_for_ten_and_a_thousand_items(app, client, world, url):
    def queries_for(size: int) -> tuple[int, int]:
        _grow_tour(app, world, size)
        with app.app_context():
            challenge = db.session.scalar(
                select(Challenge.slug).where(Challenge.slug == f"defi-{size}")
            )
            speaker = db.session.scalar(select(Speaker.id).order_by(Speaker.id.desc()))
        with count_queries(app) as queries:
            body = get_feed(client, url.format(challenge=challenge, speaker=speaker)).data
        return len(queries), len(parse(body).walk("VEVENT"))

    small_queries, small_events = queries_for(4)  # 4 stops, 4 round tables, 4 workshops
    large_queries, large_events = queries_for(334)
    assert small_events >= 4 and large_events >= 334
    assert large_queries == small_queries


def test_a_title_cannot_inject_a_property(app, client, world):
    with app.app_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        stop.venue_name = "Solilab\r\nATTENDEE:mailto:attacker@example.org"
        stop.description = "Ligne 1\r\nORGANIZER:mailto:x@example.org\x07"
        db.session.commit()
    body = get_feed(client).data
    assert b"\r\nATTENDEE" not in body
    assert b"\r\nORGANIZER:mailto:x@" not in body
    assert b"\x07" not in body
    (stop,) = parse(body).walk("VEVENT")
    assert "ATTENDEE" not in stop
    assert "attacker@example.org" in str(stop["LOCATION"])  # kept as harmless text


def test_speaker_email_never_in_public_feeds(client, world, programme):
    for url in (TOUR_FEED, f"/calendar/speakers/{programme['speaker']}.ics"):
        assert b"secret@ministere.example" not in get_feed(client, url).data


def test_narrower_feeds_hold_their_own_items(client, world, programme):
    territory = events(get_feed(client, "/calendar/territories/mayotte.ics").data)
    assert list(territory) == ["Tournée French Impact – Mayotte"]
    speaker = events(get_feed(client, f"/calendar/speakers/{programme['speaker']}.ics").data)
    assert set(speaker) == {"Tournée French Impact – Nantes Métropole", "Table ronde : Réemploi"}
    challenge = events(get_feed(client, "/calendar/challenges/mobilites.ics").data)
    assert list(challenge) == ["Atelier : Mobilités partagées"]
    single = events(get_feed(client, f"/calendar/round-tables/{programme['table']}.ics").data)
    assert list(single) == ["Table ronde : Réemploi"]


def test_unknown_feeds_answer_404(client, world):
    for url in (
        "/calendar/tours/nope.ics",
        "/calendar/territories/nope.ics",
        "/calendar/speakers/999.ics",
        "/calendar/private/" + "x" * 43 + ".ics",
        "/calendar/workshops/999.ics",
    ):
        assert client.get(url).status_code == 404, url


def test_participant_private_feed_shows_exactly_their_workshops(app, client, world):
    full = make_workshop(app, world, capacity=1)
    other_id = make_workshop(
        app,
        world,
        title="Autre atelier",
        host="roubaix",
        starts_at=datetime.now(UTC) + timedelta(days=20),
        ends_at=datetime.now(UTC) + timedelta(days=20, hours=2),
        venue_name="Salle",
        capacity=5,
    )
    register(app.test_client(), full, "someone@example.org")
    register(client, full, "camille@example.org")  # waitlisted
    register(app.test_client(), other_id, "stranger@example.org")
    with app.app_context():
        token = db.session.scalar(
            select(PrivateFeed.token).where(PrivateFeed.email == "camille@example.org")
        )
    mine = events(get_feed(client, f"/calendar/private/{token}.ics").data)
    assert list(mine) == ["Atelier : Filière du réemploi"]
    assert mine["Atelier : Filière du réemploi"]["STATUS"] == "TENTATIVE"
    before = mine["Atelier : Filière du réemploi"]["SEQUENCE"]
    # The confirmed person cancels: Camille is promoted, her feed says so with a new SEQUENCE.
    with app.test_request_context():
        from models import Registration
        from services.registration.registrations import cancel_registration

        someone = db.session.scalar(
            select(Registration).where(Registration.email == "someone@example.org")
        )
        cancel_registration(someone, datetime.now(UTC))
        db.session.commit()
    promoted = events(get_feed(client, f"/calendar/private/{token}.ics").data)[
        "Atelier : Filière du réemploi"
    ]
    assert promoted["STATUS"] == "CONFIRMED"
    assert promoted["SEQUENCE"] > before


def test_unchanged_feed_is_served_again_without_rebuilding_it(app, client, world, programme):
    first = get_feed(client).data
    with count_queries(app) as queries:
        again = get_feed(client).data
    assert again == first
    assert len(queries) == 2  # the tour, the revision: nothing loaded to rebuild it
    with app.app_context():
        db.session.get(TourStop, world.nantes_stop_id).venue_name = "Solilab, Nantes"
        db.session.commit()
    assert b"Solilab\\, Nantes" in get_feed(client).data
