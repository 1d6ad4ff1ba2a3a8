"""Mail goes out through a real SMTP server on loopback (aiosmtpd): the invitation parses,
a server that is down delays mail without losing it, and no mail is sent twice."""

import email
import logging
import socket
from email import policy

import icalendar
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from blueprints.transaction import end_transaction
from extensions import db
from models import MailStatus, OutboxMail
from services.mail.delivery import build_message, claim
from services.mail.sender import send_due_mails
from tests.factories import NOW, make_workshop, register
from tests.helpers import login, text_of


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int):
        self.port, self.inbox, self.controller = port, Inbox(), None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app, monkeypatch):
    server = SmtpServer(free_port())
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)
    # Retry at once: the test is about not losing mail, not about waiting.
    monkeypatch.setitem(app.config, "MAIL_RETRY_BASE_SECONDS", 0)
    server.start()
    yield server
    server.stop()


def send(app) -> tuple[int, int, int]:
    with app.app_context():
        return send_due_mails(checkpoint=end_transaction)


def calendar_part(message) -> email.message.EmailMessage:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part


def test_confirmation_arrives_with_an_invitation_calendars_understand(app, client, world, smtp):
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "camille@example.org", name="Camille Martin")
    assert send(app) == (1, 0, 0)
    (message,) = smtp.inbox.messages
    assert message["To"] == "Camille Martin <camille@example.org>"
    assert message["Subject"] == "Inscription confirmée : Filière du réemploi"
    types = [p.get_content_type() for p in message.walk()]
    assert "text/plain" in types and "text/html" in types
    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:camille@example.org"
    assert event["ATTENDEE"].params["CN"] == "Camille Martin"
    assert str(event["ORGANIZER"]) == "mailto:" + app.config["MAIL_ORGANIZER"]
    assert event["SUMMARY"] == "Filière du réemploi"
    assert event.decoded("DTSTART").utcoffset() is not None
    attachment = [p for p in message.walk() if p.get_filename() == "invitation.ics"]
    assert len(attachment) == 1


def test_server_down_delays_mail_and_every_mail_arrives_once(app, world, smtp):
    workshop_id = make_workshop(app, world, capacity=1)
    smtp.stop()
    # Registrations succeed while the server is down.
    for number in (1, 2):
        response = register(app.test_client(), workshop_id, f"p{number}@example.org")
        assert response.status_code == 302
    assert send(app) == (0, 2, 0)
    with app.app_context():
        queued = list(db.session.scalars(select(OutboxMail)))
        assert all(m.status == MailStatus.PENDING and m.attempts == 1 for m in queued)
        assert all("ConnectionRefused" in m.last_error for m in queued)
    smtp.start()
    assert send(app) == (2, 0, 0)
    assert send(app) == (0, 0, 0)
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.inbox.messages) == [
        "p1@example.org",
        "p2@example.org",
    ]
    subjects = sorted(m["Subject"] for m in smtp.inbox.messages)
    assert subjects == [
        "Inscription confirmée : Filière du réemploi",
        "Liste d’attente : Filière du réemploi",
    ]


def test_a_claimed_mail_is_not_taken_by_a_second_sender(app, client, world):
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "a@example.org")
    with app.app_context():
        (mail_id,) = db.session.scalars(select(OutboxMail.id))
        assert claim(mail_id, NOW) is not None
        db.session.commit()
        assert claim(mail_id, NOW) is None  # the other sender finds it taken


def test_development_writes_eml_files_in_the_instance_folder(
    app, client, world, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path / "mail"))
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "a@example.org")
    assert send(app) == (1, 0, 0)
    (written,) = (tmp_path / "mail").glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == "Camille Martin <a@example.org>"
    assert icalendar.Calendar.from_ical(calendar_part(message).get_content())["METHOD"] == "REQUEST"


def test_mail_send_command_reports_what_it_did(app, client, world, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "a@example.org")
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0
    assert "Courriels envoyés : 1" in result.output


def test_a_failed_then_sent_mail_is_logged_by_id_without_the_address(
    app, client, world, smtp, caplog
):
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "camille@example.org", name="Camille Martin")
    with app.app_context():
        mail_id = db.session.scalar(select(OutboxMail.id))
    caplog.set_level(logging.INFO, logger="services")
    smtp.stop()
    assert send(app) == (0, 1, 0)
    smtp.start()
    assert send(app) == (1, 0, 0)
    assert [r.getMessage() for r in caplog.records if r.name == "services.mail.delivery"] == [
        f"mail {mail_id} claimed",
        f"mail {mail_id} failed (attempt 1), next attempt in 0 s",
        f"mail {mail_id} claimed",
        f"mail {mail_id} sent",
    ]
    assert not any("@" in r.getMessage() or "Camille" in r.getMessage() for r in caplog.records)


# Quotes, an apostrophe, a semicolon, a comma and a colon: each one means something in an
# address header, and all of them can be in a name typed in the form.
AWKWARD_NAME = 'Zoé "Zaza" d’Arc; Dupont, Jr: test'


def test_a_display_name_full_of_punctuation_stays_one_address(app, client, world, smtp):
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "zoe@example.org", name=AWKWARD_NAME)
    with app.app_context():
        built = build_message(db.session.scalars(select(OutboxMail)).one())
    parsed = email.message_from_bytes(bytes(built), policy=policy.default)
    assert send(app) == (1, 0, 0)
    (received,) = smtp.inbox.messages
    for message in (parsed, received):
        (address,) = message["To"].addresses
        assert address.display_name == AWKWARD_NAME
        assert address.addr_spec == "zoe@example.org"
        assert message["To"].groups[0].display_name is None  # not a group


def _break_the_name_of_the_queued_mail(app) -> int:
    """A row written before names were checked: a line break and a header after it."""
    with app.app_context():
        db.session.execute(
            update(OutboxMail).values(to_name="Camille\r\nBcc: everyone@example.org")
        )
        db.session.commit()
        return db.session.scalars(select(OutboxMail.id)).one()


def test_a_mail_that_cannot_be_built_fails_for_good_and_organisers_see_why(
    app, client, world, smtp
):
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "camille@example.org")
    mail_id = _break_the_name_of_the_queued_mail(app)
    assert send(app) == (0, 0, 1)
    assert send(app) == (0, 0, 0)  # not tried again
    assert smtp.inbox.messages == []
    with app.app_context():
        mail = db.session.get(OutboxMail, mail_id)
        assert mail.status == MailStatus.FAILED and mail.attempts == 1
        assert "CR or LF" in mail.last_error
    login(client, world.admin)
    page = text_of(client.get(f"/board/workshops/{workshop_id}/registrations"))
    assert "E-mail non envoyé : le message n’a pas pu être construit (ValueError:" in page


def test_a_server_error_still_goes_back_to_the_queue_not_to_failed(app, client, world, smtp):
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "camille@example.org")
    smtp.stop()
    assert send(app) == (0, 1, 0)
    with app.app_context():
        assert db.session.scalars(select(OutboxMail.status)).one() == MailStatus.PENDING


def _queue_mails(app, count: int) -> None:
    with app.app_context():
        for number in range(count):
            db.session.add(
                OutboxMail(
                    kind="confirmed",
                    to_address=f"p{number}@example.org",
                    to_name=f"Personne {number}",
                    subject="Inscription confirmée",
                    text_body="Bonjour",
                    html_body="<p>Bonjour</p>",
                    message_id=f"<{number}@test.example>",
                )
            )
        db.session.commit()


def test_one_send_without_loop_drains_every_due_mail_in_batches(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path))
    count = 250  # more than two batches of the sender's 100
    _queue_mails(app, count)
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert f"Courriels envoyés : {count}," in result.output
    assert len(list(tmp_path.glob("*.eml"))) == count
    with app.app_context():
        left = select(func.count()).where(OutboxMail.status != MailStatus.SENT)
        assert db.session.scalar(left) == 0
