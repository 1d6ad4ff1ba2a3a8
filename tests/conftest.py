"""Fixtures: the app on a real database (SQLite by default, PostgreSQL when DATABASE_URL is
set), emptied after every test; a test client; a small world of territories and accounts."""

import os

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, make_url, text

import config
from app import create_app
from extensions import db, limiter
from jobs import huey
from services.calendar.feeds import rendered_feeds
from services.documents.rendering import rendered_documents
from services.publishing.api import rendered_responses as rendered_api_responses
from services.publishing.frab import rendered_schedules
from tests.helpers import World, build_world


def _ensure_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = config.normalise_database_url(url)
    name = make_url(url).database or ""
    if "test" not in name:
        pytest.exit(
            f"DATABASE_URL names the database {name!r}: the suite empties the database it "
            "runs on, so its name must contain 'test'.",
            returncode=2,
        )
    if url.startswith("postgresql"):
        _ensure_postgres_database(url)
    return url


def _drop_everything() -> None:
    """Start from an empty schema so that the migrations, not create_all, build it."""
    db.drop_all()
    with db.engine.begin() as connection:
        if inspect(connection).has_table("alembic_version"):
            connection.execute(text("DROP TABLE alembic_version"))


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(config.for_tests(database_url))
    with app.app_context():
        _drop_everything()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _empty_database_after_test(app):
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
    limiter.reset()
    # Jobs queued by a test and not run by it.
    huey.flush()
    # The emptied database starts its feed revision again: forget feeds rendered before.
    rendered_feeds.clear()
    rendered_documents.clear()
    rendered_schedules.clear()
    rendered_api_responses.clear()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def world(app) -> World:
    return build_world(app)
