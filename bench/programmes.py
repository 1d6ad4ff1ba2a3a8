"""PDF programme render time and cached throughput (a measurement tool, not part of the suite).

In a scratch SQLite database (migrated, with the demo data and a synthetic tour of 20 stops
with 10 items each), in-process:

- the full route GET /tours/<slug>/programme.pdf through the app's test client, with the
  cache of rendered documents emptied before each request (median of a few runs);
- WeasyPrint alone on the same HTML (the route's ?format=html):
  HTML(string=…, base_url=PRINT_BASE, url_fetcher=_fetcher()).write_pdf(); and, to tell the
  two costs apart, the same with pdf_variant="pdf/ua-1", the tagged PDF the route makes;
- the overhead ratio: route / WeasyPrint alone.

Then the scratch database is served by gunicorn on loopback, and client threads of the
standard library ask for the (cached) demo programme PDF and for /healthz, a few seconds
each; requests per second of both and their ratio are printed.

    .venv/bin/python bench/programmes.py [--runs 3] [--stops 20] [--items-per-stop 10]
                                         [--seconds 3] [--workers 2] [--concurrency 4]

Nothing is asserted about timings: the numbers depend on the machine.
"""

# ruff: noqa: E402 — the project's modules are importable once its root is on sys.path.

import argparse
import http.client
import io
import logging
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app import create_app
from bench.load import BenchError, Result, hammer
from extensions import db
from models import (
    Challenge,
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
from services.demo import data as demo_data
from services.demo.seed import seed_demo
from services.documents import rendering
from tests import live_gunicorn
from tests.live_gunicorn import HOST

SECRET_KEY = "programme-benchmark-secret-not-for-production"
SYNTHETIC_SLUG = "tournee-bench-programme"
WARM_UP_SECONDS = 1.0
HTTP_TIMEOUT = 120  # seconds
WORKER_TIMEOUT = 120  # gunicorn's --timeout: a cold render of a large programme is measured


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The scratch database ------------------------------------------------------------------


def scratch_app(url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})


def build_database(app: Flask, stops: int, items_per_stop: int) -> None:
    """Migrations, the demo data, then the synthetic tour."""
    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's "Running upgrade …" lines
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        seed_demo("admin@bench.example", "bench-admin-password", "bench-demo-password")
        db.session.commit()
        build_synthetic_tour(stops, items_per_stop)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


TABLE_TEXT = (
    "Échanges entre acteurs de l’économie sociale et solidaire, collectivités et "
    "entreprises : freins rencontrés, financements, essaimage des solutions qui marchent."
)
WORKSHOP_TEXT = (
    "Atelier inter-territoires : chaque territoire présente son expérience en dix minutes, "
    "puis travail en petits groupes sur les conditions de réussite et un plan d’action commun."
)
STOP_TEXT = (
    "Visite des initiatives du collectif, rencontre avec les porteurs de projets du territoire "
    "et signature de la charte French Impact ; déjeuner partagé avec les partenaires."
)


def split_items(items_per_stop: int) -> tuple[int, int]:
    """(round tables, workshops) of one stop: about 60 % round tables, the rest workshops."""
    tables = max(1, round(items_per_stop * 0.6)) if items_per_stop > 1 else items_per_stop
    return tables, items_per_stop - tables


def build_synthetic_tour(stops: int, items_per_stop: int) -> None:
    """A tour on the demo territories: each stop has 2 speakers of its own and
    `items_per_stop` items, round tables (3 speakers each) and workshops attached to the
    stop (2 facilitators, 2 territories each). Everything is public."""
    territories = list(db.session.scalars(select(Territory).order_by(Territory.name)))
    challenges = list(db.session.scalars(select(Challenge).order_by(Challenge.slug)))
    speakers = [
        Speaker(
            name=f"Intervenant·e {number:03d} Lefèvre",
            title="Chargée de mission innovation sociale" if number % 2 else "",
            organisation=f"Structure de l’ESS n° {number}",
            territory=territories[number % len(territories)],
        )
        for number in range(80)
    ]
    tour = Tour(
        title="Tournée de mesure des programmes",
        slug=SYNTHETIC_SLUG,
        description="Tournée synthétique pour mesurer le rendu des programmes PDF.",
        principal="Haut-Commissaire à l’économie sociale et solidaire",
        start_date=date(2030, 1, 1),
        end_date=date(2030, 12, 31),
    )
    db.session.add_all([tour, *speakers])
    tables_per_stop, workshops_per_stop = split_items(items_per_stop)
    base = datetime(2030, 1, 7, 7, tzinfo=UTC)
    for number in range(stops):
        territory = territories[number % len(territories)]
        start = base + timedelta(days=7 * number)
        stop = TourStop(
            tour=tour,
            territory=territory,
            starts_at=start,
            ends_at=start + timedelta(hours=11),
            venue_name=f"Tiers-lieu {number + 1}",
            address=f"{number + 1} rue de la République\n{territory.name}",
            status=StopStatus.CONFIRMED,
            description=STOP_TEXT,
        )
        stop.speakers = [
            StopSpeaker(speaker=speakers[0], role=ParticipantRole.KEYNOTE, position=0),
            StopSpeaker(speaker=speakers[1 + number % 79], role=ParticipantRole.HOST, position=1),
        ]
        for index in range(tables_per_stop):
            table_start = start + timedelta(minutes=30 + 60 * index)
            table = RoundTable(
                stop=stop,
                title=f"{challenges[index % len(challenges)].name} : que faire ensemble ?",
                challenge=challenges[index % len(challenges)],
                starts_at=table_start,
                ends_at=table_start + timedelta(minutes=50),
                room=f"Salle {index + 1}",
                description=TABLE_TEXT,
            )
            table.participants = [
                RoundTableParticipant(
                    speaker=speakers[(7 * number + 3 * index + k) % 80],
                    role=ParticipantRole.MODERATOR if k == 0 else ParticipantRole.PANELIST,
                    position=k,
                )
                for k in range(3)
            ]
            db.session.add(table)
        for index in range(workshops_per_stop):
            workshop_start = start + timedelta(hours=6, minutes=45 * index)
            db.session.add(
                Workshop(
                    tour=tour,
                    stop=stop,
                    title=f"Atelier {number + 1}.{index + 1} : essaimer les solutions",
                    description=WORKSHOP_TEXT,
                    challenge=challenges[(number + index) % len(challenges)],
                    host_territory=territory,
                    territories=[territory, territories[(number + 5) % len(territories)]],
                    facilitators=[
                        speakers[(5 * number + index) % 40],
                        speakers[40 + (3 * number + index) % 40],
                    ],
                    starts_at=workshop_start,
                    ends_at=workshop_start + timedelta(minutes=40),
                    venue_name=f"Maison de l’ESS {territory.name}",
                    capacity=30,
                    status=WorkshopStatus.OPEN,
                )
            )
    db.session.flush()


# In-process render times ---------------------------------------------------------------


@dataclass
class RenderTimes:
    label: str
    pages: int
    pdf_bytes: int
    html_bytes: int
    route: float  # seconds, median
    weasyprint: float
    weasyprint_ua: float

    @property
    def overhead(self) -> float:
        return self.route / self.weasyprint if self.weasyprint else 0.0


def median_seconds(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def measure_render(app: Flask, label: str, path: str, runs: int) -> RenderTimes:
    from pypdf import PdfReader
    from weasyprint import HTML

    client = app.test_client()

    def full_route() -> bytes:
        rendering.rendered_documents.clear()
        response = client.get(path)
        if response.status_code != 200 or not response.data.startswith(b"%PDF-"):
            raise BenchError(
                f"GET {path} answered {response.status_code} "
                f"{response.get_data(as_text=True)[:300]!r}"
            )
        return response.data

    preview = client.get(f"{path}?format=html")
    if preview.status_code != 200:
        raise BenchError(f"GET {path}?format=html answered {preview.status_code}")
    html = preview.get_data(as_text=True)

    def weasyprint_alone(**options) -> bytes:
        document = HTML(
            string=html, base_url=rendering.PRINT_BASE, url_fetcher=rendering._fetcher()
        )
        return document.write_pdf(**options)

    body = full_route()  # warm-up: imports, fonts, templates
    weasyprint_alone()
    route = median_seconds(full_route, runs)
    alone = median_seconds(weasyprint_alone, runs)
    tagged = median_seconds(lambda: weasyprint_alone(pdf_variant="pdf/ua-1"), runs)
    pages = len(PdfReader(io.BytesIO(body)).pages)
    rendering.rendered_documents.clear()
    return RenderTimes(label, pages, len(body), len(html.encode()), route, alone, tagged)


# Under gunicorn ------------------------------------------------------------------------


def fetch(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=HTTP_TIMEOUT)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def measure_throughput(
    url: str, path: str, log: Path, options: argparse.Namespace
) -> dict[str, Result]:
    try:
        with live_gunicorn.gunicorn(
            url, options.workers, log, worker_timeout=WORKER_TIMEOUT, SECRET_KEY=SECRET_KEY
        ) as server:
            status, body = fetch(server.port, path)
            if status != 200 or not body.startswith(b"%PDF-"):
                raise BenchError(f"GET {path} answered {status}: {body[:300]!r}")
            status, health = fetch(server.port, "/healthz")
            if status != 200:
                raise BenchError(f"GET /healthz answered {status}: {health[:300]!r}")
            results = {}
            for name, target, length in (
                ("pdf", path, len(body)),
                ("healthz", "/healthz", len(health)),
            ):
                # The warm-up also lets every worker render the PDF once into its own cache.
                hammer(server.port, target, {}, 200, length, WARM_UP_SECONDS, options.concurrency)
                results[name] = hammer(
                    server.port, target, {}, 200, length, options.seconds, options.concurrency
                )
                progress(
                    f"  {name}: {results[name].requests:,} requests in "
                    f"{results[name].seconds:.2f} s = {results[name].per_second:.0f} req/s"
                )
            return results
    except live_gunicorn.GunicornFailed as failure:
        raise BenchError(str(failure)) from failure
    except BenchError as error:
        tail = log.read_text(errors="replace")[-10_000:] if log.exists() else ""
        raise BenchError(f"{error}\n--- gunicorn log ---\n{tail}") from None


# Report --------------------------------------------------------------------------------


def render_table(rows: list[RenderTimes]) -> str:
    columns = [
        ("document", 34),
        ("pages", 5),
        ("PDF bytes", 10),
        ("route ms", 9),
        ("weasyprint ms", 14),
        ("(pdf/ua-1) ms", 14),
        ("route/weasyprint", 17),
    ]
    lines = ["  ".join(title.rjust(width) for title, width in columns)]
    for row in rows:
        cells = [
            row.label,
            str(row.pages),
            str(row.pdf_bytes),
            f"{row.route * 1000:.0f}",
            f"{row.weasyprint * 1000:.0f}",
            f"{row.weasyprint_ua * 1000:.0f}",
            f"{row.overhead:.2f}",
        ]
        lines.append(
            "  ".join(cell.rjust(width) for cell, (_, width) in zip(cells, columns, strict=True))
        )
    return "\n".join(lines)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Render time of the PDF tour programmes (full route vs WeasyPrint alone) "
        "and requests/second of the cached PDF against /healthz under gunicorn."
    )
    parser.add_argument("--runs", type=int, default=3, help="timed renders per measure [3]")
    parser.add_argument("--stops", type=int, default=20, help="stops of the synthetic tour [20]")
    parser.add_argument(
        "--items-per-stop", type=int, default=10, help="round tables + workshops per stop [10]"
    )
    parser.add_argument("--seconds", type=float, default=3, help="each load measurement [3]")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers [2]")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads [4]")
    options = parser.parse_args(argv)
    if min(options.runs, options.stops, options.items_per_stop, options.workers) < 1:
        parser.error("--runs, --stops, --items-per-stop and --workers must be at least 1")
    if options.seconds <= 0 or options.concurrency < 1:
        parser.error("--seconds and --concurrency must be positive")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse_arguments(argv)
    os.environ["SECRET_KEY"] = SECRET_KEY  # create_app() must not write instance/secret_key
    progress(
        f"programmes benchmark: SQLite, {options.runs} timed run(s) per render, gunicorn "
        f"{options.workers} sync worker(s), {options.concurrency} client thread(s), "
        f"{options.seconds:g} s per load measurement, {os.cpu_count()} CPU(s), "
        f"Python {platform.python_version()}"
    )
    scratch_dir = Path(tempfile.mkdtemp(prefix="programmes-bench-"))
    url = f"sqlite:///{scratch_dir / 'programmes-bench.sqlite3'}"
    demo_path = f"/tours/{demo_data.TOUR['slug']}/programme.pdf"
    synthetic_path = f"/tours/{SYNTHETIC_SLUG}/programme.pdf"
    tables, workshops = split_items(options.items_per_stop)
    try:
        began = time.perf_counter()
        app = scratch_app(url)
        build_database(app, options.stops, options.items_per_stop)
        progress(
            f"scratch database: demo data + {options.stops} stops × ({tables} round tables + "
            f"{workshops} workshops) in {time.perf_counter() - began:.1f} s"
        )
        rows = []
        for label, path in (
            ("demo tour", demo_path),
            (f"synthetic: {options.stops} stops × {options.items_per_stop} items", synthetic_path),
        ):
            progress(f"rendering {path} …")
            rows.append(measure_render(app, label, path, options.runs))
        with app.app_context():
            db.engine.dispose()
        progress(f"gunicorn: {demo_path} (cached) and /healthz")
        results = measure_throughput(url, demo_path, scratch_dir / "gunicorn.log", options)
    except (BenchError, OSError, SQLAlchemyError) as error:
        progress(f"programmes benchmark failed: {error}")
        return 1
    finally:
        shutil.rmtree(scratch_dir, ignore_errors=True)

    print()
    print(f"PDF tour programmes, in-process, median of {options.runs} renders (cache emptied)")
    print(render_table(rows))
    print(
        "(route: GET …/programme.pdf through the test client, i.e. queries, Jinja and a tagged "
        "PDF/UA-1; weasyprint: write_pdf() alone on the route's own HTML)"
    )
    print()
    pdf, healthz = results["pdf"], results["healthz"]
    ratio = pdf.per_second / healthz.per_second if healthz.per_second else 0.0
    print(
        f"Cached demo programme vs /healthz — gunicorn --workers {options.workers}, "
        f"{options.concurrency} client threads, {options.seconds:g} s each"
    )
    print(f"  programme.pdf (cached): {pdf.per_second:8.0f} req/s")
    print(f"  /healthz:               {healthz.per_second:8.0f} req/s")
    print(f"  ratio pdf/healthz:      {ratio:8.2f}")
    if pdf.closed_by_server == pdf.requests and healthz.closed_by_server == healthz.requests:
        print("(gunicorn's sync workers close the connection after every response)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
