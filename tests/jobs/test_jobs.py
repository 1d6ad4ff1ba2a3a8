"""Background jobs run as a consumer runs them (tests/jobs/runner.py): the outbox drained to
a real SMTP server, reminders sent once two days before, failures retried with back-off and
shown to admins, the tour programme rendered by a job while the route answers at once."""

from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import func, select

import jobs
from extensions import db
from jobs.queue import job
from models import FailedJob, MailStatus, OutboxMail, Registration, RenderedDocument, TourStop
from tests.factories import NOW, make_workshop, register, sign_up
from tests.helpers import login, text_of
from tests.jobs.runner import queued, run_jobs
from tests.mail.test_mail_delivery import SmtpServer, calendar_part, free_port

TOUR_PDF = "/tours/tournee-test/programme.pdf"


@pytest.fixture
def smtp(app, monkeypatch):
    server = SmtpServer(free_port())
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 5)
    server.start()
    yield server
    server.stop()


def _mail_statuses(app) -> list[MailStatus]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMail.status).order_by(OutboxMail.id)))


def test_outbox_is_drained_by_the_job_queued_when_the_mail_was(app, client, world, smtp):
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "camille@example.org", name="Camille Martin")
    # The registration's transaction wrote the mail and queued a pass of the outbox.
    assert queued() == ["send_outbox"]
    assert smtp.inbox.messages == []
    run_jobs(app)
    (message,) = smtp.inbox.messages
    assert message["To"] == "Camille Martin <camille@example.org>"
    assert _mail_statuses(app) == [MailStatus.SENT]
    # The pass is idempotent: run again, nothing is sent twice.
    jobs.enqueue("send_outbox")
    run_jobs(app)
    assert len(smtp.inbox.messages) == 1


def _registered_long_ago(app, workshop_id: int, name: str) -> int:
    """A confirmed registration made weeks before the workshop (sign_up's default date)."""
    return sign_up(app, workshop_id, name)


def test_reminder_goes_once_two_days_before_with_the_invitation(app, world, smtp):
    soon = make_workshop(
        app,
        world,
        title="Atelier bientôt",
        starts_at=NOW + timedelta(hours=30),
        ends_at=NOW + timedelta(hours=32),
        capacity=1,
    )
    later = make_workshop(
        app,
        world,
        title="Atelier plus tard",
        starts_at=NOW + timedelta(days=5),
        ends_at=NOW + timedelta(days=5, hours=2),
    )
    camille = _registered_long_ago(app, soon, "Camille Martin")
    _registered_long_ago(app, soon, "Dominique Waitlisted")  # capacity 1: on the waiting list
    _registered_long_ago(app, later, "Éva Later")
    run_jobs(app)  # the confirmation mails
    confirmations = len(smtp.inbox.messages)

    jobs.enqueue("send_reminders")
    run_jobs(app)
    reminders = smtp.inbox.messages[confirmations:]
    (reminder,) = reminders  # neither the waitlisted one nor the workshop in five days
    assert reminder["To"] == "Camille Martin <camille.martin@example.org>"
    assert reminder["Subject"] == "Rappel, dans deux jours : Atelier bientôt"
    assert "moins de deux jours" in reminder.get_body(("plain",)).get_content()
    calendar = icalendar.Calendar.from_ical(calendar_part(reminder).get_content())
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["ATTENDEE"]) == "mailto:camille.martin@example.org"
    assert event["SUMMARY"] == "Atelier bientôt"
    with app.app_context():
        registration = db.session.get(Registration, camille)
        assert registration.reminder_sent_at is not None
        uid = registration.workshop.uid
    assert str(event["UID"]) == uid

    # Again, and twice at once (two consumers): no second reminder.
    jobs.enqueue("send_reminders")
    jobs.enqueue("send_reminders")
    run_jobs(app)
    assert len(smtp.inbox.messages) == confirmations + 1


def test_reminder_is_not_sent_for_a_registration_made_within_the_two_days(app, world, smtp):
    soon = make_workshop(
        app, world, starts_at=NOW + timedelta(hours=30), ends_at=NOW + timedelta(hours=32)
    )
    sign_up(app, soon, "Camille Martin", now=NOW)  # its confirmation carries the invitation
    run_jobs(app)
    jobs.enqueue("send_reminders")
    run_jobs(app)
    assert [m["Subject"].split(" :")[0] for m in smtp.inbox.messages] == ["Inscription confirmée"]


ATTEMPTS: list[int] = []


@job(retries=2, retry_delay=5, retry_backoff=2)
def always_fails_for_tests(stop_id: int) -> None:
    """A job whose every attempt fails, as one whose service is down for good."""
    ATTEMPTS.append(stop_id)
    raise ConnectionRefusedError("relais SMTP injoignable (test)")


def test_failing_job_is_retried_with_back_off_then_shown_to_admins(app, client, world):
    ATTEMPTS.clear()
    jobs.enqueue("always_fails_for_tests", 42)
    run_jobs(app)
    assert ATTEMPTS == [42]
    (retry,) = jobs.huey.scheduled()
    first_delay = retry.retry_delay
    run_jobs(app, later=timedelta(seconds=6))
    assert ATTEMPTS == [42, 42]
    (retry,) = jobs.huey.scheduled()
    assert retry.retry_delay == first_delay * 2  # back-off
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FailedJob)) == 0
    run_jobs(app, later=timedelta(seconds=30))
    assert ATTEMPTS == [42, 42, 42]
    assert jobs.huey.scheduled() == []
    with app.app_context():
        (failure,) = db.session.scalars(select(FailedJob))
        assert failure.name == "always_fails_for_tests"
        assert failure.attempts == 3
        assert failure.arguments == "42"
        assert failure.error == "ConnectionRefusedError: relais SMTP injoignable (test)"

    assert client.get("/admin/taches-de-fond").status_code == 302  # anonymous: to the login
    assert "/login" in client.get("/admin/taches-de-fond").headers["Location"]
    login(client, world.roubaix_organiser)
    assert client.get("/admin/taches-de-fond").status_code == 403
    client.post("/logout", data={})
    admin = client.application.test_client()
    login(admin, world.admin)
    page = admin.get("/admin/taches-de-fond")
    assert page.status_code == 200
    text = text_of(page)
    assert "always_fails_for_tests" in text
    assert "relais SMTP injoignable (test)" in text


def test_failed_jobs_page_says_when_none_failed(client, world):
    login(client, world.admin)
    assert "Aucune tâche de fond n’a échoué" in text_of(client.get("/admin/taches-de-fond"))


def test_tour_programme_answers_a_progress_page_at_once_then_the_pdf(app, client, world):
    first = client.get(TOUR_PDF)
    assert first.status_code == 202
    assert first.headers["Cache-Control"] == "no-store"
    page = first.get_data(as_text=True)
    # No inline script (CSP): a static script updates the bar, a meta refresh without it.
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert '<progress id="document-progress" max="100">' in page
    assert "js/document-progress.js" in page
    assert "render_document" in queued()
    progress = client.get(TOUR_PDF, headers={"Accept": "application/json"})
    assert progress.status_code == 202
    assert progress.json == {
        "ready": False,
        "percent": None,
        "pages": 0,
        "text": "0 pages mises en page",
    }

    run_jobs(app)
    pdf = client.get(TOUR_PDF)
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert queued() == []
    with app.app_context():
        (stored,) = db.session.scalars(select(RenderedDocument))
        assert stored.etag == pdf.headers["ETag"]
        assert stored.pages >= 1
        # Progress was fed by WeasyPrint's pages: the work done is the next estimate.
        assert stored.pages_laid_out == stored.pages_expected >= stored.pages
        rendered_at = stored.rendered_at
        # The plan changes: the last version is served at once, a new one is queued.
        db.session.get(TourStop, world.nantes_stop_id).venue_name = "Le Solilab"
        db.session.commit()
    stale = client.get(TOUR_PDF)
    assert stale.status_code == 200
    assert stale.headers["ETag"] == pdf.headers["ETag"]
    assert stale.headers["Cache-Control"] == "no-cache"
    assert queued() == ["render_document"]
    jobs.enqueue("render_document", "tour", str(world.tour_id))  # twice: rendered once
    run_jobs(app)
    fresh = client.get(TOUR_PDF)
    assert fresh.status_code == 200
    assert fresh.headers["ETag"] != pdf.headers["ETag"]
    with app.app_context():
        (stored,) = db.session.scalars(select(RenderedDocument))
        assert stored.rendered_at > rendered_at
        assert stored.etag == fresh.headers["ETag"]
        assert stored.rendering_etag is None


def test_programmes_changed_since_rendered_are_rendered_again_in_the_background(app, client, world):
    client.get(TOUR_PDF)
    run_jobs(app)
    jobs.enqueue("refresh_documents")
    run_jobs(app)
    assert queued() == []  # nothing changed
    with app.app_context():
        db.session.get(TourStop, world.nantes_stop_id).venue_name = "Le Solilab"
        db.session.commit()
    jobs.enqueue("refresh_documents")
    run_jobs(app)
    fresh = client.get(TOUR_PDF)
    assert fresh.status_code == 200 and fresh.headers["Cache-Control"].startswith("public")


def test_bad_document_requests_are_refused_and_unknown_jobs_named(app, client, world):
    assert client.get(TOUR_PDF + "?format=docx").status_code == 400
    assert client.get("/tours/inconnue/programme.pdf").status_code == 404
    assert queued() == []
    with pytest.raises(KeyError):
        jobs.enqueue("no_such_job")
    # A job for a document whose subject is gone does nothing and does not fail.
    jobs.enqueue("render_document", "tour", "999999")
    jobs.enqueue("render_document", "unknown-kind", "1")
    run_jobs(app)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FailedJob)) == 0
        assert db.session.scalar(select(func.count()).select_from(RenderedDocument)) == 0
