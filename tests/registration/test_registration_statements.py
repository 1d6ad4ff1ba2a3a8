"""A registration's statements: few, and under the workshop's lock only the decision and
the rows it writes (the mail is written before the lock is taken)."""

from sqlalchemy import event, select

from extensions import db
from models import OutboxMail, Registration, RegistrationStatus
from services.registration import registrations as registering
from tests.factories import make_workshop, register
from tests.helpers import csrf_token


class statements:
    """The SQL statements the app's engine runs inside the block, first word and table."""

    def __init__(self, app):
        self.app, self.seen = app, []

    def _record(self, _conn, _cursor, statement, *_args) -> None:
        self.seen.append(" ".join(statement.split()))

    def __enter__(self):
        with self.app.app_context():
            self.engine = db.engine
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self.seen

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self._record)


def _shape(statement: str) -> str:
    """e.g. "INSERT registrations", "UPDATE workshops", "SELECT" for a read."""
    if statement.startswith("INSERT INTO"):
        return "INSERT " + statement.split()[2]
    if statement.startswith("UPDATE"):
        return "UPDATE " + statement.split()[1]
    return statement.split()[0]


def _form(client, workshop_id: int, email: str) -> dict:
    """The form as the workshop's page gives it (reading the page is not counted)."""
    data = {"name": "Camille Martin", "email": email, "consent": "y"}
    data["csrf_token"] = csrf_token(client, f"/workshops/{workshop_id}")
    return data


def _post(client, workshop_id: int, email: str):
    return client.post(f"/workshops/{workshop_id}", data=_form(client, workshop_id, email))


def test_a_registration_takes_few_statements_and_few_under_the_lock(app, client, world):
    elsewhere = make_workshop(app, world, title="Ailleurs", capacity=5)
    register(client, elsewhere, "deja@example.org")  # an address with its calendar link
    workshop_id = make_workshop(app, world, capacity=1)
    register(client, workshop_id, "premiere@example.org")  # the one seat
    for email, new_link, count in [
        # 20 statements before the mail was written outside the lock (issue 15).
        ("camille@example.org", True, 12),
        ("deja@example.org", False, 11),
    ]:
        data = _form(client, workshop_id, email)
        with statements(app) as seen:
            response = client.post(f"/workshops/{workshop_id}", data=data)
        assert response.status_code == 302
        shapes = [_shape(s) for s in seen]
        lock = shapes.index("UPDATE workshops")
        # Under the lock: read the counts again, write the registration, the calendar
        # link of a new address, the mail; then the commit.
        expected = ["SELECT", "INSERT registrations"]
        expected += ["INSERT private_feeds"] if new_link else []
        expected += ["INSERT outbox_mails"]
        assert [s for s in shapes[lock + 1 :] if s != "COMMIT"] == expected, seen
        # Before it: the view's workshop and territories (5), the counts, the address's
        # calendar link.
        assert len([s for s in shapes if s != "COMMIT"]) == count, seen
    with app.app_context():
        mine = db.session.scalars(
            select(Registration).where(Registration.workshop_id == workshop_id)
        )
        assert {r.email: r.status for r in mine} == {
            "premiere@example.org": RegistrationStatus.CONFIRMED,
            "camille@example.org": RegistrationStatus.WAITLISTED,
            "deja@example.org": RegistrationStatus.WAITLISTED,
        }


def test_the_mail_written_before_the_lock_is_the_one_queued(app, client, world):
    workshop_id = make_workshop(app, world, capacity=1)
    first, second = "premiere@example.org", "seconde@example.org"
    assert _post(client, workshop_id, first).status_code == 302
    assert _post(client, workshop_id, second).status_code == 302
    with app.app_context():
        mails = {
            m.to_address: m for m in db.session.scalars(select(OutboxMail).order_by(OutboxMail.id))
        }
        confirmed = mails[first]
        waitlisted = mails[second]
        assert confirmed.kind == "confirmed" and confirmed.calendar_method == "REQUEST"
        assert waitlisted.kind == "waitlisted" and "position 1" in waitlisted.text_body
        for mail in (confirmed, waitlisted):
            registration = db.session.get(Registration, mail.registration_id)
            assert registration.token in mail.text_body  # the management link is theirs
            link = registering.private_feeds.feed_link_of(email=registration.email)
            assert link is not None and link.token in mail.text_body
    assert registering.lock_hold_seconds  # each registration's lock was measured
