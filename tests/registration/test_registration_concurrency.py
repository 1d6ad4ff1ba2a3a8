"""The capacity rule under real concurrency: the app served by gunicorn with 4 worker
processes on loopback, on the database the suite runs on (SQLite in one CI pass, PostgreSQL in
the other). 60 people register at once for 20 seats, then 10 of the confirmed cancel at once.

Every participant is a separate visitor with their own session cookie and the CSRF token of
their own page, as a browser would; only the standard library speaks HTTP. Every call has a
timeout, and gunicorn is always stopped."""

import html
import http.client
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from threading import Barrier
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select

from extensions import db
from models import OutboxMail, Registration, RegistrationStatus
from services.registration.registrations import waitlist_position
from tests import live_gunicorn
from tests.factories import make_workshop
from tests.helpers import CSRF_META, World
from tests.live_gunicorn import HOST, Server

WORKERS = 4
CAPACITY = 20
PARTICIPANTS = 60
CANCELLATIONS = 10
HTTP_TIMEOUT = 30  # seconds, for every request
REGISTRATION_LINK = re.compile(r"^/registrations/([A-Za-z0-9_-]+)$")
STATUS_LINE = re.compile(
    r'class="[^"]*status-line"[^>]*>\s*<span class="fr-badge[^"]*">([^<]*)</span>'
)


@dataclass
class Response:
    status: int
    location: str
    body: str  # HTML entities unescaped

    def status_line(self) -> str:
        """What a participant's own page says of their registration, e.g. "Confirmée"."""
        match = STATUS_LINE.search(self.body)
        assert match, f"no status line on the page:\n{self.body[:2000]}"
        return match.group(1).strip()


class Visitor:
    """One person with their own cookie jar, talking HTTP/1.1 to the server on loopback."""

    def __init__(self, port: int, email: str):
        self.port = port
        self.email = email
        self.cookies: dict[str, str] = {}

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(HOST, self.port, timeout=HTTP_TIMEOUT)

    def send(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        connection: http.client.HTTPConnection | None = None,
    ) -> Response:
        """One request, redirects not followed; the cookies it sets are kept."""
        connection = connection or self.connection()
        try:
            headers = {}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            body = None
            if form is not None:
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return Response(
                response.status,
                response.getheader("Location") or "",
                html.unescape(data.decode("utf-8", errors="replace")),
            )
        finally:
            connection.close()

    def csrf_token(self, path: str) -> str:
        page = self.send("GET", path)
        assert page.status == 200, f"GET {path} answered {page.status}"
        match = CSRF_META.search(page.body)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def post_at_barrier(self, path: str, form: dict, barrier: Barrier) -> Response:
        """Connect first, then wait for everyone, then post: the requests leave together."""
        connection = self.connection()
        try:
            connection.connect()
            barrier.wait(timeout=HTTP_TIMEOUT)
        except BaseException:
            connection.close()
            raise
        return self.send("POST", path, form, connection)


@pytest.fixture
def gunicorn(app, database_url, tmp_path) -> Iterator[Server]:
    """The app under gunicorn, 4 workers, serving the database of the suite."""
    # Nothing of the test process may keep the database busy (SQLite's lock, pooled
    # connections): the workers are the only ones at work during the test.
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    try:
        with live_gunicorn.gunicorn(
            database_url,
            WORKERS,
            tmp_path / "gunicorn.log",
            SECRET_KEY="concurrency-test-secret-shared-by-the-workers",
            REGISTRATION_RATE_LIMIT="10000 per minute",
            REGISTRATION_PER_WORKSHOP_LIMIT="10000 per hour",
        ) as server:
            yield server
    except live_gunicorn.GunicornFailed as failure:
        pytest.fail(str(failure), pytrace=False)


def make_crowded_workshop(app, world: World) -> int:
    """20 seats, open for registration since an hour; no connection of the test process is
    left open on the database afterwards."""
    now = datetime.now(UTC)
    workshop_id = make_workshop(
        app,
        world,
        title="Atelier très demandé",
        challenge=("Mobilités", "mobilites"),
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=3),
        capacity=CAPACITY,
        registration_opens_at=now - timedelta(hours=1),
    )
    with app.app_context():
        db.engine.dispose()
    return workshop_id


@dataclass
class Snapshot:
    """The workshop's registrations as the database has them, by e-mail address."""

    status: dict[str, RegistrationStatus]
    position: dict[str, int]  # of the waitlisted
    queue_key: dict[str, int]
    token: dict[str, str]
    mails: dict[str, int]  # count of outbox mails by kind

    def with_status(self, status: RegistrationStatus) -> set[str]:
        return {email for email, s in self.status.items() if s == status}

    def waiting_list(self) -> list[str]:
        return sorted(self.position, key=self.position.__getitem__)


def snapshot(app, workshop_id: int) -> Snapshot:
    with app.test_request_context():
        registrations = list(
            db.session.scalars(select(Registration).where(Registration.workshop_id == workshop_id))
        )
        result = Snapshot(
            status={r.email: r.status for r in registrations},
            position={
                r.email: waitlist_position(r)
                for r in registrations
                if r.status == RegistrationStatus.WAITLISTED
            },
            queue_key={r.email: r.queue_key for r in registrations},
            token={r.email: r.token for r in registrations},
            mails={},
        )
        for kind in db.session.scalars(select(OutboxMail.kind)):
            result.mails[kind] = result.mails.get(kind, 0) + 1
        db.session.remove()
        db.engine.dispose()  # no connection of the test process stays open on the database
    return result


def all_together(tasks: list) -> list[Response]:
    """Run the callables in as many threads; each one waits at the barrier it was given."""
    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(task) for task in tasks]
        return [future.result(timeout=4 * HTTP_TIMEOUT) for future in futures]


def test_sixty_simultaneous_registrations_then_ten_cancellations(app, world, gunicorn):
    workshop_id = make_crowded_workshop(app, world)
    page = f"/workshops/{workshop_id}"
    visitors = [
        Visitor(gunicorn.port, f"participant-{n:02d}@concurrence.example")
        for n in range(1, PARTICIPANTS + 1)
    ]
    forms = {
        v.email: {
            "name": f"Participant {n}",
            "email": v.email,
            "consent": "y",
            "csrf_token": v.csrf_token(page),
        }
        for n, v in enumerate(visitors, start=1)
    }

    # 60 registrations at once.
    barrier = Barrier(PARTICIPANTS)
    responses = all_together(
        [lambda v=v: v.post_at_barrier(page, forms[v.email], barrier) for v in visitors]
    )
    tokens = {}
    for visitor, response in zip(visitors, responses, strict=True):
        link = REGISTRATION_LINK.match(urlsplit(response.location).path)
        assert response.status == 302 and link, (
            f"{visitor.email}: {response.status} {response.location!r}\n"
            f"{response.body[:2000]}\n--- gunicorn ---\n{gunicorn.log_tail()}"
        )
        tokens[visitor.email] = link.group(1)

    before = snapshot(app, workshop_id)
    assert before.token == tokens
    confirmed = before.with_status(RegistrationStatus.CONFIRMED)
    waitlisted = before.with_status(RegistrationStatus.WAITLISTED)
    assert len(confirmed) == CAPACITY, gunicorn.log_tail()
    assert len(waitlisted) == PARTICIPANTS - CAPACITY
    assert sorted(before.position.values()) == list(range(1, PARTICIPANTS - CAPACITY + 1))
    # Arrival order, as the lock serialised it: one queue key each, the first 20 got a seat,
    # and the waiting list follows the same order.
    arrival = sorted(before.queue_key, key=before.queue_key.__getitem__)
    assert sorted(before.queue_key.values()) == list(range(1, PARTICIPANTS + 1))
    assert set(arrival[:CAPACITY]) == confirmed
    assert before.waiting_list() == arrival[CAPACITY:]
    assert before.mails == {"confirmed": CAPACITY, "waitlisted": PARTICIPANTS - CAPACITY}

    # What a few participants read on their own page, through the server.
    by_email = {v.email: v for v in visitors}
    waiting = before.waiting_list()
    for email in [waiting[0], waiting[len(waiting) // 2], waiting[-1]]:
        own_page = by_email[email].send("GET", f"/registrations/{tokens[email]}")
        assert own_page.status == 200
        assert own_page.status_line() == f"Liste d’attente, position {before.position[email]}"
    some_confirmed = by_email[min(confirmed)]
    own_page = some_confirmed.send("GET", f"/registrations/{tokens[some_confirmed.email]}")
    assert own_page.status_line() == "Confirmée"

    # 10 of the confirmed cancel at once, each from their own page.
    leaving = [by_email[email] for email in sorted(confirmed)[:CANCELLATIONS]]
    cancel_forms = {
        v.email: {
            "csrf_token": v.csrf_token(f"/registrations/{tokens[v.email]}"),
            "confirmation": "oui",
        }
        for v in leaving
    }
    barrier = Barrier(CANCELLATIONS)
    responses = all_together(
        [
            lambda v=v: v.post_at_barrier(
                f"/registrations/{tokens[v.email]}/cancel", cancel_forms[v.email], barrier
            )
            for v in leaving
        ]
    )
    for visitor, response in zip(leaving, responses, strict=True):
        assert (
            response.status == 302
            and urlsplit(response.location).path == f"/registrations/{tokens[visitor.email]}"
        ), (
            f"{visitor.email}: {response.status} {response.location!r}\n"
            f"{response.body[:2000]}\n--- gunicorn ---\n{gunicorn.log_tail()}"
        )

    after = snapshot(app, workshop_id)
    assert after.with_status(RegistrationStatus.CANCELLED) == {v.email for v in leaving}
    assert len(after.with_status(RegistrationStatus.CONFIRMED)) == CAPACITY
    promoted = after.with_status(RegistrationStatus.CONFIRMED) - confirmed
    assert promoted == set(waiting[:CANCELLATIONS])  # the first ten of the waiting list
    assert after.waiting_list() == waiting[CANCELLATIONS:]  # the others keep their order
    assert sorted(after.position.values()) == list(
        range(1, PARTICIPANTS - CAPACITY - CANCELLATIONS + 1)
    )
    assert after.mails == {
        "confirmed": CAPACITY,
        "waitlisted": PARTICIPANTS - CAPACITY,
        "cancelled": CANCELLATIONS,
        "promoted": CANCELLATIONS,
    }
    first_promoted = by_email[waiting[0]]
    own_page = first_promoted.send("GET", f"/registrations/{tokens[first_promoted.email]}")
    assert own_page.status_line() == "Confirmée"
    new_first = by_email[waiting[CANCELLATIONS]]
    own_page = new_first.send("GET", f"/registrations/{tokens[new_first.email]}")
    assert own_page.status_line() == "Liste d’attente, position 1"
