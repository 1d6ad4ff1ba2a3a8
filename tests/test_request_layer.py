"""The request layer: one transaction per request, committed only when the view succeeded;
pages that are only read write nothing."""

import pytest
from flask import abort
from sqlalchemy import event, select

import config
from app import create_app
from extensions import db
from models import Challenge, Speaker, Tour
from tests.helpers import login, text_of


@pytest.fixture
def app_with_probe_views(database_url):
    """A second app on the test database, with views that flush and then fail in each way a
    view can fail (its own routes: the shared app accepts no new route once it has served)."""
    probe = create_app({**config.for_tests(database_url), "TESTING": False})

    def flush_a_challenge(slug: str) -> None:
        db.session.add(Challenge(name=f"Défi {slug}", slug=slug))
        db.session.flush()

    @probe.get("/probe/raises")
    def raises():
        flush_a_challenge("apres-une-exception")
        raise RuntimeError("a bug after the flush")

    @probe.get("/probe/refuses")
    def refuses():
        flush_a_challenge("apres-un-refus")
        abort(409, description="Refusé après l’écriture.")

    @probe.get("/probe/succeeds")
    def succeeds():
        flush_a_challenge("apres-un-succes")
        return "ok"

    yield probe
    with probe.app_context():
        db.session.remove()
        db.engine.dispose()  # its own engine: no connection left open at the end


def _challenge_slugs(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Challenge.slug)))


def test_view_raising_after_a_flush_leaves_nothing_written(app, app_with_probe_views):
    response = app_with_probe_views.test_client().get("/probe/raises")
    assert response.status_code == 500
    assert "Erreur du serveur" in text_of(response)
    assert "apres-une-exception" not in _challenge_slugs(app)


def test_error_response_after_a_flush_leaves_nothing_written(app, app_with_probe_views):
    response = app_with_probe_views.test_client().get("/probe/refuses")
    assert response.status_code == 409
    assert "Refusé après l’écriture." in text_of(response)
    assert "apres-un-refus" not in _challenge_slugs(app)


def test_successful_view_is_committed_once_it_returns(app, app_with_probe_views):
    response = app_with_probe_views.test_client().get("/probe/succeeds")
    assert response.status_code == 200
    assert "apres-un-succes" in _challenge_slugs(app)


def test_refused_form_writes_nothing_and_keeps_the_input(app, client, world):
    """A round table whose end precedes its start: the service refuses after its checks,
    the page says why, and no round table exists."""
    login(client, world.nantes_organiser)
    from tests.helpers import post_form

    response = post_form(
        client,
        f"/board/stops/{world.nantes_stop_id}/round-tables/new",
        {"title": "Table à l’envers", "start_time": "12:00", "end_time": "11:00"},
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "La fin doit être postérieure au début." in page
    assert "Table à l’envers" in page
    with app.app_context():
        from models import RoundTable

        assert db.session.scalar(select(RoundTable.id)) is None


@pytest.fixture
def writes(app):
    """The SQL statements other than SELECT that the test's requests send."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany):
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA", "WITH")):
            seen.append(statement.split()[0].upper())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def _register(app, client, world) -> str:
    from tests.factories import make_workshop, register

    workshop_id = make_workshop(app, world)
    response = register(client, workshop_id, "camille@example.org")
    assert response.status_code == 302
    return response.headers["Location"]


def test_registration_page_writes_nothing_and_shows_its_own_calendar(app, client, world, writes):
    page_url = _register(app, client, world)
    writes.clear()
    response = client.get(page_url)
    assert response.status_code == 200
    token = page_url.rsplit("/", 1)[1]
    assert f"/calendar/registrations/{token}.ics" in text_of(response)
    assert "/calendar/private/" not in text_of(response)  # that one goes only by mail
    assert [w for w in writes if w not in ("BEGIN", "ROLLBACK", "COMMIT")] == []


def test_organiser_profile_writes_nothing_and_shows_the_private_feed(client, world, writes):
    login(client, world.roubaix_organiser)
    writes.clear()
    response = client.get("/board/profile")
    assert response.status_code == 200
    assert "/calendar/private/" in text_of(response)
    assert [w for w in writes if w not in ("BEGIN", "ROLLBACK", "COMMIT")] == []


def test_speaker_profile_writes_nothing_and_shows_organisers_the_private_feed(
    app, client, world, writes
):
    with app.app_context():
        speaker = Speaker(name="Hélène Dupré")
        db.session.add(speaker)
        db.session.commit()
        speaker_id = speaker.id
        token = speaker.private_feed.token
    login(client, world.roubaix_organiser)
    writes.clear()
    response = client.get(f"/speakers/{speaker_id}")
    assert response.status_code == 200
    assert f"/calendar/private/{token}.ics" in text_of(response)
    assert [w for w in writes if w not in ("BEGIN", "ROLLBACK", "COMMIT")] == []


def test_every_speaker_and_account_has_its_private_link_from_the_start(app, world):
    with app.app_context():
        from models import PrivateFeed, User

        tour = db.session.get(Tour, world.tour_id)
        assert tour is not None
        users = list(db.session.scalars(select(User)))
        assert users and all(u.private_feed is not None for u in users)
        speaker = Speaker(name="Nouvelle intervenante")
        db.session.add(speaker)
        db.session.commit()
        link = db.session.scalar(select(PrivateFeed).where(PrivateFeed.speaker_id == speaker.id))
        assert link is not None and len(link.token) >= 43
        db.session.delete(speaker)
        db.session.commit()
        assert db.session.get(PrivateFeed, link.id) is None
