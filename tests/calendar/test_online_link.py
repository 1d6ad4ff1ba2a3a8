"""The online meeting link of a workshop reaches only confirmed participants (their mail,
their private feed, their registration's own calendar file): never a public feed, and not
the waiting list."""

from datetime import UTC, datetime

import icalendar
import pytest
from sqlalchemy import select

from extensions import db
from models import OutboxMail, PrivateFeed, Registration, Speaker
from services.registration.registrations import cancel_registration
from tests.factories import make_workshop, register
from tests.helpers import csrf_token, text_of

MEETING = "https://visio.example.org/atelier-reemploi"


@pytest.fixture
def online(app, world) -> int:
    """An online workshop of one seat, facilitated by Zoé Martin, on the Réemploi challenge."""
    return make_workshop(
        app,
        world,
        capacity=1,
        venue_name="",
        online_url=MEETING,
        facilitators=[("Zoé Martin", "Tiers-lieu")],
    )


def vevents(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def feed_token(app, email: str) -> str:
    with app.app_context():
        token = db.session.scalar(select(PrivateFeed.token).where(PrivateFeed.email == email))
        assert token is not None
        return token


def test_public_feeds_say_online_without_the_meeting_link(app, client, world, online):
    with app.app_context():
        zoe = db.session.scalar(select(Speaker.id).where(Speaker.name == "Zoé Martin"))
    for url in (
        f"/calendar/tours/{world.tour_slug}.ics",
        "/calendar/territories/nantes.ics",
        "/calendar/challenges/reemploi.ics",
        f"/calendar/workshops/{online}.ics",
        f"/calendar/speakers/{zoe}.ics",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"visio.example.org" not in response.data, url
        (workshop,) = [e for e in vevents(response.data) if "Filière" in str(e["SUMMARY"])]
        assert str(workshop["LOCATION"]) == "En ligne", url


def test_confirmed_participant_feed_has_the_link_waitlisted_does_not(app, client, world, online):
    register(app.test_client(), online, "first@example.org")
    register(app.test_client(), online, "second@example.org")  # waitlisted: one seat
    first = client.get(f"/calendar/private/{feed_token(app, 'first@example.org')}.ics")
    (item,) = vevents(first.data)
    assert str(item["LOCATION"]) == MEETING
    second = client.get(f"/calendar/private/{feed_token(app, 'second@example.org')}.ics")
    assert b"visio.example.org" not in second.data
    (item,) = vevents(second.data)
    assert str(item["STATUS"]) == "TENTATIVE" and str(item["LOCATION"]) == "En ligne"


def test_promoted_participant_feed_gets_the_link(app, client, world, online):
    register(app.test_client(), online, "first@example.org")
    register(app.test_client(), online, "second@example.org")
    url = f"/calendar/private/{feed_token(app, 'second@example.org')}.ics"
    assert b"visio.example.org" not in client.get(url).data
    with app.test_request_context():
        first = db.session.scalar(
            select(Registration).where(Registration.email == "first@example.org")
        )
        cancel_registration(first, datetime.now(UTC))
        db.session.commit()
    (item,) = vevents(client.get(url).data)
    assert str(item["STATUS"]) == "CONFIRMED" and str(item["LOCATION"]) == MEETING


def test_registration_calendar_file_has_the_link_only_for_a_confirmed_seat(
    app, client, world, online
):
    confirmed = register(app.test_client(), online, "first@example.org").headers["Location"]
    waiting = register(app.test_client(), online, "second@example.org").headers["Location"]
    for page, location in ((confirmed, MEETING), (waiting, "En ligne")):
        token = page.rsplit("/", 1)[1]
        response = client.get(f"/calendar/registrations/{token}.ics")
        assert response.status_code == 200
        assert response.headers["Cache-Control"].startswith("private")
        (item,) = vevents(response.data)
        assert str(item["LOCATION"]) == location


def test_invitation_and_mail_carry_the_link_for_a_seat_only(app, world, online):
    register(app.test_client(), online, "first@example.org")
    register(app.test_client(), online, "second@example.org")
    with app.app_context():
        confirmed, waitlisted = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id))
        assert confirmed.kind == "confirmed" and waitlisted.kind == "waitlisted"
        assert MEETING in confirmed.text_body and MEETING in confirmed.html_body
        assert confirmed.calendar is not None
        (invitation,) = vevents(confirmed.calendar.encode())
        assert str(invitation["LOCATION"]) == MEETING
        assert MEETING not in waitlisted.text_body and MEETING not in waitlisted.html_body
        assert "le lien vous sera envoyé si une place se libère" in waitlisted.text_body


def test_cancellation_mail_leaves_the_link_out(app, client, world, online):
    page = register(client, online, "first@example.org").headers["Location"]
    client.post(
        f"{page}/cancel", data={"csrf_token": csrf_token(client, page), "confirmation": "oui"}
    )
    with app.app_context():
        cancelled = db.session.scalars(
            select(OutboxMail).where(OutboxMail.kind == "cancelled")
        ).one()
        assert MEETING not in cancelled.text_body + cancelled.html_body
        assert cancelled.calendar is not None and MEETING not in cancelled.calendar


def test_registration_page_shows_the_link_to_a_confirmed_seat_only(app, client, world, online):
    confirmed = register(app.test_client(), online, "first@example.org").headers["Location"]
    waiting = register(app.test_client(), online, "second@example.org").headers["Location"]
    assert MEETING in text_of(client.get(confirmed))
    page = text_of(client.get(waiting))
    assert MEETING not in page
    assert "le lien vous sera envoyé si une place se libère" in page
    public = text_of(client.get(f"/workshops/{online}"))
    assert MEETING not in public
    assert "le lien est envoyé aux personnes dont l’inscription est confirmée" in public
