"""Registering for a workshop without an account: capacity, waiting list, cancellation,
the mails they queue, and every refusal."""

import re
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import OutboxMail, Registration, RegistrationStatus, Workshop, WorkshopStatus
from models.types import new_token
from services.registration import registrations as registering
from tests.factories import NOW, make_workshop, register
from tests.helpers import csrf_token, plain_spaces, text_of


def statuses(app, workshop_id) -> dict[str, str]:
    with app.app_context():
        rows = db.session.scalars(
            select(Registration).where(Registration.workshop_id == workshop_id)
        )
        return {r.email: r.status.value for r in rows}


def mails(app, kind=None) -> list[OutboxMail]:
    with app.app_context():
        query = select(OutboxMail).order_by(OutboxMail.id)
        if kind:
            query = query.where(OutboxMail.kind == kind)
        result = list(db.session.scalars(query))
        db.session.expunge_all()
        return result


def calendar_of(mail: OutboxMail) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(mail.calendar)


def test_first_registrations_are_confirmed_with_an_invitation(app, client, world):
    workshop_id = make_workshop(app, world)
    response = register(client, workshop_id, "Camille@Example.org")
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Votre inscription est confirmée." in page
    assert "Confirmée" in page and "Votre place est réservée" in page
    assert statuses(app, workshop_id) == {"camille@example.org": "confirmed"}
    (confirmation,) = mails(app, "confirmed")
    assert confirmation.to_address == "camille@example.org"
    assert "Votre inscription à l’atelier « Filière du réemploi » est confirmée." in plain_spaces(
        confirmation.text_body
    )
    calendar = calendar_of(confirmation)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    with app.app_context():
        assert str(event["UID"]) == db.session.get(Workshop, workshop_id).uid
    assert str(event["ATTENDEE"]) == "mailto:camille@example.org"
    assert str(event["ORGANIZER"]) == "mailto:" + app.config["MAIL_ORGANIZER"]
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_beyond_capacity_people_wait_in_arrival_order_with_exact_positions(app, client, world):
    workshop_id = make_workshop(app, world, capacity=2)
    pages = []
    for number in range(1, 6):
        response = register(app.test_client(), workshop_id, f"p{number}@example.org")
        pages.append(response.headers["Location"])
    assert list(statuses(app, workshop_id).values()).count("confirmed") == 2
    for number, location in enumerate(pages[2:], start=1):
        assert f"Liste d’attente, position {number}" in text_of(client.get(location))
    waiting = mails(app, "waitlisted")
    assert [m.to_address for m in waiting] == ["p3@example.org", "p4@example.org", "p5@example.org"]
    assert "en position 2" in waiting[1].text_body
    assert all(m.calendar is None for m in waiting)  # no seat, no invitation
    detail = text_of(client.get(f"/workshops/{workshop_id}"))
    assert "complet, 3 personnes en liste d’attente" in detail
    # A full workshop says what its button does: the next registration waits.
    assert "Rejoindre la liste d’attente" in detail and "Je m’inscris" not in detail


def test_registration_form_lets_the_browser_fill_in_name_and_address(app, client, world):
    page = client.get(f"/workshops/{make_workshop(app, world)}").get_data(as_text=True)
    assert re.search(r'<input[^>]*autocomplete="name"[^>]*name="name"', page)
    assert re.search(r'<input[^>]*autocomplete="email"[^>]*name="email"', page)
    assert re.search(r'<input[^>]*autocomplete="organization"[^>]*name="organisation"', page)


def test_cancelling_with_the_link_promotes_the_next_person_and_tells_both(app, client, world):
    workshop_id = make_workshop(app, world, capacity=1)
    first = register(app.test_client(), workshop_id, "first@example.org").headers["Location"]
    second = register(app.test_client(), workshop_id, "second@example.org").headers["Location"]
    third = register(app.test_client(), workshop_id, "third@example.org").headers["Location"]
    token_page = client.get(first)
    response = client.post(
        f"{first}/cancel", data={"csrf_token": csrf_token(client, first), "confirmation": "oui"}
    )
    assert response.status_code == 302
    assert "Votre inscription est annulée." in text_of(client.get(first))
    assert token_page.status_code == 200
    assert statuses(app, workshop_id) == {
        "first@example.org": "cancelled",
        "second@example.org": "confirmed",
        "third@example.org": "waitlisted",
    }
    assert "Liste d’attente, position 1" in text_of(client.get(third))  # no gap left behind
    assert "Confirmée" in text_of(client.get(second))
    (cancelled,) = mails(app, "cancelled")
    (promoted,) = mails(app, "promoted")
    (request,) = mails(app, "confirmed")
    assert promoted.to_address == "second@example.org"
    assert calendar_of(promoted)["METHOD"] == "REQUEST"
    cancel = calendar_of(cancelled)
    assert cancel["METHOD"] == "CANCEL"
    (event,) = cancel.walk("VEVENT")
    (requested,) = calendar_of(request).walk("VEVENT")
    assert event["UID"] == requested["UID"]
    assert event["SEQUENCE"] > requested["SEQUENCE"]
    assert event["STATUS"] == "CANCELLED"


def test_cancelling_twice_changes_nothing(app, client, world):
    workshop_id = make_workshop(app, world)
    location = register(client, workshop_id, "a@example.org").headers["Location"]
    for _ in range(2):
        client.post(
            f"{location}/cancel",
            data={"csrf_token": csrf_token(client, location), "confirmation": "oui"},
        )
    assert len(mails(app, "cancelled")) == 1
    assert "était déjà annulée" in text_of(client.get(location))


def test_same_address_twice_is_refused_and_nothing_written(app, client, world):
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "camille@example.org")
    response = register(client, workshop_id, "  CAMILLE@example.org ")
    assert response.status_code == 409
    assert "Cette adresse e-mail est déjà inscrite à cet atelier." in text_of(response)
    assert len(statuses(app, workshop_id)) == 1
    assert len(mails(app)) == 1


def test_the_database_refuses_a_second_row_for_the_same_address(app, world):
    workshop_id = make_workshop(app, world)
    with app.app_context():
        for _ in range(2):
            db.session.add(
                Registration(
                    workshop_id=workshop_id,
                    name="X",
                    email="twin@example.org",
                    token=new_token(),
                    status=RegistrationStatus.CONFIRMED,
                    consented_at=NOW,
                )
            )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


@pytest.mark.parametrize(
    "change,message",
    [
        ({"status": WorkshopStatus.CANCELLED}, "Cet atelier est annulé"),
        (
            {"registration_closes_at": NOW - timedelta(hours=1)},
            "Les inscriptions à cet atelier sont closes.",
        ),
        ({"registration_opens_at": NOW + timedelta(days=2)}, "Les inscriptions ouvriront le"),
    ],
    ids=["cancelled", "closed", "not_yet_open"],
)
def test_registration_refused_when_the_workshop_does_not_take_any(
    app, client, world, change, message
):
    workshop_id = make_workshop(app, world, **change)
    page = text_of(client.get(f"/workshops/{workshop_id}"))
    assert message in page
    assert "Je m’inscris" not in page
    response = register(client, workshop_id, "late@example.org")
    assert response.status_code == 409
    assert message in text_of(response)
    assert statuses(app, workshop_id) == {}
    assert mails(app) == []


def test_draft_workshop_is_invisible_to_visitors(app, client, world):
    workshop_id = make_workshop(app, world, status=WorkshopStatus.DRAFT)
    assert client.get(f"/workshops/{workshop_id}").status_code == 404
    assert register(client, workshop_id, "x@example.org").status_code == 404
    assert "Filière du réemploi" not in text_of(client.get("/workshops/"))


@pytest.mark.parametrize(
    "data,message",
    [
        ({"consent": ""}, "Votre accord est nécessaire"),
        ({"email": "pas-une-adresse"}, "Cette adresse e-mail n’est pas valide."),
        ({"name": ""}, "Indiquez votre nom."),
        ({"territory_id": "999999"}, "Territoire inconnu"),
        ({"territory_id": str(2**63)}, "Territoire inconnu"),
        ({"name": "Camille\x00"}, "caractère de contrôle"),
    ],
)
def test_invalid_registration_is_refused_with_a_french_message(app, client, world, data, message):
    workshop_id = make_workshop(app, world)
    fields = {"name": "Camille", "email": "c@example.org", "consent": "y", **data}
    fields["csrf_token"] = csrf_token(client, f"/workshops/{workshop_id}")
    response = client.post(f"/workshops/{workshop_id}", data=fields)
    assert response.status_code == 400
    assert message in text_of(response)
    assert statuses(app, workshop_id) == {}


@pytest.mark.parametrize(
    "field,value",
    [
        ("name", "Camille\r\nBcc: everyone@example.org"),
        ("name", "Camille\nMartin"),
        ("name", "Camille\x00"),
        ("organisation", "Tiers-lieu\tdu port"),
        ("organisation", "Ligne\u2028suivante"),
    ],
)
def test_a_line_break_or_control_character_in_a_name_is_refused(app, client, world, field, value):
    workshop_id = make_workshop(app, world)
    message = "Écrivez-le sur une seule ligne, sans tabulation ni caractère de contrôle."
    fields = {"name": "Camille", "email": "c@example.org", "consent": "y", field: value}
    fields["csrf_token"] = csrf_token(client, f"/workshops/{workshop_id}")
    response = client.post(f"/workshops/{workshop_id}", data=fields)
    assert response.status_code == 400
    # A NUL byte is refused for the whole request before any form (blueprints/input_guards).
    whole_request = "La demande contient un caractère de contrôle"
    assert (whole_request if "\x00" in value else message) in text_of(response)
    # The service refuses it too, for callers that do not go through the form.
    with app.test_request_context():
        service_fields = registering.RegistrationFields("Camille", "c@example.org", consent=True)
        setattr(service_fields, field, value)
        with pytest.raises(registering.InvalidInput) as refused:
            registering.register(workshop_id, service_fields, NOW)
        assert refused.value.errors[field] == [message]
        db.session.rollback()
    assert statuses(app, workshop_id) == {}
    assert mails(app) == []


def test_surrounding_spaces_and_line_breaks_are_trimmed_not_refused(app, client, world):
    workshop_id = make_workshop(app, world)
    response = register(client, workshop_id, "c@example.org", name="  Camille Martin\r\n")
    assert response.status_code == 302
    (confirmation,) = mails(app, "confirmed")
    assert confirmation.to_name == "Camille Martin"


def test_registration_without_csrf_token_is_refused(app, client, world):
    workshop_id = make_workshop(app, world)
    response = client.post(
        f"/workshops/{workshop_id}", data={"name": "A", "email": "a@example.org", "consent": "y"}
    )
    assert response.status_code == 400
    assert statuses(app, workshop_id) == {}


def test_management_link_is_unguessable_and_unknown_links_are_404(app, client, world):
    workshop_id = make_workshop(app, world)
    location = register(client, workshop_id, "a@example.org").headers["Location"]
    token = location.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 random bits in URL-safe base64
    assert client.get("/registrations/" + "A" * 43).status_code == 404
    assert client.get("/registrations/" + token[:-1]).status_code == 404
    assert (
        client.post(
            "/registrations/nope/cancel",
            data={"csrf_token": csrf_token(client), "confirmation": "oui"},
        ).status_code
        == 404
    )


def test_participant_registering_in_english_gets_english_mail(app, client, world):
    workshop_id = make_workshop(app, world)
    client.post("/langue", data={"lang": "en", "csrf_token": csrf_token(client)})
    register(client, workshop_id, "jane@example.org", name="Jane Doe")
    (confirmation,) = mails(app, "confirmed")
    assert confirmation.subject.startswith("Registration confirmed")
    assert "Hello Jane Doe," in confirmation.text_body


def test_raising_capacity_promotes_as_many_as_fit_lowering_below_confirmed_is_refused(app, world):
    workshop_id = make_workshop(app, world, capacity=1)
    for number in range(1, 5):
        register(app.test_client(), workshop_id, f"p{number}@example.org")
    with app.test_request_context():
        workshop = db.session.get(Workshop, workshop_id)
        promoted = registering.change_capacity(workshop, 3)
        db.session.commit()
        assert [r.email for r in promoted] == ["p2@example.org", "p3@example.org"]
        with pytest.raises(registering.InvalidInput) as refused:
            registering.change_capacity(db.session.get(Workshop, workshop_id), 2)
        assert "3 personnes sont déjà confirmées" in refused.value.errors["capacity"][0]
        db.session.rollback()
    assert list(statuses(app, workshop_id).values()).count("confirmed") == 3
    assert [m.to_address for m in mails(app, "promoted")] == ["p2@example.org", "p3@example.org"]


def test_workshops_list_filters_and_shows_seats_left(app, client, world):
    workshop_id = make_workshop(app, world, capacity=3)
    register(client, workshop_id, "a@example.org")
    page = text_of(client.get("/workshops/"))
    assert "Filière du réemploi" in page and "2 places restantes" in page
    assert "Filière du réemploi" in text_of(
        client.get("/workshops/?defi=reemploi&territoire=roubaix")
    )
    assert "Filière du réemploi" not in text_of(client.get("/workshops/?territoire=mayotte"))
    response = client.get("/workshops/?defi=inconnu")
    assert response.status_code == 400
    assert "Défi inconnu" in text_of(response)


def test_privacy_notice_is_linked_from_the_form(app, client, world):
    workshop_id = make_workshop(app, world)
    assert "/confidentialite" in text_of(client.get(f"/workshops/{workshop_id}"))
    assert "Notice de confidentialité" in text_of(client.get("/confidentialite"))


def test_registration_counts_in_one_transaction_with_its_mail(app, world):
    """A refused registration leaves neither a row nor a mail behind."""
    workshop_id = make_workshop(app, world, status=WorkshopStatus.CANCELLED)
    with app.test_request_context():
        with pytest.raises(registering.RegistrationRefused):
            registering.register(
                workshop_id, registering.RegistrationFields("A", "a@example.org", consent=True), NOW
            )
        db.session.rollback()
        assert db.session.scalar(select(func.count(OutboxMail.id))) == 0
        assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_refused_registration_says_error_in_the_title_and_links_each_field(app, client, world):
    from tests.helpers import post_form

    workshop_id = make_workshop(app, world)
    response = post_form(client, f"/workshops/{workshop_id}", {"name": "", "email": "x"})
    assert response.status_code == 400
    page = text_of(response)
    assert re.search(r"<title>Erreur : ", page)
    summary = re.search(
        r'<div class="[^"]*fi-error-summary[^"]*"[^>]*data-error-summary>(.*?)</div>', page, re.S
    )
    assert summary and "Le formulaire contient 3 erreurs" in summary.group(1)
    assert '<a href="#name">Nom et prénom : Indiquez votre nom.</a>' in summary.group(1)
    assert 'href="#email"' in summary.group(1) and 'href="#consent"' in summary.group(1)
    # Help texts and error messages are tied to their field.
    assert 'aria-describedby="name-messages"' in page
    assert 'aria-describedby="email-aide email-messages"' in page
