"""Releases of a tour's programme: the change log computed between two snapshots, the
publish route (permissions, bad input, no change refused), what the change page and the
Atom feed show (never drafts nor e-mails), the PDF labelled with its release, and the
mails that reach exactly the affected people once, with their updated invitations."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import func, select, update

from extensions import db
from models import (
    MailStatus,
    OutboxMail,
    ParticipantRole,
    Registration,
    Release,
    Role,
    RoundTable,
    Speaker,
    TourStop,
    Workshop,
)
from services.planning.round_tables import add_participant
from services.publishing.releases import Change, changes_between, release_label
from tests.factories import (
    add_round_table,
    add_speaker,
    make_user,
    make_workshop,
    saved,
    sign_up,
)
from tests.helpers import csrf_token, login, plain_spaces, read_pdf, text_of
from tests.jobs.runner import ConsumerBesideTheClient
from tests.mail.test_mail_delivery import calendar_part, send, smtp  # noqa: F401

ATOM = "{http://www.w3.org/2005/Atom}"
COORDINATOR = "coordination@test.example"


def _item(
    uid,
    type_,
    title,
    start="2019-04-12T12:00:00+00:00",
    end="2019-04-12T14:00:00+00:00",
    place="Salle A",
    speakers=(),
    status="confirmed",
):
    return {
        "type": type_,
        "uid": uid,
        "id": 1,
        "title": title,
        "status": status,
        "starts_at": start,
        "ends_at": end,
        "zone": "Europe/Paris",
        "place": place,
        "speakers": [{"id": i, "name": n, "role": "panelist"} for i, n in speakers],
    }


def _release(*items) -> Release:
    return Release(name="x", snapshot={"format": 1, "items": list(items)})


def test_change_log_between_two_crafted_releases_lists_exactly_the_expected_changes(app):
    with app.test_request_context():
        _check_crafted_change_log()


def _check_crafted_change_log():
    older = _release(
        _item("stop", "stop", "Clermont-Ferrand", start="2019-04-12T10:00:00+00:00"),
        _item("moved", "round_table", "Mobilité", speakers=[(1, "Ana"), (2, "Bob")]),
        _item("renamed", "round_table", "Ancien titre", start="2019-04-12T15:00:00+00:00"),
        _item(
            "people",
            "workshop",
            "Réemploi",
            start="2019-04-12T16:00:00+00:00",
            speakers=[(1, "Ana"), (2, "Bob")],
        ),
        _item("to-cancel", "workshop", "Alimentation", start="2019-04-12T17:00:00+00:00"),
        _item("gone", "round_table", "Retirée", start="2019-04-12T18:00:00+00:00"),
        _item("was-cancelled", "workshop", "Déjà annulé", status="cancelled"),
    )
    newer = _release(
        _item("stop", "stop", "Clermont-Ferrand", start="2019-04-12T10:00:00+00:00"),
        # An hour later and in another room; the same speakers.
        _item(
            "moved",
            "round_table",
            "Mobilité",
            start="2019-04-12T13:00:00+00:00",
            end="2019-04-12T15:00:00+00:00",
            place="Salle B",
            speakers=[(1, "Ana"), (2, "Bob")],
        ),
        _item("renamed", "round_table", "Nouveau titre", start="2019-04-12T15:00:00+00:00"),
        # The same two speakers in another order: the order is part of the programme.
        _item(
            "people",
            "workshop",
            "Réemploi",
            start="2019-04-12T16:00:00+00:00",
            speakers=[(2, "Bob"), (1, "Ana"), (3, "Chloé")],
        ),
        _item(
            "to-cancel",
            "workshop",
            "Alimentation",
            start="2019-04-12T17:00:00+00:00",
            status="cancelled",
        ),
        _item("was-cancelled", "workshop", "Déjà annulé", status="cancelled"),
        _item("fresh", "workshop", "Nouvel atelier", start="2019-04-12T19:00:00+00:00"),
    )
    changes = changes_between(older, newer)
    assert [(c.kind, c.item_uid) for c in changes] == [
        ("moved", "moved"),
        ("title", "renamed"),
        ("speakers", "people"),
        ("cancelled", "to-cancel"),
        ("cancelled", "gone"),
        ("new", "fresh"),
    ]
    moved, title, people, cancelled, gone, fresh = changes
    assert plain_spaces(moved.before) == (
        "vendredi 12 avril 2019, 14 h 00 – 16 h 00 (Europe/Paris, UTC+02:00), Salle A"
    )
    assert plain_spaces(moved.after) == (
        "vendredi 12 avril 2019, 15 h 00 – 17 h 00 (Europe/Paris, UTC+02:00), Salle B"
    )
    assert (title.before, title.after, title.title) == (
        "Ancien titre",
        "Nouveau titre",
        "Nouveau titre",
    )
    assert (people.before, people.after) == ("Ana, Bob", "Bob, Ana, Chloé")
    assert cancelled.after is None and cancelled.before and "Salle A" in cancelled.before
    assert gone.item_type == "round_table" and gone.after is None
    assert fresh == Change("new", "workshop", "fresh", "Nouvel atelier", None, fresh.after)
    # Nothing changed: nothing listed; and from nothing, everything public is new.
    assert changes_between(newer, newer) == []
    assert {c.kind for c in changes_between(None, older)} == {"new", "cancelled"}


def _coordinator(app) -> None:
    with app.app_context():
        make_user(COORDINATOR, Role.COORDINATOR, [], "Coordination")
        db.session.commit()


def _publish(client, slug: str, name: str, note: str = ""):
    url = f"/board/tours/{slug}/releases/new"
    return client.post(
        url, data={"name": name, "note": note, "csrf_token": csrf_token(client, url)}
    )


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


@pytest.mark.parametrize(
    ("who", "status"),
    [("admin", 302), ("coordinator", 302), ("nantes", 403), ("roubaix", 403), (None, 302)],
)
def test_only_admins_and_the_coordination_publish(app, client, world, who, status):
    _coordinator(app)
    emails = {
        "admin": world.admin,
        "coordinator": COORDINATOR,
        "nantes": world.nantes_organiser,
        "roubaix": world.roubaix_organiser,
    }
    if who:
        login(client, emails[who])
    page = client.get(f"/board/tours/{world.tour_slug}/releases/new")
    response = (
        _publish(client, world.tour_slug, "v1")
        if who
        else client.post(f"/board/tours/{world.tour_slug}/releases/new", data={"name": "v1"})
    )
    if who is None:
        assert page.status_code == 302 and "/login" in page.headers["Location"]
        assert response.status_code in (302, 400)  # the login page, or the CSRF refusal
        assert _count(app, Release) == 0
    elif status == 403:
        assert page.status_code == 403 and response.status_code == 403
        assert "coordination nationale" in text_of(response)
        assert _count(app, Release) == 0
    else:
        assert page.status_code == 200
        assert response.status_code == 302, text_of(response)
        assert response.headers["Location"].startswith(f"/tours/{world.tour_slug}/changes")
        assert _count(app, Release) == 1


def test_bad_names_and_a_release_without_change_are_refused_in_french(app, client, world):
    login(client, world.admin)
    for name, message in [
        ("", "Donnez un nom à la version"),
        ("   ", "Donnez un nom à la version"),
        ("v" * 41, "40 caractères au plus"),
    ]:
        response = _publish(client, world.tour_slug, name)
        assert response.status_code == 400 and message in text_of(response)
    assert _publish(client, world.tour_slug, "v1", "Première version").status_code == 302
    again = _publish(client, world.tour_slug, "v1")
    assert again.status_code == 400 and "Une version « v1 » existe déjà" in text_of(again)
    unchanged = _publish(client, world.tour_slug, "v2")
    assert unchanged.status_code == 409
    assert "Rien n’a changé dans le programme public depuis la version « v1 »" in text_of(unchanged)
    assert _count(app, Release) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count(OutboxMail.id))) == 0


def _public_programme(app, world) -> dict:
    """At Nantes: a round table with two speakers; a workshop with a secret meeting link,
    two confirmed and one waitlisted participants; at the Clermont draft, a round table
    nobody may see; a speaker elsewhere whom nothing concerns."""

    def build():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        ana = add_speaker("Ana Lopez", email="ana@example.org")
        bob = add_speaker("Bob Martin", email="bob@example.org")
        add_round_table(
            stop,
            "Mobilité solidaire",
            "10:00",
            "11:00",
            [(ana, ParticipantRole.MODERATOR), (bob, ParticipantRole.PANELIST)],
            room="Salle A",
        )
        draft = db.session.get(TourStop, world.clermont_draft_id)
        secret = add_speaker("Secret Draft", email="secret@example.org")
        add_round_table(
            draft, "Table du brouillon", "15:00", "16:00", [(secret, ParticipantRole.PANELIST)]
        )
        other = add_speaker("Chloé Autre", email="chloe@example.org")
        add_round_table(stop, "Autre table", "11:30", "12:00", [(other, ParticipantRole.PANELIST)])
        add_speaker("Dan Nouveau", email="dan@example.org")
        db.session.flush()
        return stop

    saved(app, build)
    workshop_id = make_workshop(app, world, online_url="https://visio.example/secret-room")
    for name in ("Paul Premier", "Pia Seconde", "Wendy Attente"):
        sign_up(app, workshop_id, name, locale="en" if name.startswith("Pia") else "fr")
    with app.app_context():
        db.session.execute(update(OutboxMail).values(status=MailStatus.SENT))
        db.session.commit()
    return {"workshop_id": workshop_id}


def test_release_mails_reach_exactly_the_affected_people_once_with_their_changes(
    app,
    client,
    world,
    smtp,  # noqa: F811
):
    made = _public_programme(app, world)
    login(client, world.admin)
    assert _publish(client, world.tour_slug, "v1").status_code == 302
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(OutboxMail.id)).where(OutboxMail.kind == "release_changes")
            )
            == 0
        )  # the first release announces, no mail
        table = db.session.scalar(
            select(RoundTable).where(RoundTable.title == "Mobilité solidaire")
        )
        sequence_before = table.sequence
        # What the services do: a move bumps SEQUENCE; a new speaker joins.
        table.starts_at += timedelta(hours=2)
        table.ends_at += timedelta(hours=2)
        table.sequence += 1
        dan = db.session.scalar(select(Speaker).where(Speaker.name == "Dan Nouveau"))
        add_participant(table, dan.id, "panelist")
        workshop = db.session.get(Workshop, made["workshop_id"])
        workshop.starts_at += timedelta(days=1)
        workshop.ends_at += timedelta(days=1)
        workshop.sequence += 1
        seat_sequence = {
            r.email: r.calendar_sequence for r in db.session.scalars(select(Registration))
        }
        db.session.commit()
    response = _publish(client, world.tour_slug, "v2", "La table ronde change d’heure.")
    assert response.status_code == 302, text_of(response)
    send(app)
    by_address = {}
    for message in smtp.inbox.messages:
        assert message["To"].addresses[0].addr_spec not in by_address, "one mail per person"
        by_address[message["To"].addresses[0].addr_spec] = message
    assert set(by_address) == {
        "ana@example.org",
        "bob@example.org",
        "dan@example.org",
        "paul.premier@example.org",
        "pia.seconde@example.org",
        "wendy.attente@example.org",
    }
    ana = plain_spaces(by_address["ana@example.org"].get_body(("plain",)).get_content())
    assert "Table ronde « Mobilité solidaire » — Horaire ou lieu modifié" in ana
    assert "Intervenant·es modifié·es" in ana and "Ana Lopez, Bob Martin, Dan Nouveau" in ana
    assert "Filière du réemploi" not in ana and "Autre table" not in ana
    assert "La table ronde change d’heure." in ana
    paul = plain_spaces(by_address["paul.premier@example.org"].get_body(("plain",)).get_content())
    assert "Atelier « Filière du réemploi » — Horaire ou lieu modifié" in paul
    assert "Mobilité solidaire" not in paul and "visio.example" not in paul
    # In the language she registered in; the items' text stays French, as on the site.
    pia = by_address["pia.seconde@example.org"]
    assert pia["Subject"] == "Programme updated (v2): what changes for you"
    assert "Here is what changes for you" in pia.get_body(("plain",)).get_content()
    assert "Time or place changed" in pia.get_body(("plain",)).get_content()
    # Invitations: the speakers' moved round table, the confirmed seats; SEQUENCE grew.
    for address in ("ana@example.org", "bob@example.org", "dan@example.org"):
        calendar = icalendar.Calendar.from_ical(calendar_part(by_address[address]).get_content())
        (event,) = calendar.walk("VEVENT")
        assert int(event["SEQUENCE"]) > sequence_before
        assert str(event["ATTENDEE"]) == f"mailto:{address}"
    for address in ("paul.premier@example.org", "pia.seconde@example.org"):
        calendar = icalendar.Calendar.from_ical(calendar_part(by_address[address]).get_content())
        (event,) = calendar.walk("VEVENT")
        assert int(event["SEQUENCE"]) > seat_sequence[address]
    waitlisted = by_address["wendy.attente@example.org"]
    assert not [p for p in waitlisted.walk() if p.get_content_type() == "text/calendar"]


def _texts(response) -> str:
    return plain_spaces("\n".join(page.extract_text() for page in read_pdf(response).pages))


def test_pages_feed_and_pdf_show_the_release_never_drafts_or_addresses(app, client, world):
    made = _public_programme(app, world)
    empty = client.get(f"/tours/{world.tour_slug}/changes")
    assert empty.status_code == 200 and "Aucune version du programme" in text_of(empty)
    login(client, world.admin)
    assert _publish(client, world.tour_slug, "v1", "Note publique").status_code == 302
    with app.app_context():
        table = db.session.scalar(select(RoundTable).where(RoundTable.title == "Autre table"))
        table.title = "Table renommée"
        db.session.commit()
    assert _publish(client, world.tour_slug, "v2").status_code == 302
    client.get("/logout")
    page = text_of(client.get(f"/tours/{world.tour_slug}/changes"))
    assert page.index("Version v2") < page.index("Version v1")
    assert "Titre modifié" in page and "Table renommée" in page and "Note publique" in page
    feed = client.get(f"/tours/{world.tour_slug}/changes.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None and root.find(f"{ATOM}{tag}").text
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Version v2", "Version v1"]
    for entry in entries:
        for tag in ("id", "title", "updated", "content"):
            assert entry.find(f"{ATOM}{tag}") is not None
    assert len({e.find(f"{ATOM}id").text for e in entries}) == 2
    for text in (page, feed.get_data(as_text=True)):
        for private in (
            "Lieu secret du brouillon",
            "Table du brouillon",
            "Secret Draft",
            "@example.org",
            "visio.example",
        ):
            assert private not in text
    # The live programme says the latest release; each release keeps its own PDF.
    with app.app_context():
        labels = {r.name: release_label(r) for r in db.session.scalars(select(Release))}
    assert labels["v2"].startswith("Programme v2 du ")
    reader = ConsumerBesideTheClient(app, client)  # the tour programme is rendered by a job
    assert labels["v2"] in _texts(reader.get(f"/tours/{world.tour_slug}/programme.pdf"))
    old = client.get(f"/tours/{world.tour_slug}/changes/v1/programme.pdf")
    assert labels["v1"] in _texts(old) and "Table renommée" not in _texts(old)
    assert client.get(f"/tours/{world.tour_slug}/changes/v9/programme.pdf").status_code == 404
    # The frab schedule is versioned by the latest release.
    assert (
        client.get(f"/tours/{world.tour_slug}/schedule.json").get_json()["schedule"]["version"]
        == "v2"
    )
    assert made


def test_atom_feed_etag_round_trip(app, client, world):
    url = f"/tours/{world.tour_slug}/changes.atom"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert ET.fromstring(first.data).findall(f"{ATOM}entry") == []
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    login(client, world.admin)
    assert _publish(client, world.tour_slug, "v1").status_code == 302
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert len(ET.fromstring(changed.data).findall(f"{ATOM}entry")) == 1


def test_the_demo_seed_publishes_v1_once_and_stays_idempotent(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_FIRST_RELEASE", True)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert "rien à charger" in runner.invoke(args=["seed-demo", "--if-empty"]).output
    with app.app_context():
        (release,) = db.session.scalars(select(Release))
        assert release.name == "v1" and release.document is not None
        assert release.published_by is not None
        assert release.published_by.role == Role.COORDINATOR
        uids = [i["uid"] for i in release.snapshot["items"]]
        assert len(uids) == len(set(uids)) > 3
        # No address (the calendar UIDs are the only values with an @), no meeting link.
        text = str(
            [{k: v for k, v in i.items() if "uid" not in k} for i in release.snapshot["items"]]
        )
        assert "@" not in text and "https://" not in text


def test_a_name_taken_meanwhile_is_refused_as_taken_not_as_a_server_error(
    app, client, world, monkeypatch
):
    """Two coordinators publishing "v1" at once: the second one's check ran before the
    first one's commit (played here by a check that sees nothing), the database refuses."""
    from services.publishing import releases

    login(client, world.admin)
    assert _publish(client, world.tour_slug, "v1").status_code == 302
    with app.app_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        stop.venue_name = "Autre lieu"
        db.session.commit()
    monkeypatch.setattr(releases, "release_by_name", lambda tour, name: None)
    response = _publish(client, world.tour_slug, "v1")
    assert response.status_code == 400
    assert "Une version « v1 » existe déjà" in text_of(response)
    assert _count(app, Release) == 1
