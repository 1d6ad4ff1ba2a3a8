"""Several application servers behind one load balancer, as production runs them: two
gunicorn servers (2 workers each) on loopback sharing one PostgreSQL database and one Redis,
and two job consumers. A feed is built once for all four workers, a rate limit holds across
both servers, a workshop's capacity holds with registrations spread over both, and each job
runs exactly once. Marker `redis` (CI step 2b): the test makes its own PostgreSQL database
and Redis key prefix, and removes both afterwards."""

import concurrent.futures
import http.cookiejar
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack

import pytest
import redis
from huey.storage import RedisStorage
from sqlalchemy import create_engine, func, select, text

import config
from app import create_app
from extensions import db
from models import Registration, RegistrationStatus
from tests.factories import make_workshop
from tests.helpers import PASSWORD, build_world
from tests.live_gunicorn import GUNICORN, HOST, PROJECT_ROOT, gunicorn

pytestmark = pytest.mark.redis

REDIS_URL = "redis://127.0.0.1:6379/0"
PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432"
HUEY_CONSUMER = GUNICORN.parent / "huey_consumer"


def _admin_engine():
    return create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")


@pytest.fixture
def shared(tmp_path):
    """A PostgreSQL database of our own, migrated and holding a small world; a Redis key
    prefix of our own. Both removed afterwards."""
    name = f"fit_servers_test_{uuid.uuid4().hex[:10]}"
    prefix = f"fitservertest{uuid.uuid4().hex[:12]}"
    url = f"{PG_BASE}/{name}"
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    connection_to_redis = redis.Redis.from_url(REDIS_URL)
    try:
        environment = {**os.environ, "DATABASE_URL": url}
        subprocess.run(
            [str(GUNICORN.parent / "flask"), "--app", "app", "db", "upgrade"],
            cwd=PROJECT_ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )
        app = create_app(config.for_tests(url))
        world = build_world(app)
        yield {
            "url": url,
            "prefix": prefix,
            "app": app,
            "world": world,
            "redis": connection_to_redis,
        }
    finally:
        for key in connection_to_redis.scan_iter(match=f"*{prefix}*", count=1000):
            connection_to_redis.delete(key)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _environment(shared) -> dict[str, str]:
    return {
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": shared["prefix"],
        "SECRET_KEY": "several-servers-test-secret",
        # One address for both, as behind a load balancer (links in feeds name it).
        "PUBLIC_URL": "https://tournee.test",
        "TRUSTED_HOSTS": "127.0.0.1",
        "LOGIN_RATE_LIMIT": "4 per minute",
        "REGISTRATION_RATE_LIMIT": "1000 per minute",
        "REGISTRATION_PER_WORKSHOP_LIMIT": "1000 per hour",
    }


class Browser:
    """One visitor of one server: cookies and CSRF token kept, like a browser's."""

    def __init__(self, port: int):
        self.base = f"http://{HOST}:{port}"
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), NoRedirect()
        )

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def post_form(self, path: str, data: dict) -> int:
        status, page = self.get(path)
        assert status == 200, (path, status)
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token, path
        body = urllib.parse.urlencode({**data, "csrf_token": token.group(1).decode()}).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _consumer(shared, log_path, module: str = "tests.jobs.counting_worker.huey"):
    environment = {
        **os.environ,
        **_environment(shared),
        "DATABASE_URL": shared["url"],
        "MAIL_BACKEND": "file",
        "MAIL_FILE_DIR": str(log_path.parent / "mail"),
    }
    with open(log_path, "wb") as output:
        return subprocess.Popen(
            [str(HUEY_CONSUMER), module, "--workers", "1", "--worker-type", "thread"],
            cwd=PROJECT_ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def _stop(process) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_two_servers_share_one_database_one_redis_and_one_queue(shared, tmp_path):
    app, world, connection = shared["app"], shared["world"], shared["redis"]
    workshop_id = make_workshop(app, world, capacity=5)
    with app.app_context():
        db.engine.dispose()
    environment = _environment(shared)
    with ExitStack() as stack:
        first = stack.enter_context(
            gunicorn(shared["url"], workers=2, log=tmp_path / "first.log", **environment)
        )
        second = stack.enter_context(
            gunicorn(shared["url"], workers=2, log=tmp_path / "second.log", **environment)
        )
        ports = [first.port, second.port]

        # A feed: built once for the four workers, whichever answers.
        feed = f"/calendar/tours/{world.tour_slug}.ics"
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda i: Browser(ports[i % 2]).get(feed), range(24)))
        assert {status for status, _ in answers} == {200}
        assert len({body for _, body in answers}) == 1
        builds = connection.get(f"{shared['prefix']}:cache:rendered:builds")
        assert int(builds or 0) == 1

        # A rate limit across both servers: 4 attempts a minute, wherever they are made.
        attempts = [
            Browser(ports[i % 2]).post_form(
                "/login", {"email": world.roubaix_organiser, "password": PASSWORD + "x"}
            )
            for i in range(4)
        ]
        assert attempts == [401] * 4
        for port in ports:
            refused = Browser(port).post_form(
                "/login", {"email": world.roubaix_organiser, "password": PASSWORD + "x"}
            )
            assert refused == 429

        # Capacity: 30 people at once on both servers for 5 seats.
        def sign_up(number: int) -> int:
            return Browser(ports[number % 2]).post_form(
                f"/workshops/{workshop_id}",
                {"name": f"Personne {number}", "email": f"p{number}@example.org", "consent": "y"},
            )

        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            statuses = list(pool.map(sign_up, range(30)))
        assert all(status in (200, 302, 303) for status in statuses), statuses
        engine = create_engine(shared["url"])
        with engine.connect() as database:
            counts = dict(
                database.execute(
                    select(Registration.status, func.count())
                    .where(Registration.workshop_id == workshop_id)
                    .group_by(Registration.status)
                ).all()
            )
        engine.dispose()
        assert counts == {RegistrationStatus.CONFIRMED: 5, RegistrationStatus.WAITLISTED: 25}

    # Two consumers on the Redis queue: each of 40 jobs runs exactly once.
    from tests.jobs.counting import count_execution  # the job registered on both sides

    consumers = [_consumer(shared, tmp_path / f"consumer-{i}.log") for i in range(2)]
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(
            "Huey consumer started" in (tmp_path / f"consumer-{i}.log").read_text(errors="replace")
            for i in range(2)
        ):
            time.sleep(0.1)
        storage = RedisStorage(shared["prefix"], url=REDIS_URL)
        key = f"{shared['prefix']}:executions"
        jobs_count = 40
        for number in range(jobs_count):
            storage.enqueue(count_execution.huey.serialize_task(count_execution.s(key, number)))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and connection.llen(key) < jobs_count:
            time.sleep(0.1)
        time.sleep(1)  # a job run twice would show up now
        runs = [entry.decode().split(":") for entry in connection.lrange(key, 0, -1)]
    finally:
        for process in consumers:
            _stop(process)
    numbers = sorted(int(number) for number, _ in runs)
    assert numbers == list(range(jobs_count)), (tmp_path / "consumer-0.log").read_text(
        errors="replace"
    )[-3000:]
    assert len({pid for _, pid in runs}) == 2  # both consumers took their share
