"""Rate limits shared by every process through Redis, and a loud warning when several
gunicorn workers would each count on their own."""

import uuid

import pytest

import config
from app import PER_PROCESS_LIMITS_WARNING, create_app
from extensions import db
from tests.helpers import csrf_token
from tests.live_gunicorn import gunicorn


def _login_attempt(client, email: str) -> int:
    token = csrf_token(client, "/login")
    data = {"email": email, "password": "pas le bon", "csrf_token": token}
    return client.post("/login", data=data).status_code


@pytest.mark.redis
def test_login_limit_is_shared_by_two_servers_through_redis(database_url, world):
    """Two application instances (two servers) on one Redis: the attempts made on the first
    count on the second. The key prefix keeps this run apart from any other."""
    settings = {
        **config.for_tests(database_url),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    first, second = create_app(settings), create_app(settings)
    try:
        attempts = [_login_attempt(first.test_client(), world.roubaix_organiser) for _ in range(5)]
        assert attempts == [401] * 5  # the test limit: 5 per minute
        assert _login_attempt(second.test_client(), world.roubaix_organiser) == 429
    finally:
        for instance in (first, second):
            with instance.app_context():
                db.engine.dispose()


def test_several_workers_on_memory_limits_are_warned_about_loudly(database_url, tmp_path):
    log = tmp_path / "gunicorn.log"
    with gunicorn(database_url, workers=2, log=log, RATELIMIT_STORAGE_URI="memory://"):
        pass
    output = log.read_text()
    assert "!!! 2 workers with rate limits in memory" in output
    assert PER_PROCESS_LIMITS_WARNING in output


def test_one_worker_or_shared_limits_start_quietly(database_url, tmp_path):
    log = tmp_path / "gunicorn.log"
    with gunicorn(database_url, workers=1, log=log, RATELIMIT_STORAGE_URI="memory://"):
        pass
    assert "!!!" not in log.read_text()
