"""Notifications: followers told of others' changes (never their own), mentions telling
exactly the mentioned readers, the unread counter and list, unfollowing, and digests that
arrive once per day on a real SMTP server."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from extensions import db
from models import Notification, NotificationDigest, NotificationMode, OutboxMail, User
from services.collaboration.notifications import send_digests
from tests.collaboration.conftest import switch_to
from tests.factories import make_workshop
from tests.helpers import login, post_form, stop_form, text_of
from tests.mail.test_mail_delivery import send, smtp  # noqa: F401 (fixture)


def _comment(client, stop_id, body):
    response = post_form(client, f"/board/comments/stop/{stop_id}", {"body": body})
    assert response.status_code == 302, text_of(response)


def _notified(app, email=None) -> list[tuple[str, str, str]]:
    with app.app_context():
        query = select(User.email, Notification.kind, Notification.summary).join(
            User, User.id == Notification.user_id
        )
        if email:
            query = query.where(User.email == email)
        return list(db.session.execute(query.order_by(Notification.id)).tuples())


def _mode(app, email, mode):
    with app.app_context():
        db.session.execute(update(User).where(User.email == email).values(notification_mode=mode))
        db.session.commit()


def test_followers_are_told_of_others_comments_never_of_their_own(app, client, team):
    login(client, team.lead)
    _comment(client, team.stop_id, "La salle est réservée.")
    told = {email for email, kind, _s in _notified(app)}
    # The Roubaix team follows its stop; the author is not told; Nantes is not in it.
    assert told == {team.member, team.observer}
    assert all(kind == "comment" for _e, kind, _s in _notified(app))
    switch_to(client, team.coordinator)
    _comment(client, team.stop_id, "Merci, je préviens la presse.")
    # The lead is told now; the coordinator, who commented, follows from now on.
    assert {e for e, _k, _s in _notified(app)[2:]} == {team.lead, team.member, team.observer}
    switch_to(client, team.member)
    _comment(client, team.stop_id, "Parfait.")
    assert team.coordinator in {e for e, _k, _s in _notified(app)[5:]}
    assert team.member not in {e for e, _k, _s in _notified(app)[5:]}


def test_mentions_notify_exactly_the_mentioned_readers(app, client, team):
    """A mention of someone who may not read the stop's discussion (Nantes), of an unknown
    name, of a deactivated account, tells nobody; the mentioned readers get a mention."""
    with app.app_context():
        db.session.execute(update(User).where(User.email == team.observer).values(active=False))
        db.session.commit()
    login(client, team.member)
    _comment(
        client,
        team.stop_id,
        "@[Coralie Coordination] @[Nadia Nantes] @[Olga Observatrice] @[Rémi Roubaix] @[Inconnu]",
    )
    mentions = {e for e, kind, _s in _notified(app) if kind == "mention"}
    assert mentions == {team.coordinator, team.lead}
    assert not _notified(app, team.other) and not _notified(app, team.observer)
    # The lead is told once (the mention), not a second time as a follower.
    assert [k for _e, k, _s in _notified(app, team.lead)] == ["mention"]
    # Editing to add a mention tells only the newly mentioned.
    with app.app_context():
        from models import Comment

        comment_id = db.session.scalar(select(Comment.id))
    before = len(_notified(app))
    post_form(
        client,
        f"/board/comments/{comment_id}/edit",
        {"body": "@[Coralie Coordination] @[Rémi Roubaix] @[Admin]"},
    )
    assert [(e, k) for e, k, _s in _notified(app)[before:]] == [(team.admin, "mention")]


def test_unread_counter_list_and_mark_read(app, client, team):
    login(client, team.lead)
    _comment(client, team.stop_id, "Un")
    _comment(client, team.stop_id, "Deux")
    switch_to(client, team.member)
    header = text_of(client.get("/notifications"))
    assert "2 non lues" in header and "Rémi Roubaix : a commenté" in header
    with app.app_context():
        first = db.session.scalar(
            select(Notification.id)
            .join(User, User.id == Notification.user_id)
            .where(User.email == team.member)
        )
        other_people = db.session.scalar(
            select(Notification.id)
            .join(User, User.id == Notification.user_id)
            .where(User.email == team.observer)
        )
    assert post_form(client, f"/notifications/{first}/read", {}).status_code == 302
    assert "1 non lue" in text_of(client.get("/notifications"))
    assert post_form(client, f"/notifications/{other_people}/read", {}).status_code == 404
    assert post_form(client, "/notifications/read-all", {}).status_code == 302
    assert "non lue" not in text_of(client.get("/board/"))


def test_unfollow_stops_notifications(app, client, team):
    login(client, team.member)
    page = text_of(client.get(f"/board/stops/{team.stop_id}/programme"))
    assert "Ne plus suivre" in page
    assert (
        post_form(client, f"/board/suivre/stop/{team.stop_id}", {"suivre": "non"}).status_code
        == 302
    )
    assert "Ne plus suivre" not in text_of(client.get(f"/board/stops/{team.stop_id}/programme"))
    switch_to(client, team.lead)
    _comment(client, team.stop_id, "Quelqu’un ?")
    assert not _notified(app, team.member) and _notified(app, team.observer)
    # A mention still reaches whoever unfollowed (they are named), without re-following.
    _comment(client, team.stop_id, "@[Mehdi Membre] ?")
    assert [k for _e, k, _s in _notified(app, team.member)] == ["mention"]


@pytest.mark.parametrize("role", ["admin", "coordinator", "lead", "member", "observer", "other"])
def test_follow_and_notification_routes_for_each_role(app, client, world, team, role):
    login(client, getattr(team, role))
    assert client.get("/notifications").status_code == 200
    follow = post_form(client, f"/board/suivre/stop/{team.stop_id}", {"suivre": "oui"})
    assert follow.status_code == (403 if role == "other" else 302)
    assert post_form(client, "/board/suivre/planete/1", {"suivre": "oui"}).status_code == 404
    mode = post_form(client, "/board/profile/notifications", {"mode": "never"})
    assert mode.status_code == 302
    bad = post_form(client, "/board/profile/notifications", {"mode": "toujours"})
    assert bad.status_code == 400 and "résumé quotidien" in text_of(bad)


def test_visitors_go_to_login(client, team):
    assert "/login" in client.get("/notifications").location
    assert "/login" in post_form(client, "/notifications/read-all", {}).location
    assert "/login" in post_form(client, f"/board/suivre/stop/{team.stop_id}", {}).location


def test_immediate_mode_mails_each_change_never_mode_none(app, client, team):
    _mode(app, team.member, NotificationMode.IMMEDIATE)
    _mode(app, team.observer, NotificationMode.NEVER)
    login(client, team.lead)
    _comment(client, team.stop_id, "Traiteur confirmé.")
    with app.app_context():
        mails = list(db.session.scalars(select(OutboxMail)))
        assert [m.to_address for m in mails] == [team.member]
        assert "Traiteur confirmé." in mails[0].text_body
        with app.test_request_context():
            assert send_digests(datetime.now(UTC)) == 0  # nobody chose the digest


def test_digests_on_smtp_hold_every_change_once_and_one_mail_per_day(
    app,
    client,
    world,
    team,
    smtp,  # noqa: F811
):
    workshop_id = make_workshop(app, world, host="roubaix", territories=("roubaix",))
    login(client, team.lead)
    _comment(client, team.stop_id, "Changement-A par la responsable")
    post_form(client, f"/board/comments/workshop/{workshop_id}", {"body": "Changement-B atelier"})
    switch_to(client, team.member)
    _comment(client, team.stop_id, "Changement-C du membre lui-même")
    now = datetime.now(UTC)
    with app.app_context():
        assert send_digests(now) >= 2
        db.session.commit()
        # Again in the same period: nothing more, even with a new change.
    switch_to(client, team.lead)
    _comment(client, team.stop_id, "Changement-D plus tard le même jour")
    with app.app_context():
        assert send_digests(now + timedelta(minutes=5)) == 0
        db.session.commit()
    send(app)
    first_batch = len(smtp.inbox.messages)
    by_reader = {}
    for message in smtp.inbox.messages:
        by_reader.setdefault(message["To"].addresses[0].addr_spec, []).append(message)
    assert all(len(messages) == 1 for messages in by_reader.values())
    (member_digest,) = by_reader[team.member]
    text = member_digest.get_body(("plain",)).get_content()
    assert text.count("Changement-A") == 1 and text.count("Changement-B") == 1
    assert "Changement-C" not in text  # the reader's own
    assert "Changement-D" not in text  # next period's
    assert "Résumé du jour : 2 changements" in member_digest["Subject"]
    (lead_digest,) = by_reader[team.lead]
    lead_text = lead_digest.get_body(("plain",)).get_content()
    assert "Changement-C" in lead_text and "Changement-A" not in lead_text
    # The next day's digest carries what waited, once.
    with app.app_context():
        assert send_digests(now + timedelta(days=1)) >= 1
        db.session.commit()
        assert db.session.scalar(select(NotificationDigest.id).limit(1)) is not None
    send(app)
    later = [
        m
        for m in smtp.inbox.messages[first_batch:]
        if m["To"].addresses[0].addr_spec == team.member
    ]
    assert len(later) == 1 and "Changement-D" in later[0].get_body(("plain",)).get_content()


def test_a_change_in_the_activity_log_tells_the_followers_but_not_its_author(
    app, client, world, team
):
    """The member moves the stop through the board: the activity entry becomes a notification
    for the rest of the team (the lead, the observer), none for the member."""
    login(client, team.member)
    moved = post_form(
        client,
        f"/board/stops/{team.stop_id}/edit",
        stop_form(
            world.territory["roubaix"],
            "2019-03-12",
            "15:00",
            "17:00",
            version="1",
            venue_name="La Condition Publique",
        ),
    )
    assert moved.status_code == 302, text_of(moved)
    told = _notified(app)
    assert {e for e, _k, _s in told} == {team.lead, team.observer}
    assert all(kind == "change" and "a modifié" in summary for _e, kind, summary in told)
    switch_to(client, team.lead)
    assert "1 non lue" in text_of(client.get("/notifications"))


def test_a_task_tells_its_owner_even_outside_the_territory(app, team):
    """The lead gives the coordinator a task of the Roubaix stop: the coordinator owns it and
    is told; when the coordinator ticks it, the lead is told, the coordinator is not."""
    from models import Task, TaskStatus
    from services.collaboration.activity import acting_as

    with app.test_request_context():
        lead = db.session.scalar(select(User).where(User.email == team.lead))
        coordinator = db.session.scalar(select(User).where(User.email == team.coordinator))
        with acting_as(lead):
            task = Task(stop_id=team.stop_id, title="Accueil de la presse", owner=coordinator)
            db.session.add(task)
            db.session.commit()
        assert team.coordinator in {e for e, _k, _s in _notified(app)}
        before = len(_notified(app))
        with acting_as(coordinator):
            task.status = TaskStatus.DONE
            db.session.commit()
    told = {e for e, _k, _s in _notified(app)[before:]}
    assert team.lead in told and team.coordinator not in told
