"""The schema comes from the migrations and matches the models, on SQLite and PostgreSQL."""

from datetime import date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url, select, text
from sqlalchemy.exc import IntegrityError, StatementError

import config
from app import create_app
from extensions import db
from models import Role, Territory, Tour, TourStop, User
from tests.helpers import utc


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


@pytest.fixture
def scratch_database_url(database_url, tmp_path):
    """An empty database beside the test one, dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    target = make_url(database_url)
    scratch = target.set(database=f"{target.database}_scratch")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))
        connection.execute(text(f'CREATE DATABASE "{scratch.database}"'))
    yield scratch.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)'))
    admin.dispose()


def test_migrations_upgrade_downgrade_and_upgrade_again(scratch_database_url):
    app = create_app(config.for_tests(scratch_database_url))
    with app.app_context():
        upgrade()
        assert "tour_stops" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert "tour_stops" not in inspect(db.engine).get_table_names()
        upgrade()
        assert {"tours", "territories", "tour_stops", "users"} <= set(
            inspect(db.engine).get_table_names()
        )
        db.engine.dispose()


def _stop(starts_at: datetime, ends_at: datetime) -> TourStop:
    """A stop of a minimal tour in Roubaix, added to the session."""
    tour = Tour(title="T", slug="t", start_date=date(2019, 1, 1), end_date=date(2019, 12, 31))
    territory = Territory(name="Roubaix", slug="roubaix")
    stop = TourStop(tour=tour, territory=territory, starts_at=starts_at, ends_at=ends_at)
    db.session.add(stop)
    return stop


def test_instants_come_back_aware_in_utc(app):
    with app.app_context():
        _stop(utc(2019, 3, 31, 1, 30), utc(2019, 3, 31, 3))
        db.session.commit()
        db.session.expire_all()
        stop = db.session.scalar(select(TourStop))
        assert stop.starts_at == utc(2019, 3, 31, 1, 30)
        assert stop.starts_at.utcoffset().total_seconds() == 0
        assert stop.local_start.isoformat() == "2019-03-31T03:30:00+02:00"


def test_naive_datetime_is_refused(app):
    with app.app_context():
        naive = datetime(2019, 3, 4, 14, 0)  # noqa: DTZ001 — the point of the test
        _stop(naive, naive)
        with pytest.raises(StatementError, match="naive datetime refused"):
            db.session.flush()
        db.session.rollback()


def test_database_refuses_a_stop_ending_before_it_starts(app):
    with app.app_context():
        _stop(utc(2019, 3, 4, 14), utc(2019, 3, 4, 13))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_email_is_unique_whatever_its_case(app):
    with app.app_context():
        first = User(
            email="Equipe@Roubaix.example", display_name="A", password_hash="x", role=Role.ORGANISER
        )
        db.session.add(first)
        db.session.commit()
        assert first.email == "equipe@roubaix.example"
        db.session.add(User(email="EQUIPE@roubaix.EXAMPLE", display_name="B", password_hash="x"))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_version_grows_with_each_change(app):
    with app.app_context():
        stop = _stop(utc(2019, 3, 4, 13), utc(2019, 3, 4, 15))
        db.session.commit()
        assert stop.version == 1
        stop.venue_name = "ESAT du Bois Joli"
        db.session.commit()
        assert stop.version == 2
        assert stop.updated_at >= stop.created_at


def test_upgrade_gives_a_private_link_to_everyone_who_had_none(scratch_database_url):
    """Links used to be made when a page first showed them; the data migration makes them
    for the speakers, accounts and participants of an existing database."""
    app = create_app(config.for_tests(scratch_database_url))
    with app.app_context():
        upgrade(revision="1ff55c2b8ef9")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO speakers (id, name, title, organisation, biography, email, "
                    "search_key, version, created_at, updated_at) VALUES (1, 'Hélène Dupré', '', "
                    "'', '', '', 'helene dupre', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO users (id, email, display_name, password_hash, role, active, "
                    "created_at) VALUES (1, 'a@test.example', 'A', 'x', 'organiser', TRUE, "
                    "CURRENT_TIMESTAMP)"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT owner, speaker_id, user_id, token FROM private_feeds ORDER BY owner")
            ).all()
        assert [(r.owner, r.speaker_id, r.user_id) for r in rows] == [
            ("organiser", None, 1),
            ("speaker", 1, None),
        ]
        assert all(len(r.token) >= 43 for r in rows)
        db.engine.dispose()
