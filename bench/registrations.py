"""Registration throughput under gunicorn against a trivial CSRF-checked POST, and how long
the workshop's lock is held (a measurement tool, not part of the test suite).

    .venv/bin/python bench/registrations.py [--seconds 5] [--workers 4] [--concurrency 4]
                                            [--database postgresql://…/fit_bench]

For the database (a scratch SQLite file by default): migrations, one tour, one open
workshop with room for everyone (every registration is confirmed and its mail carries the
iTIP invitation, the costliest case). Then:

1. gunicorn serves the app; client threads (one keep-alive connection and one session
   each, the CSRF token read from the workshop's page) POST registrations with new
   addresses for --seconds (every answer must be the 302 to the registration's page), then
   POST /langue (the language switch: CSRF check, a session write, a redirect) for as long.
   It prints both rates and their ratio;
2. in this process, --registrations registrations through the app's test client, and the
   lock's hold time each recorded (services.registration.registrations.lock_hold_seconds:
   from the locking UPDATE to the commit): median and 95th percentile.

Nothing is asserted about timings: the numbers depend on the machine.
"""

# ruff: noqa: E402 — the project's modules are importable once its root is on sys.path.

import argparse
import contextlib
import http.client
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sqlalchemy.exc import SQLAlchemyError

from app import create_app
from bench.feeds import SECRET_KEY, checked_database_option, migrate, progress, scratch_database
from bench.load import BenchError
from extensions import db
from models import Challenge, Territory, Tour, Workshop, WorkshopStatus
from tests import live_gunicorn
from tests.live_gunicorn import HOST

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
UNLIMITED = "1000000 per minute"


def build_workshop(url: str) -> int:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        territory = Territory(
            name="Nantes Métropole", slug="nantes", latitude=47.2, longitude=-1.55
        )
        challenge = Challenge(name="Réemploi", slug="reemploi")
        tour = Tour(
            title="Tournée bench",
            slug="tournee-bench-inscriptions",
            start_date=date(2030, 1, 1),
            end_date=date(2030, 12, 31),
        )
        starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
        workshop = Workshop(
            tour=tour,
            title="Filière du réemploi",
            description="Un atelier pour mesurer les inscriptions.",
            challenge=challenge,
            host_territory=territory,
            territories=[territory],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=3),
            venue_name="Solilab",
            address="8 rue Saint-Domingue 44200 Nantes",
            capacity=10_000_000,
            status=WorkshopStatus.OPEN,
        )
        db.session.add(workshop)
        db.session.commit()
        workshop_id = workshop.id
        db.session.remove()
        db.engine.dispose()
    return workshop_id


@dataclass
class Rate:
    requests: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _session(port: int, page: str) -> tuple[http.client.HTTPConnection, str, str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    connection.request("GET", page)
    response = connection.getresponse()
    body = response.read().decode()
    token = CSRF.search(body)
    cookie = response.getheader("Set-Cookie", "").split(";", 1)[0]
    if response.status != 200 or token is None or not cookie:
        raise BenchError(f"GET {page} answered {response.status} without a form and a session")
    return connection, cookie, token.group(1)


def post_load(port: int, page: str, target: str, form, seconds: float, threads: int) -> Rate:
    """`threads` clients POSTing form(thread, n) to target for `seconds`; each answer must
    be a 302."""
    stop = threading.Event()
    start = threading.Barrier(threads + 1, timeout=60)
    done = [0] * threads
    errors: list[str] = []

    def client(index: int) -> None:
        try:
            connection, cookie, token = _session(port, page)
            start.wait()
            n = 0
            while not stop.is_set():
                body = urlencode({**form(index, n), "csrf_token": token})
                connection.request(
                    "POST",
                    target,
                    body=body,
                    headers={
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Cookie": cookie,
                    },
                )
                response = connection.getresponse()
                response.read()
                if response.status != 302:
                    errors.append(f"POST {target} answered {response.status}")
                    stop.set()
                    return
                done[index] += 1
                n += 1
        except Exception as error:  # any failure stops the measurement and is reported
            errors.append(f"POST {target}: {error!r}")
            stop.set()
            with contextlib.suppress(threading.BrokenBarrierError):
                start.abort()

    workers = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(threads)]
    for worker in workers:
        worker.start()
    try:
        start.wait()
    except threading.BrokenBarrierError:
        raise BenchError(errors[0] if errors else "a client could not start") from None
    began = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    for worker in workers:
        worker.join(70)
    elapsed = time.perf_counter() - began
    if errors:
        raise BenchError(errors[0])
    return Rate(sum(done), elapsed)


def lock_hold_in_process(url: str, workshop_id: int, registrations: int) -> list[float]:
    """Registrations through the test client of one app; the lock's hold time of each."""
    from services.registration import registrations as registering

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET_KEY,
            "REGISTRATION_RATE_LIMIT": UNLIMITED,
            "REGISTRATION_PER_WORKSHOP_LIMIT": UNLIMITED,
            "MAIL_BACKEND": "file",
        }
    )
    client = app.test_client()
    page = client.get(f"/workshops/{workshop_id}").get_data(as_text=True)
    token = CSRF.search(page)
    if token is None:
        raise BenchError("the workshop's page has no form")
    registering.lock_hold_seconds.clear()
    for n in range(registrations):
        response = client.post(
            f"/workshops/{workshop_id}",
            data={
                "name": "Camille Martin",
                "email": f"en-process-{n}@bench.example",
                "consent": "y",
                "csrf_token": token.group(1),
            },
        )
        if response.status_code != 302:
            raise BenchError(f"an in-process registration answered {response.status_code}")
    held = list(registering.lock_hold_seconds)
    with app.app_context():
        db.engine.dispose()
    return held


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Registrations/second against a trivial CSRF-checked POST under "
        "gunicorn, and the workshop lock's hold time."
    )
    parser.add_argument("--seconds", type=float, default=5, help="duration of each load [5]")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers [4]")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads [4]")
    parser.add_argument(
        "--registrations", type=int, default=200, help="in-process registrations timed [200]"
    )
    parser.add_argument(
        "--database",
        help="a postgresql:// URL whose database name contains 'bench' (dropped and created, "
        "dropped at the end); default: a scratch SQLite file in a temp dir",
    )
    options = parser.parse_args(argv)
    if min(options.seconds, options.workers, options.concurrency, options.registrations) <= 0:
        parser.error("--seconds, --workers, --concurrency and --registrations must be positive")
    try:
        options.database = checked_database_option(options.database)
    except ValueError as error:
        parser.error(str(error))
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    os.environ["SECRET_KEY"] = SECRET_KEY
    kind = "PostgreSQL" if options.database else "SQLite"
    scratch_dir = Path(tempfile.mkdtemp(prefix="registrations-bench-"))
    try:
        with scratch_database(options.database, 0, scratch_dir) as url:
            migrate(url)
            workshop_id = build_workshop(url)
            page = f"/workshops/{workshop_id}"
            log = scratch_dir / "gunicorn.log"
            with live_gunicorn.gunicorn(
                url,
                options.workers,
                log,
                SECRET_KEY=SECRET_KEY,
                REGISTRATION_RATE_LIMIT=UNLIMITED,
                REGISTRATION_PER_WORKSHOP_LIMIT=UNLIMITED,
            ) as server:
                try:
                    for warm_up in (True, False):
                        seconds = 1.0 if warm_up else options.seconds
                        registering = post_load(
                            server.port,
                            page,
                            page,
                            lambda i, n, w=warm_up: {
                                "name": "Camille Martin",
                                "email": f"{'w' if w else 'm'}-{i}-{n}@bench.example",
                                "consent": "y",
                            },
                            seconds,
                            options.concurrency,
                        )
                        trivial = post_load(
                            server.port,
                            page,
                            "/langue",
                            lambda _i, _n: {"lang": "fr", "next": "/"},
                            seconds,
                            options.concurrency,
                        )
                except BenchError as error:
                    raise BenchError(
                        f"{error}\n--- gunicorn log ---\n{server.log_tail()}"
                    ) from None
            progress(
                f"registrations {registering.per_second:.0f} req/s, "
                f"/langue {trivial.per_second:.0f} req/s"
            )
            held = lock_hold_in_process(url, workshop_id, options.registrations)
    except (BenchError, OSError, SQLAlchemyError, live_gunicorn.GunicornFailed) as error:
        progress(f"registrations benchmark failed: {error}")
        return 1
    finally:
        shutil.rmtree(scratch_dir, ignore_errors=True)
    ratio = registering.per_second / trivial.per_second
    median_ms = statistics.median(held) * 1000
    p95_ms = sorted(held)[int(len(held) * 0.95) - 1] * 1000
    print()
    print(
        f"Registrations vs a trivial CSRF-checked POST — {kind}, gunicorn --workers "
        f"{options.workers}, {options.concurrency} client threads, {options.seconds:g} s each"
    )
    print(f"  POST /workshops/<id> (registration): {registering.per_second:8.1f} req/s")
    print(f"  POST /langue (CSRF, session, 302):   {trivial.per_second:8.1f} req/s")
    print(f"  ratio: {ratio:.3f}  (target ≥ 0.3: {'MET' if ratio >= 0.3 else 'MISSED'})")
    print(
        f"  workshop lock held, {len(held)} registrations in-process: median {median_ms:.2f} ms, "
        f"95th percentile {p95_ms:.2f} ms  (target ≤ 2 ms: "
        f"{'MET' if median_ms <= 2 else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
