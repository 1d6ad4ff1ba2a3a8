"""Feeds written directly and incrementally are byte for byte the full icalendar build,
on a large random tour and after random edits."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from extensions import db
from models import (
    Challenge,
    Organisation,
    ParticipantRole,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    StopStatus,
    Territory,
    Tour,
    TourStop,
    Workshop,
    WorkshopStatus,
)
from services.calendar import feeds, ical, vevents
from services.calendar.feed_items import FeedItem

# Text that exercises escaping and folding: commas, semicolons, backslashes, carets, line
# breaks, accents, a 4-byte character, long runs.
PIECES = [
    "Réemploi",
    "mobilité, partagée",
    "a;b",
    "C:\\dossier\\",
    "x^y",
    "ligne\nsuivante",
    "retour\r\nchariot",
    "é" * 40,
    "🚲",
    "Économie sociale et solidaire",
    "«guillemets»",
    "\\N",
    "",
]


def _text(rng: random.Random, longest: int = 12) -> str:
    return " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, longest))).strip() or "x"


def _instant(rng: random.Random) -> datetime:
    if rng.random() < 0.05:  # 02:30 on 27 October 2019 in Paris happens twice
        return datetime(2019, 10, 27, 0, 30, tzinfo=UTC)
    return datetime(2019, 1, 1, tzinfo=UTC) + timedelta(minutes=15 * rng.randint(0, 35000))


def _item(rng: random.Random) -> FeedItem:
    starts_at = _instant(rng)
    return FeedItem(
        uid=f"{rng.getrandbits(64):x}@tournee.example",
        sequence=rng.randint(0, 12),
        dtstamp=_instant(rng).replace(microsecond=rng.randint(0, 999999)),
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=rng.choice([30, 90, 600])),
        zone=rng.choice(["Europe/Paris", "Indian/Mayotte", "America/Cayenne"]),
        summary=_text(rng, 6),
        location=rng.choice(["", _text(rng)]),
        geo=rng.choice([None, (47.2, -1.55), (-12.78, 45.23), (45.0, 3.0833333333)]),
        url=f"https://tournee.example/stops/{rng.randint(1, 9999)}",
        description=_text(rng, 40),
        categories=tuple(_text(rng, 2) for _ in range(rng.randint(1, 3))),
        status=rng.choice(["CONFIRMED", "TENTATIVE", "CANCELLED"]),
    )


def test_each_vevent_is_what_icalendar_writes(app):
    rng = random.Random(15)
    with app.test_request_context():
        organizer = ical.organizer()
        line = feeds.organizer_line()
        for _ in range(600):
            item = _item(rng)
            expected = feeds.event_component(item, organizer).to_ical()
            assert vevents.vevent(item, line) == expected, item


def test_folding_never_splits_a_character_or_an_escape():
    for line in ["a" * 73 + "\\n" + "b" * 200, "é" * 100, "x" * 74 + "🚲" * 30, "^" * 160]:
        folded = vevents.fold(line)
        assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
        assert folded.replace("\r\n ", "") == line


# A random tour in the database -----------------------------------------------------------


def _random_tour(rng: random.Random, world, stops: int) -> None:
    tour = db.session.get(Tour, world.tour_id)
    territories = list(db.session.scalars(select(Territory)))
    speakers = [
        Speaker(name=_text(rng, 3), title=rng.choice(["", _text(rng, 3)])) for _ in range(30)
    ]
    challenges = [Challenge(name=_text(rng, 2), slug=f"defi-{n}") for n in range(6)]
    organisations = [
        Organisation(name=_text(rng, 3), territory=rng.choice(territories)) for _ in range(8)
    ]
    db.session.add_all(speakers + challenges + organisations)
    roles = list(ParticipantRole)
    for _ in range(stops):
        starts_at = _instant(rng)
        stop = TourStop(
            tour=tour,
            territory=rng.choice(territories),
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=rng.choice([2, 8])),
            venue_name=rng.choice(["", _text(rng, 3)]),
            address=rng.choice(["", _text(rng, 4)]),
            latitude=rng.choice([None, 43.3]),
            longitude=rng.choice([None, 5.4]),
            host_organisation=rng.choice([None, *organisations]),
            status=rng.choice(list(StopStatus)),
            description=rng.choice(["", _text(rng, 30)]),
        )
        for position, speaker in enumerate(rng.sample(speakers, rng.randint(0, 3))):
            stop.speakers.append(
                StopSpeaker(speaker=speaker, role=rng.choice(roles), position=position)
            )
        for n in range(rng.randint(0, 2)):
            table = RoundTable(
                title=_text(rng, 4),
                challenge=rng.choice([None, *challenges]),
                starts_at=starts_at + timedelta(minutes=30 + 97 * n),
                ends_at=starts_at + timedelta(minutes=90 + 97 * n),
                room=rng.choice(["", "Salle 1"]),
                description=rng.choice(["", _text(rng, 20)]),
            )
            for position, speaker in enumerate(rng.sample(speakers, rng.randint(0, 4))):
                table.participants.append(
                    RoundTableParticipant(
                        speaker=speaker, role=rng.choice(roles), position=position
                    )
                )
            stop.round_tables.append(table)
        db.session.add(stop)
    for _ in range(stops):
        starts_at = _instant(rng)
        db.session.add(
            Workshop(
                tour=tour,
                title=_text(rng, 4),
                description=rng.choice(["", _text(rng, 20)]),
                challenge=rng.choice(challenges),
                host_territory=rng.choice(territories),
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                venue_name=rng.choice(["", _text(rng, 2)]),
                address=rng.choice(["", _text(rng, 3)]),
                online_url=rng.choice(["", "https://visio.example/secret"]),
                capacity=rng.randint(0, 40),
                status=rng.choice(list(WorkshopStatus)),
                territories=rng.sample(territories, rng.randint(1, 4)),
                facilitators=rng.sample(speakers, rng.randint(0, 2)),
            )
        )
    db.session.commit()


def _random_edit(rng: random.Random) -> str:
    """One change of something feeds show, through the ORM as the services make it."""
    kind = rng.choice(
        ["stop", "table", "workshop", "speaker", "territory", "challenge", "listing", "drop"]
    )
    pick = lambda model: rng.choice(list(db.session.scalars(select(model))))  # noqa: E731
    if kind == "stop":
        stop = pick(TourStop)
        stop.description, stop.sequence = _text(rng, 10), stop.sequence + 1
        stop.starts_at -= timedelta(hours=1)
    elif kind == "table":
        pick(RoundTable).title = _text(rng, 3)
    elif kind == "workshop":
        workshop = pick(Workshop)
        workshop.status = rng.choice(list(WorkshopStatus))
        workshop.territories = rng.sample(list(db.session.scalars(select(Territory))), 2)
    elif kind == "speaker":
        pick(Speaker).name = _text(rng, 2)
    elif kind == "territory":
        pick(Territory).name = _text(rng, 2)
    elif kind == "challenge":
        pick(Challenge).name = _text(rng, 2)
    elif kind == "listing":
        table = pick(RoundTable)
        table.participants.append(
            RoundTableParticipant(speaker=pick(Speaker), role=ParticipantRole.PANELIST, position=9)
        )
    else:
        db.session.delete(pick(RoundTable))
    db.session.commit()
    return kind


def _reference(tour_id: int) -> bytes:
    """The full build: objects loaded through the ORM, components built by icalendar."""
    tour = db.session.get(Tour, tour_id)
    feed = feeds.tour_feed(tour)
    feed.items = feeds.orm_programme_items(
        TourStop.tour_id == tour.id, Workshop.tour_id == tour.id, include_drafts=False
    )
    return feeds.render_with_icalendar(feed)


def _incremental(tour_id: int) -> bytes:
    return feeds.render(feeds.tour_feed(db.session.get(Tour, tour_id)))


@pytest.fixture
def fragments():
    feeds.fragments.clear()
    yield feeds.fragments
    feeds.fragments.clear()


def test_a_large_random_tour_and_its_edits_give_the_full_builds_bytes(
    app, client, world, fragments
):
    rng = random.Random(2019)
    with app.test_request_context():
        _random_tour(rng, world, stops=110)  # about 390 items
        tour_id = world.tour_id
        # Column queries give the very items the objects give.
        tour = db.session.get(Tour, tour_id)
        filters = (TourStop.tour_id == tour.id, Workshop.tour_id == tour.id)
        lean = feeds._programme_items(*filters, include_drafts=True)
        loaded = feeds.orm_programme_items(*filters, include_drafts=True)
        assert sorted(lean, key=lambda i: i.uid) == sorted(loaded, key=lambda i: i.uid)
        assert len(lean) > 300
        first = _incremental(tour_id)
        assert first == _reference(tour_id)
        assert len(fragments) == first.count(b"BEGIN:VEVENT") > 200
        assert first.count(b"BEGIN:VTIMEZONE") == 2  # Paris and Mayotte
        for _ in range(12):
            kind = _random_edit(rng)
            db.session.expire_all()
            assert _incremental(tour_id) == _reference(tour_id), kind
    # And over HTTP, the feed subscribers get.
    with app.test_request_context():
        expected = _reference(tour_id)
    assert client.get(f"/calendar/tours/{world.tour_slug}.ics").data == expected


def test_after_one_change_only_that_item_is_written_again(app, world, fragments):
    rng = random.Random(7)
    with app.test_request_context():
        _random_tour(rng, world, stops=40)
        _incremental(world.tour_id)
        kept = len(fragments)
        stop = db.session.scalars(
            select(TourStop).where(TourStop.status != StopStatus.DRAFT).limit(1)
        ).one()
        stop.description = "Une nouvelle description"
        db.session.commit()
        _incremental(world.tour_id)
        assert len(fragments) == kept + 1  # the stop's VEVENT; its round tables are kept
        # A speaker's new name reaches every item that lists them, though only the speaker's
        # row changed.
        listed = db.session.scalars(select(StopSpeaker.speaker_id).limit(1)).one()
        db.session.get(Speaker, listed).name = "Nom tout neuf"
        db.session.commit()
        assert b"Nom tout neuf" in _incremental(world.tour_id)
        assert len(fragments) > kept + 1


def test_the_shareable_key_names_every_value_shown(app):
    rng = random.Random(3)
    item = _item(rng)
    line = "ORGANIZER;CN=Tournée:mailto:tournee@example.org"
    key = vevents.fragment_key(item, line)
    assert key == vevents.fragment_key(FeedItem(**vars(item)), line)
    for field, value in [("description", "autre"), ("sequence", 99), ("geo", (1.0, 2.0))]:
        changed = FeedItem(**{**vars(item), field: value})
        assert vevents.fragment_key(changed, line) != key, field
    assert vevents.fragment_key(item, line + "x") != key
