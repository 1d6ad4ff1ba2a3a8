"""What a participant does alone with their link: cancel only after saying yes, register
again after cancelling, copy their link, and get their links again by mail when lost."""

import re

import icalendar
from sqlalchemy import select

from extensions import db
from models import OutboxMail, Registration, Workshop, WorkshopStatus
from tests.factories import make_workshop, register
from tests.helpers import csrf_token, text_of


def registration_of(app, email: str) -> Registration:
    with app.app_context():
        found = db.session.scalar(select(Registration).where(Registration.email == email))
        db.session.expunge_all()
        return found


def mails(app, kind: str) -> list[OutboxMail]:
    with app.app_context():
        found = list(
            db.session.scalars(
                select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id)
            )
        )
        db.session.expunge_all()
        return found


def cancel(client, page: str, **extra):
    return client.post(f"{page}/cancel", data={"csrf_token": csrf_token(client, page), **extra})


def test_cancelling_asks_first_and_a_post_without_yes_changes_nothing(app, client, world):
    workshop_id = make_workshop(app, world)
    page = register(client, workshop_id, "camille@example.org").headers["Location"]
    html = client.get(page).get_data(as_text=True)
    # The button opens a DSFR modal whose form carries the yes.
    assert 'data-confirm-dialog="annuler-inscription"' in html
    assert re.search(r'<dialog id="annuler-inscription"[^>]*class="fr-modal"', html)
    asked = cancel(client, page)
    assert asked.status_code == 200
    question = text_of(asked)
    assert "Annuler votre inscription ?" in question
    assert "Oui, annuler mon inscription" in question
    assert 'name="confirmation" value="oui"' in asked.get_data(as_text=True)
    assert registration_of(app, "camille@example.org").status.value == "confirmed"
    assert mails(app, "cancelled") == []
    done = cancel(client, page, confirmation="oui")
    assert done.status_code == 302
    assert registration_of(app, "camille@example.org").status.value == "cancelled"


def test_a_cancelled_registration_can_take_a_place_again(app, client, world):
    workshop_id = make_workshop(app, world, capacity=1)
    page = register(client, workshop_id, "camille@example.org").headers["Location"]
    cancel(client, page, confirmation="oui")
    assert "M’inscrire à nouveau" in text_of(client.get(page))
    # Meanwhile someone else took the only seat.
    register(app.test_client(), workshop_id, "dominique@example.org")
    again = client.post(f"{page}/again", data={"csrf_token": csrf_token(client, page)})
    assert again.status_code == 302
    shown = text_of(client.get(page))
    assert "Liste d’attente, position 1" in shown
    assert registration_of(app, "camille@example.org").status.value == "waitlisted"
    (waitlisted,) = [m for m in mails(app, "waitlisted") if m.to_address == "camille@example.org"]
    assert "position 1" in waitlisted.text_body
    # A second click changes nothing and says so.
    twice = client.post(f"{page}/again", data={"csrf_token": csrf_token(client, page)})
    assert "déjà active" in text_of(client.get(twice.headers["Location"]))


def test_a_seat_taken_again_sends_an_invitation_newer_than_the_cancellation(app, client, world):
    workshop_id = make_workshop(app, world)
    page = register(client, workshop_id, "camille@example.org").headers["Location"]
    cancel(client, page, confirmation="oui")
    client.post(f"{page}/again", data={"csrf_token": csrf_token(client, page)})
    assert registration_of(app, "camille@example.org").status.value == "confirmed"
    (cancelled,) = mails(app, "cancelled")
    first, second = mails(app, "confirmed")
    sequence = {
        name: icalendar.Calendar.from_ical(m.calendar).walk("VEVENT")[0]["SEQUENCE"]
        for name, m in (("first", first), ("cancel", cancelled), ("again", second))
    }
    assert sequence["first"] < sequence["cancel"] < sequence["again"]


def test_registering_again_is_refused_with_a_reason_once_the_workshop_closed(app, client, world):
    workshop_id = make_workshop(app, world)
    page = register(client, workshop_id, "camille@example.org").headers["Location"]
    cancel(client, page, confirmation="oui")
    token = csrf_token(client, page)
    with app.app_context():
        db.session.get(Workshop, workshop_id).status = WorkshopStatus.CANCELLED
        db.session.commit()
    shown = text_of(client.get(page))
    assert "M’inscrire à nouveau" not in shown
    assert "Voir les autres ateliers" in shown
    refused = client.post(f"{page}/again", data={"csrf_token": token})
    assert "annulé" in text_of(client.get(refused.headers["Location"]))
    assert registration_of(app, "camille@example.org").status.value == "cancelled"


def test_the_form_takes_back_a_cancelled_address_with_a_new_link(app, client, world):
    workshop_id = make_workshop(app, world)
    old_page = register(client, workshop_id, "camille@example.org").headers["Location"]
    cancel(client, old_page, confirmation="oui")
    response = register(app.test_client(), workshop_id, "camille@example.org", name="C. Martin")
    assert response.status_code == 302
    new_page = response.headers["Location"]
    assert new_page != old_page
    assert client.get(old_page).status_code == 404
    assert "C. Martin" in text_of(client.get(new_page))
    assert registration_of(app, "camille@example.org").status.value == "confirmed"


def test_the_registration_page_offers_its_own_address_to_copy(app, client, world):
    workshop_id = make_workshop(app, world)
    page = register(client, workshop_id, "camille@example.org").headers["Location"]
    html = client.get(page).get_data(as_text=True)
    copied = re.search(r'<input[^>]*id="lien-inscription"[^>]*value="([^"]+)"', html)
    assert copied and copied.group(1).endswith(page)
    assert 'data-copy="lien-inscription"' in html
    assert "/registrations/lien-perdu" in html


def ask_for_links(client, email: str):
    page = "/registrations/lien-perdu"
    return client.post(page, data={"email": email, "csrf_token": csrf_token(client, page)})


def test_lost_links_go_by_mail_to_the_address_only(app, client, world):
    first = make_workshop(app, world, title="Atelier un")
    second = make_workshop(app, world, title="Atelier deux")
    one = register(client, first, "camille@example.org").headers["Location"]
    two = register(client, second, "camille@example.org").headers["Location"]
    register(client, first, "other@example.org")
    response = ask_for_links(client, " Camille@Example.org ")
    assert response.status_code == 303
    answer = text_of(client.get(response.headers["Location"]))
    assert "un e-mail avec ses liens vient de partir" in answer
    assert one not in answer and two not in answer  # never shown on the page
    (sent,) = mails(app, "registration_links")
    assert sent.to_address == "camille@example.org"
    assert one in sent.text_body and two in sent.text_body
    assert "Atelier un" in sent.html_body and "Atelier deux" in sent.html_body
    assert "other@example.org" not in sent.text_body


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, client, world):
    make_workshop(app, world)
    response = ask_for_links(client, "nobody@example.org")
    assert response.status_code == 303
    answer = text_of(client.get(response.headers["Location"]))
    assert "un e-mail avec ses liens vient de partir" in answer
    assert mails(app, "registration_links") == []


def test_asking_again_and_again_sends_one_mail(app, client, world):
    workshop_id = make_workshop(app, world)
    register(client, workshop_id, "camille@example.org")
    for _ in range(3):
        assert ask_for_links(client, "camille@example.org").status_code == 303
    assert len(mails(app, "registration_links")) == 1


def test_a_wrong_address_is_refused_with_a_french_message(app, client, world):
    for wrong, message in (
        ("", "Indiquez votre adresse e-mail."),
        ("pas-une-adresse", "n’est pas valide"),
    ):
        response = ask_for_links(client, wrong)
        assert response.status_code == 400
        assert message in text_of(response)
        assert response.get_data(as_text=True).count("<title>Erreur") == 1
    assert mails(app, "registration_links") == []


def test_asking_for_links_is_rate_limited(app, client, world):
    statuses = [ask_for_links(client, f"n{n}@example.org").status_code for n in range(31)]
    assert statuses[:30] == [303] * 30
    assert statuses[30] == 429
