"""Calendar feed throughput under gunicorn (a measurement tool, not part of the test suite).

For each size (2,000 and 20,000 items by default): a fresh scratch database, migrated; a
synthetic tour whose stops, round tables and workshops make that many calendar items; the app
served by gunicorn on loopback. Then, for a few seconds each, client threads of the standard
library ask for the full tour feed, for the same feed with If-None-Match (304), and for
/healthz, and the requests per second of each are printed, with the ratios to /healthz.

    .venv/bin/python bench/feeds.py [--sizes 2000,20000] [--seconds 5] [--workers 2]
                                    [--concurrency 4] [--database postgresql://…/fit_bench]

Nothing is asserted about timings: the numbers depend on the machine.
"""

# ruff: noqa: E402 — the project's modules are importable once its root is on sys.path.

import argparse
import contextlib
import http.client
import logging
import math
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text, update
from sqlalchemy.exc import SQLAlchemyError

import config
from app import create_app
from bench.load import BenchError, Result, hammer
from extensions import db
from models import (
    Challenge,
    FeedRevision,
    Organisation,
    ParticipantRole,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    StopStatus,
    Territory,
    TerritoryKind,
    Tour,
    TourStop,
    Workshop,
    WorkshopStatus,
    utc_now,
    workshop_facilitators,
    workshop_territories,
)
from models.types import new_calendar_uid
from services.demo import data as demo_data
from tests import live_gunicorn
from tests.live_gunicorn import HOST, Server

SECRET_KEY = "feed-benchmark-secret-not-for-production"
TOUR_SLUG = "tournee-bench"
WARM_UP_SECONDS = 1.0
HTTP_TIMEOUT = 300  # seconds: a 20,000-item feed on a slow machine may take a while
STARTUP_TIMEOUT = 60  # seconds for gunicorn to answer /healthz
WORKER_TIMEOUT = 300  # gunicorn's --timeout, so that a slow full feed is measured, not killed
SPEAKERS = 120


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# Scratch databases ---------------------------------------------------------------------


@contextlib.contextmanager
def scratch_database(database: str | None, size: int, scratch_dir: Path) -> Iterator[str]:
    """A new empty database for one size, removed afterwards."""
    if database is None:
        path = scratch_dir / f"feeds-bench-{size}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    url = config.normalise_database_url(database)
    name = make_url(url).database or ""
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield url
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def checked_database_option(database: str | None) -> str | None:
    if database is None:
        return None
    if not database.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        raise ValueError("--database takes a postgresql:// URL (SQLite is the default)")
    name = make_url(config.normalise_database_url(database)).database or ""
    if "bench" not in name or '"' in name:
        raise ValueError(
            f"--database names the database {name!r}: the benchmark drops and re-creates it, "
            "so its name must contain 'bench'."
        )
    return database


def migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's "Running upgrade …" lines
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        db.engine.dispose()


# The synthetic tour --------------------------------------------------------------------

FIRST_NAMES = ["Camille", "Dominique", "Élise", "Karim", "Léa", "Mathieu", "Nadia", "Sébastien"]
LAST_NAMES = ["Benali", "Dubois", "Fontaine", "Garnier", "Lefèvre", "Moreau", "Nguyen", "Roux"]
TITLES = [
    "Directrice d’une coopérative d’insertion",
    "Chargé de mission innovation sociale",
    "Présidente de la CRESS",
    "Fondateur d’une ressourcerie",
    "",
]
ROOMS = ["Grande salle", "Salle Simone Veil", "Atelier 2", "Auditorium", ""]
STREETS = ["rue de la République", "boulevard Jean Jaurès", "quai des Chartrons", "place du Marché"]
STOP_TEXT = (
    "Visite des initiatives du collectif, rencontre avec les porteurs de projets du territoire "
    "et signature de la charte French Impact ; déjeuner partagé avec les partenaires, élus et "
    "entreprises engagées. Accès : tram ligne 1, arrêt « Centre », parking vélos sur place."
)
TABLE_TEXT = (
    "Échanges entre acteurs de l’économie sociale et solidaire, collectivités et "
    "entreprises : freins rencontrés, financements, essaimage des solutions qui marchent."
)
WORKSHOP_TEXT = (
    "Atelier inter-territoires : chaque territoire présente son expérience en dix minutes, "
    "puis travail en petits groupes sur les conditions de réussite et un plan d’action commun."
)


@dataclass(frozen=True)
class Counts:
    stops: int
    round_tables: int
    workshops: int

    @classmethod
    def split(cls, items: int) -> "Counts":
        """About a third each; every stop has at most one round table more than another."""
        third = items // 3
        return cls(stops=items - 2 * third, round_tables=third, workshops=third)

    @property
    def items(self) -> int:
        return self.stops + self.round_tables + self.workshops


def _address(number: int, territory: Territory) -> str:
    return f"{number % 120 + 1} {STREETS[number % len(STREETS)]}\n{territory.name}"


def _reference_data() -> tuple[Tour, list[Challenge], list[Territory], list[Speaker]]:
    """The tour, the challenges, the territories with two organisations each, the speakers:
    through the ORM, committed."""
    challenges = [Challenge(name=name, slug=slug) for slug, name in demo_data.CHALLENGES.items()]
    territories = []
    for entry in demo_data.TERRITORIES:
        latitude, longitude = entry["position"] or (None, None)
        territory = Territory(
            name=entry["name"],
            slug=entry["slug"],
            kind=TerritoryKind(entry["kind"]) if entry["kind"] else None,
            region=entry["region"],
            timezone=entry.get("timezone", "Europe/Paris"),
            latitude=latitude,
            longitude=longitude,
        )
        territory.organisations = [
            Organisation(name=f"Collectif French Impact {entry['name']}", position=0),
            Organisation(name=f"Maison de l’ESS {entry['name']}", position=1),
        ]
        territories.append(territory)
    speakers = [
        Speaker(
            name=f"{FIRST_NAMES[n % len(FIRST_NAMES)]} "
            f"{LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)]} {n // 64 + 1}",
            title=TITLES[n % len(TITLES)],
            organisation=f"Structure {n}",
            email=f"intervenant{n}@example.org",
        )
        for n in range(SPEAKERS)
    ]
    tour = Tour(
        title="Tournée de mesure",
        slug=TOUR_SLUG,
        description="Tournée synthétique pour mesurer les flux de calendrier.",
        start_date=date(2019, 2, 1),
        end_date=date(2031, 12, 31),
    )
    db.session.add_all([tour, *challenges, *territories, *speakers])
    db.session.commit()  # the ORM's before_flush hook creates the feed revision row
    return tour, challenges, territories, speakers


BASE = datetime(2019, 2, 1, 8, tzinfo=UTC)


def _stop_rows(
    count: int, tour: Tour, territories: list[Territory], speakers: list[Speaker], now: datetime
) -> tuple[list[dict], list[dict]]:
    """The stops, each with the same keynote speaker and a host."""
    stops, stop_speakers = [], []
    for number in range(count):
        territory = territories[number % len(territories)]
        start = BASE + timedelta(hours=6 * number)
        positioned = territory.latitude is not None and number % 2
        stops.append(
            {
                "id": number + 1,
                "tour_id": tour.id,
                "territory_id": territory.id,
                "starts_at": start,
                "ends_at": start + timedelta(hours=5),
                "venue_name": f"Tiers-lieu {number}",
                "address": _address(number, territory),
                "latitude": territory.latitude + 0.01 if positioned else None,
                "longitude": territory.longitude + 0.01 if positioned else None,
                "host_organisation_id": territory.organisations[number % 2].id,
                "status": StopStatus.CANCELLED if number % 40 == 39 else StopStatus.CONFIRMED,
                "description": STOP_TEXT,
                "uid": new_calendar_uid(),
                "sequence": number % 3,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        for position, (speaker, role) in enumerate(
            [
                (speakers[0], ParticipantRole.KEYNOTE),
                (speakers[1 + number % (SPEAKERS - 1)], ParticipantRole.HOST),
            ]
        ):
            stop_speakers.append(
                {
                    "id": len(stop_speakers) + 1,
                    "stop_id": number + 1,
                    "speaker_id": speaker.id,
                    "role": role,
                    "position": position,
                }
            )
    return stops, stop_speakers


def _round_table_rows(
    count: int,
    stops: list[dict],
    challenges: list[Challenge],
    speakers: list[Speaker],
    now: datetime,
) -> tuple[list[dict], list[dict]]:
    """Round tables spread over the stops, each with a moderator and two panelists."""
    tables, participants = [], []
    for number in range(count):
        stop = stops[number % len(stops)]
        challenge = challenges[number % len(challenges)]
        start = stop["starts_at"] + timedelta(hours=1 + number // len(stops))
        tables.append(
            {
                "id": number + 1,
                "stop_id": stop["id"],
                "title": f"{challenge.name} : que faire ensemble ? ({number + 1})",
                "challenge_id": challenge.id,
                "starts_at": start,
                "ends_at": start + timedelta(minutes=90),
                "room": ROOMS[number % len(ROOMS)],
                "description": TABLE_TEXT,
                "uid": new_calendar_uid(),
                "sequence": 0,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        roles = [ParticipantRole.MODERATOR, ParticipantRole.PANELIST, ParticipantRole.PANELIST]
        for position, role in enumerate(roles):
            participants.append(
                {
                    "id": len(participants) + 1,
                    "round_table_id": number + 1,
                    "speaker_id": speakers[(3 * number + position) % SPEAKERS].id,
                    "role": role,
                    "position": position,
                }
            )
    return tables, participants


def _workshop_rows(
    count: int,
    tour: Tour,
    challenges: list[Challenge],
    territories: list[Territory],
    speakers: list[Speaker],
    now: datetime,
) -> tuple[list[dict], list[dict], list[dict]]:
    """Workshops of three territories and two facilitators each."""
    workshops, taking_part, facilitating = [], [], []
    for number in range(count):
        host = territories[number % len(territories)]
        others = [territories[(number + k) % len(territories)] for k in (0, 3, 7)]
        start = BASE + timedelta(hours=6 * number + 3)
        workshops.append(
            {
                "id": number + 1,
                "tour_id": tour.id,
                "title": f"Atelier {number + 1} : essaimer les solutions",
                "description": WORKSHOP_TEXT,
                "challenge_id": challenges[number % len(challenges)].id,
                "host_territory_id": host.id,
                "stop_id": None,
                "starts_at": start,
                "ends_at": start + timedelta(hours=3),
                "venue_name": f"Maison de l’ESS {host.name}",
                "address": _address(number, host),
                "online_url": "https://visio.example/atelier" if number % 4 == 0 else "",
                "capacity": 30,
                "status": (WorkshopStatus.CANCELLED if number % 50 == 49 else WorkshopStatus.OPEN),
                "uid": new_calendar_uid(),
                "sequence": 0,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        taking_part += [{"workshop_id": number + 1, "territory_id": t.id} for t in others]
        facilitating += [
            {"workshop_id": number + 1, "speaker_id": speakers[(number + k) % SPEAKERS].id}
            for k in (5, 11)
        ]
    return workshops, taking_part, facilitating


def _bulk_insert(tables: list[tuple]) -> None:
    """Core inserts, in the order given (a table or a model's table, and its rows)."""
    for table, rows in tables:
        if rows:
            db.session.execute(table.insert(), rows)


def _move_id_sequences() -> None:
    """The ids were chosen here: PostgreSQL's sequences must start after them."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (TourStop, StopSpeaker, RoundTable, RoundTableParticipant, Workshop):
        name = model.__tablename__
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"
            )
        )


def build_tour(url: str, items: int) -> Counts:
    """Territories, challenges and speakers through the ORM; then the items as Core bulk
    inserts with ids chosen here (the tables are empty), so 20,000 items take seconds."""
    counts = Counts.split(items)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        tour, challenges, territories, speakers = _reference_data()
        now = utc_now()
        stops, stop_speakers = _stop_rows(counts.stops, tour, territories, speakers, now)
        tables, participants = _round_table_rows(
            counts.round_tables, stops, challenges, speakers, now
        )
        workshops, taking_part, facilitating = _workshop_rows(
            counts.workshops, tour, challenges, territories, speakers, now
        )
        _bulk_insert(
            [
                (TourStop.__table__, stops),
                (StopSpeaker.__table__, stop_speakers),
                (RoundTable.__table__, tables),
                (RoundTableParticipant.__table__, participants),
                (Workshop.__table__, workshops),
                (workshop_territories, taking_part),
                (workshop_facilitators, facilitating),
            ]
        )
        # Core inserts bypass the ORM hook: bump the revision as a change would.
        db.session.execute(
            update(FeedRevision)
            .where(FeedRevision.id == 1)
            .values(revision=FeedRevision.revision + 1, changed_at=utc_now())
        )
        _move_id_sequences()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return counts


# gunicorn ------------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(url: str, workers: int, log: Path) -> Iterator[Server]:
    try:
        with live_gunicorn.gunicorn(
            url, workers, log, worker_timeout=WORKER_TIMEOUT, SECRET_KEY=SECRET_KEY
        ) as server:
            yield server
    except live_gunicorn.GunicornFailed as failure:
        raise BenchError(str(failure)) from failure


# Load ----------------------------------------------------------------------------------


@dataclass
class FullFeed:
    body_bytes: int
    events: int
    etag: str
    seconds: float  # one request alone, cold


def first_full_feed(port: int, path: str, expected_events: int) -> FullFeed:
    connection = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
    try:
        began = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - began
    finally:
        connection.close()
    if response.status != 200:
        raise BenchError(f"GET {path} answered {response.status}: {body[:500]!r}")
    if not (body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")):
        raise BenchError(f"GET {path} did not answer a VCALENDAR: {body[:200]!r}")
    etag = response.getheader("ETag")
    if not etag:
        raise BenchError(f"GET {path} answered without an ETag")
    events = body.count(b"\r\nBEGIN:VEVENT\r\n")
    if events != expected_events:
        raise BenchError(f"GET {path} holds {events} VEVENTs, expected {expected_events}")
    return FullFeed(len(body), events, etag, elapsed)


def healthz_length(port: int) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise BenchError(f"GET /healthz answered {response.status}: {body[:500]!r}")
    return len(body)


@dataclass
class Row:
    items: int
    feed: FullFeed
    full: Result
    not_modified: Result
    healthz: Result

    @property
    def results(self) -> list[Result]:
        return [self.full, self.not_modified, self.healthz]


def measure(server: Server, items: int, options: argparse.Namespace) -> Row:
    path = f"/calendar/tours/{TOUR_SLUG}.ics"
    feed = first_full_feed(server.port, path, items)
    progress(
        f"  full feed: {feed.body_bytes:,} bytes, {feed.events:,} VEVENTs, "
        f"first request alone {feed.seconds * 1000:.0f} ms"
    )
    targets = {
        "full": (path, {}, 200, feed.body_bytes),
        "304": (path, {"If-None-Match": feed.etag}, 304, 0),
        "healthz": ("/healthz", {}, 200, healthz_length(server.port)),
    }
    results = {}
    for name, (url, headers, status, length) in targets.items():
        hammer(
            server.port,
            url,
            headers,
            status,
            length,
            WARM_UP_SECONDS,
            options.concurrency,
            HTTP_TIMEOUT,
        )
        result = hammer(
            server.port, url, headers, status, length, options.seconds, options.concurrency
        )
        progress(
            f"  {name}: {result.requests:,} requests in {result.seconds:.2f} s = "
            f"{_figures(result.per_second)} req/s"
        )
        results[name] = result
    return Row(items, feed, results["full"], results["304"], results["healthz"])


# In-process builds -------------------------------------------------------------------


@dataclass
class BuildRow:
    items: int
    cold_ms: float  # full build, no fragment kept: queries, items, every VEVENT written
    cold_gc_off_ms: float  # the same with the cyclic garbage collector disabled
    reference_ms: float  # the previous path: ORM objects, icalendar components, to_ical()
    sql_ms: float  # the same SQL statements alone, rows fetched
    join_ms: float  # joining the feed's parts into one bytes object
    rebuild_ms: float  # after one item changed: only its VEVENT written again
    breakdown: dict[str, float]  # ms: SQL, items from rows, VEVENTs written, header+join


def _median_ms(function, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return times[len(times) // 2]


def in_process(url: str, items: int, runs: int) -> BuildRow:  # noqa: C901 — one recipe
    """Times of one build in this process (the gunicorn workers do the same work)."""
    import gc

    from sqlalchemy import event, select

    from services.calendar import feed_rows, feeds, vevents

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    with app.test_request_context():
        tour = db.session.scalars(select(Tour).where(Tour.slug == TOUR_SLUG)).one()
        tour_id = tour.id

        def build() -> bytes:
            db.session.expire_all()
            return feeds.render(feeds.tour_feed(db.session.get(Tour, tour_id)))

        def cold() -> bytes:
            feeds.fragments.clear()  # type: ignore[attr-defined]
            return build()

        statements: list[tuple[str, object]] = []

        def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
            statements.append((statement, parameters))

        cold()  # warm-up: url_for, zone data, VTIMEZONEs
        event.listen(db.engine, "before_cursor_execute", record)
        cold()
        event.remove(db.engine, "before_cursor_execute", record)
        programme = [(s, p) for s, p in statements if "tour_stops" in s or "workshop" in s]

        def sql_alone() -> None:
            connection = db.session.connection()
            for statement, parameters in programme:
                connection.exec_driver_sql(statement, parameters).fetchall()  # type: ignore[arg-type]

        cold_ms = _median_ms(cold, runs)
        gc.disable()
        try:
            cold_gc_off_ms = _median_ms(cold, runs)
        finally:
            gc.enable()

        def reference() -> bytes:
            db.session.expire_all()
            feed = feeds.tour_feed(db.session.get(Tour, tour_id))
            feed.items = feeds.orm_programme_items(
                TourStop.tour_id == tour_id, Workshop.tour_id == tour_id, include_drafts=False
            )
            return feeds.render_with_icalendar(feed)

        # The previous path takes over a minute at 20,000 items on a shared machine: it is
        # timed (and its bytes compared) up to 5,000 items.
        reference_ms = math.nan
        if items <= 5000:
            reference_ms = _median_ms(reference, runs)
            if reference() != cold():
                raise BenchError("the incremental feed differs from the icalendar build")
        sql_ms = _median_ms(sql_alone, runs)
        build()
        parts = vevents.vevents(
            feeds._in_order(feeds.tour_feed(tour)),
            feeds.organizer_line(),
            feeds.fragments,
        )
        join_ms = _median_ms(lambda: b"".join(parts), runs)

        # Breakdown of a cold build.
        began = time.perf_counter()
        feed_items = feed_rows.programme_items(
            TourStop.tour_id == tour_id,
            Workshop.tour_id == tour_id,
            [StopStatus.CONFIRMED, StopStatus.CANCELLED],
            [WorkshopStatus.OPEN, WorkshopStatus.CANCELLED],
        )
        rows_ms = (time.perf_counter() - began) * 1000 - sql_ms
        line = feeds.organizer_line()
        began = time.perf_counter()
        for item in feed_items:
            vevents.vevent(item, line)
        write_ms = (time.perf_counter() - began) * 1000

        # One change: a workshop's description, as an organiser's edit through the ORM (a
        # stop's would also change its round tables' DTSTAMP, hence their VEVENTs).
        rebuilds = []
        for n in range(runs):
            workshop = db.session.scalars(
                select(Workshop).where(Workshop.tour_id == tour_id).limit(1)
            ).one()
            workshop.description = f"Description modifiée {n}"
            db.session.commit()
            build()
            kept = len(feeds.fragments)  # type: ignore[arg-type]
            workshop.description = f"Description modifiée encore {n}"
            db.session.commit()
            began = time.perf_counter()
            build()
            rebuilds.append((time.perf_counter() - began) * 1000)
            if len(feeds.fragments) != kept + 1:  # type: ignore[arg-type]
                raise BenchError("a change of one item wrote more than one VEVENT again")
        rebuilds.sort()
        db.session.remove()
        db.engine.dispose()
    return BuildRow(
        items=items,
        cold_ms=cold_ms,
        cold_gc_off_ms=cold_gc_off_ms,
        reference_ms=reference_ms,
        sql_ms=sql_ms,
        join_ms=join_ms,
        rebuild_ms=rebuilds[len(rebuilds) // 2],
        breakdown={
            "SQL": sql_ms,
            "items from rows": rows_ms,
            "VEVENTs written": write_ms,
            "join": join_ms,
        },
    )


def build_table(rows: list[BuildRow]) -> str:
    lines = [
        "  items   cold ms  (gc off)  previous ms  SQL ms  join ms  cold/(SQL+join)"
        "  rebuild-1 ms  rebuild/(SQL+join)"
    ]
    for row in rows:
        floor = row.sql_ms + row.join_ms
        lines.append(
            f"{row.items:7d}  {row.cold_ms:8.1f}  {row.cold_gc_off_ms:8.1f}  "
            f"{row.reference_ms:11.0f}  {row.sql_ms:6.1f}  {row.join_ms:7.2f}  "
            f"{row.cold_ms / floor:15.2f}  {row.rebuild_ms:12.1f}  {row.rebuild_ms / floor:18.2f}"
        )
    for row in rows:
        parts = ", ".join(f"{name} {ms:.1f} ms" for name, ms in row.breakdown.items())
        lines.append(f"  {row.items} items, a cold build: {parts}")
    return "\n".join(lines)


def targets(builds: list[BuildRow], rows: list[Row]) -> str:
    lines = ["Targets (issue 15), measured in this run:"]
    for build in builds:
        floor = build.sql_ms + build.join_ms
        if build.items == 2000:
            lines.append(
                f"  cold full build at 2,000 items ≤ ~110 ms: {build.cold_ms:.0f} ms "
                f"({build.cold_ms / floor:.1f}× its SQL + join, "
                f"{build.reference_ms / build.cold_ms:.1f}× faster than the previous path) "
                + ("MET" if build.cold_ms <= 110 else "MISSED")
            )
        if build.items == 20000:
            ratio = build.rebuild_ms / floor
            lines.append(
                f"  rebuild after one change at 20,000 items ≤ 3× SQL + join: "
                f"{build.rebuild_ms:.0f} ms = {ratio:.2f}× ({floor:.0f} ms) "
                + ("MET" if ratio <= 3 else "MISSED")
            )
    for row in rows:
        ratio = row.not_modified.per_second / row.healthz.per_second
        lines.append(
            f"  304 ≥ 0.8× /healthz ({row.items} items): {row.not_modified.per_second:.0f} "
            f"against {row.healthz.per_second:.0f} req/s = {ratio:.2f}× "
            + ("MET" if ratio >= 0.8 else "MISSED")
        )
    return "\n".join(lines)


# Report --------------------------------------------------------------------------------

COLUMNS = [
    ("items", 7),
    ("events", 7),
    ("bytes", 11),
    ("full req/s", 11),
    ("304 req/s", 10),
    ("healthz req/s", 14),
    ("full/healthz", 13),
    ("304/healthz", 12),
]


def _figures(value: float) -> str:
    """At least three significant figures, never in scientific notation: 0.000123, 1.42,
    871, 1382."""
    if value <= 0:
        return "0"
    if value >= 100:
        return f"{value:.0f}"
    value = float(f"{value:.3g}")  # rounded first: 99.96 is 100, not 100.0
    return f"{value:.{max(0, 2 - math.floor(math.log10(value)))}f}"


def _ratio(value: float, reference: float) -> str:
    return _figures(value / reference) if reference else "n/a"


def table(rows: list[Row]) -> str:
    lines = ["  ".join(title.rjust(width) for title, width in COLUMNS)]
    for row in rows:
        healthz = row.healthz.per_second
        cells = [
            f"{row.items}",
            f"{row.feed.events}",
            f"{row.feed.body_bytes}",
            _figures(row.full.per_second),
            _figures(row.not_modified.per_second),
            _figures(healthz),
            _ratio(row.full.per_second, healthz),
            _ratio(row.not_modified.per_second, healthz),
        ]
        lines.append(
            "  ".join(cell.rjust(width) for cell, (_, width) in zip(cells, COLUMNS, strict=True))
        )
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Requests/second of the tour calendar feed (full and 304) against /healthz, "
        "under gunicorn on loopback, for synthetic tours of several sizes."
    )
    parser.add_argument(
        "--sizes", default="2000,20000", help="items per tour, comma-separated [2000,20000]"
    )
    parser.add_argument("--seconds", type=float, default=5, help="duration of each measurement [5]")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers [2]")
    parser.add_argument(
        "--concurrency", type=int, default=4, help="client threads, one connection each [4]"
    )
    parser.add_argument(
        "--database",
        help="a postgresql:// URL whose database name contains 'bench' (dropped and created "
        "for each size, dropped at the end); default: a scratch SQLite file in a temp dir",
    )
    parser.add_argument("--runs", type=int, default=5, help="in-process builds timed [5]")
    parser.add_argument(
        "--in-process-only", action="store_true", help="skip the gunicorn measurements"
    )
    options = parser.parse_args(argv)
    try:
        options.sizes = [int(size) for size in options.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, e.g. 2000,20000")
    if not options.sizes or min(options.sizes) < 3:
        parser.error("every size must be at least 3 (a stop, a round table, a workshop)")
    if options.seconds <= 0 or options.workers < 1 or options.concurrency < 1:
        parser.error("--seconds, --workers and --concurrency must be positive")
    try:
        options.database = checked_database_option(options.database)
    except ValueError as error:
        parser.error(str(error))
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    os.environ["SECRET_KEY"] = SECRET_KEY  # create_app() here must not write instance/secret_key
    kind = "PostgreSQL" if options.database else "SQLite"
    progress(
        f"feeds benchmark: {kind}, gunicorn {options.workers} sync worker(s), "
        f"{options.concurrency} client thread(s), {options.seconds:g} s per measurement, "
        f"{os.cpu_count()} CPU(s), Python {platform.python_version()}"
    )
    scratch_dir = Path(tempfile.mkdtemp(prefix="feeds-bench-"))
    rows: list[Row] = []
    builds: list[BuildRow] = []
    try:
        for size in options.sizes:
            progress(f"{size:,} items:")
            with scratch_database(options.database, size, scratch_dir) as url:
                began = time.perf_counter()
                migrate(url)
                counts = build_tour(url, size)
                build_seconds = time.perf_counter() - began
                progress(
                    f"  built {counts.stops:,} stops, {counts.round_tables:,} round tables, "
                    f"{counts.workshops:,} workshops in {build_seconds:.1f} s"
                )
                progress("  in-process builds…")
                builds.append(in_process(url, counts.items, options.runs))
                progress(
                    f"  cold {builds[-1].cold_ms:.0f} ms, rebuild after one change "
                    f"{builds[-1].rebuild_ms:.0f} ms"
                )
                if options.in_process_only:
                    continue
                log = scratch_dir / f"gunicorn-{size}.log"
                with gunicorn(url, options.workers, log) as server:
                    try:
                        row = measure(server, counts.items, options)
                    except BenchError as error:
                        raise BenchError(
                            f"{error}\n--- gunicorn log ---\n{server.log_tail()}"
                        ) from None
                rows.append(row)
    except (BenchError, OSError, SQLAlchemyError) as error:
        progress(f"feeds benchmark failed: {error}")
        return 1
    finally:
        shutil.rmtree(scratch_dir, ignore_errors=True)
    print()
    print(
        f"Tour feed vs /healthz — {kind}, gunicorn --workers {options.workers}, "
        f"{options.concurrency} client threads, {options.seconds:g} s each"
    )
    print(table(rows))
    print()
    print(f"Tour feed builds in-process — {kind}, median of {options.runs}")
    print(build_table(builds))
    print()
    print(targets(builds, rows))
    answered = sum(result.requests for row in rows for result in row.results)
    closed = sum(result.closed_by_server for row in rows for result in row.results)
    if closed == answered:
        print(
            "(gunicorn's sync workers close the connection after every response: every request "
            "opened a new loopback connection)"
        )
    elif closed:
        print(f"(the server closed the connection after {closed} of {answered} responses)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
