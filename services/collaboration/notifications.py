"""Who is told of a change, and how.

A user follows stops and workshops (and tasks, once they exist): those of their territories'
teams without asking, and those they comment on or are mentioned in; "Ne plus suivre"
records that they do not. A change by someone else to a followed object (an activity entry,
a comment) becomes a Notification: listed in the app with an unread counter, and mailed
through the outbox at once or in the daily digest, as the user chose (User.notification_mode).
Never for one's own actions. A mention notifies exactly the mentioned users who may read."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from extensions import db
from models import (
    Comment,
    Follow,
    Notification,
    NotificationDigest,
    NotificationMode,
    RoundTable,
    Task,
    Territory,
    User,
)
from models.types import utc_now
from services.collaboration import comments
from services.mail.outbox import queue_account_mail
from services.permissions import can_read_discussion
from services.urls import absolute_url, base_url

log = logging.getLogger(__name__)

DIGEST_ZONE = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Followable:
    """A kind of object one follows: its model, the territories whose teams follow it
    without asking (and who may read it), its label, its board page."""

    name: str
    model: type
    territories: Callable[[Any], list[Territory]]
    label: Callable[[Any], str]
    page: Callable[[Any], tuple[str, dict]]


FOLLOWABLE: dict[str, Followable] = {}


def register_followable(kind: Followable) -> None:
    FOLLOWABLE[kind.name] = kind


for _name in ("stop", "workshop"):
    _kind = comments.TARGETS[_name]
    register_followable(Followable(_name, _kind.model, _kind.territories, _kind.label, _kind.page))


def _task_label(task: Any) -> str:
    return _("Tâche « %(title)s » (%(stop)s)", title=task.title, stop=task.stop.territory.name)


register_followable(
    Followable(
        "task",
        Task,
        lambda task: [task.stop.territory],
        _task_label,
        lambda task: ("round_tables.stop_programme", {"stop_id": task.stop_id}),
    )
)


# What a change to an object of another kind is about, for its followers: a round table is
# part of its stop; anything else that registers here (an activity entry's object_type).
FollowedOf = Callable[[int], tuple[str, int] | None]
PARENTS: dict[str, FollowedOf] = {}


def register_parent(object_type: str, followed_of: FollowedOf) -> None:
    PARENTS[object_type] = followed_of


def _stop_of_table(table_id: int) -> tuple[str, int] | None:
    table = db.session.get(RoundTable, table_id)
    return ("stop", table.stop_id) if table is not None else None


register_parent("round_table", _stop_of_table)


def followed_key(object_type: str, object_id: int) -> tuple[str, int] | None:
    if object_type in FOLLOWABLE:
        return object_type, object_id
    parent = PARENTS.get(object_type)
    return parent(object_id) if parent is not None else None


def _object(object_type: str, object_id: int) -> Any:
    kind = FOLLOWABLE.get(object_type)
    return db.session.get(kind.model, object_id) if kind is not None else None


def may_follow(user: User, object_type: str, obj: Any) -> bool:
    return can_read_discussion(user, FOLLOWABLE[object_type].territories(obj))


def _follow_row(user: User, object_type: str, object_id: int) -> Follow | None:
    return db.session.scalar(
        select(Follow).where(
            Follow.user_id == user.id,
            Follow.object_type == object_type,
            Follow.object_id == object_id,
        )
    )


def is_following(user: User, object_type: str, obj: Any) -> bool:
    row = _follow_row(user, object_type, obj.id)
    if row is not None:
        return row.following and may_follow(user, object_type, obj)
    if object_type == "task" and obj.owner_id == user.id:
        return True  # one's own tasks
    territory_ids = {t.id for t in FOLLOWABLE[object_type].territories(obj)}
    return any(m.territory_id in territory_ids for m in user.memberships)


def set_following(user: User, object_type: str, obj: Any, following: bool, reason: str) -> None:
    row = _follow_row(user, object_type, obj.id)
    if row is None:
        db.session.add(
            Follow(
                user_id=user.id,
                object_type=object_type,
                object_id=obj.id,
                following=following,
                reason=reason,
            )
        )
    else:
        row.following, row.reason = following, reason
    db.session.flush()


def follow_automatically(user: User, object_type: str, obj: Any, reason: str) -> None:
    """Commenting, being mentioned, owning: follow, unless the user said not to."""
    if _follow_row(user, object_type, obj.id) is None:
        set_following(user, object_type, obj, True, reason)


def followers(object_type: str, obj: Any) -> list[User]:
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    return [u for u in users if is_following(u, object_type, obj)]


def _notify(
    user: User,
    actor: User | None,
    kind: str,
    object_type: str,
    obj: Any,
    summary: str,
    activity_id: int | None = None,
    comment_id: int | None = None,
) -> Notification:
    notification = Notification(
        user_id=user.id,
        actor_id=actor.id if actor else None,
        kind=kind,
        object_type=object_type,
        object_id=obj.id,
        object_label=FOLLOWABLE[object_type].label(obj)[:300],
        summary=summary,
        activity_id=activity_id,
        comment_id=comment_id,
    )
    db.session.add(notification)
    if user.notification_mode == NotificationMode.IMMEDIATE:
        notification.user = user
        notification.actor = actor
        _mail_at_once(notification)
    return notification


def notify_change(
    object_type: str,
    object_id: int,
    actor: User | None,
    summary: str,
    *,
    activity_id: int | None = None,
    skip: set[int] | None = None,
) -> list[Notification]:
    """Tell the followers of what this change is about, except the one who made it."""
    key = followed_key(object_type, object_id)
    if key is None:
        return []
    obj = _object(*key)
    if obj is None:
        return []
    return [
        _notify(u, actor, "change", key[0], obj, summary, activity_id=activity_id)
        for u in followers(key[0], obj)
        if (actor is None or u.id != actor.id) and u.id not in (skip or set())
    ]


def _on_comment(comment: Comment, target: comments.Target, mentioned: list[User], by: User) -> None:
    """A comment written or edited: the author and the mentioned follow the object; the
    mentioned are told they were; the other followers are told of the comment."""
    key = followed_key(target.type, target.id)
    if key is None:
        return
    obj = _object(*key)
    follow_automatically(by, key[0], obj, "comment")
    excerpt = " ".join(comment.body.split())[:200]
    for user in mentioned:
        if user.id == by.id or not comments.may_read(user, target):
            continue
        follow_automatically(user, key[0], obj, "mention")
        _notify(
            user,
            by,
            "mention",
            key[0],
            obj,
            _("vous a mentionné·e : « %(text)s »", text=excerpt),
            comment_id=comment.id,
        )
    if comment.edited_at is None:  # edits notify only those newly mentioned
        told = {u.id for u in mentioned} | {by.id}
        for user in followers(key[0], obj):
            if user.id not in told and comments.may_read(user, target):
                _notify(
                    user,
                    by,
                    "comment",
                    key[0],
                    obj,
                    _("a commenté : « %(text)s »", text=excerpt),
                    comment_id=comment.id,
                )


comments.comment_listeners.append(_on_comment)


# --- the in-app list ---------------------------------------------------------------------


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def notifications_of(user: User, limit: int = 100) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_read(user: User, notification: Notification | None = None) -> int:
    """One notification of the user read, or all of them."""
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification is not None:
        query = query.where(Notification.id == notification.id)
    result = db.session.execute(query.values(read_at=utc_now()))
    db.session.flush()
    return int(getattr(result, "rowcount", 0) or 0)


def set_mode(user: User, mode: NotificationMode) -> None:
    user.notification_mode = mode
    db.session.flush()
    log.info("user %s notification mode %s", user.id, mode)


def page_of(notification: Notification) -> str:
    obj = _object(notification.object_type, notification.object_id)
    if obj is None:
        return absolute_url("notifications.index")
    endpoint, values = FOLLOWABLE[notification.object_type].page(obj)
    anchor = f"commentaire-{notification.comment_id}" if notification.comment_id else None
    return absolute_url(endpoint, **values, _anchor=anchor)


# --- mail --------------------------------------------------------------------------------


def _mail_at_once(notification: Notification) -> None:
    user = notification.user
    with force_locale("fr"):
        values = {
            "user": user,
            "items": [(notification, page_of(notification))],
            "list_url": absolute_url("notifications.index"),
        }
        subject = _("Du nouveau : %(label)s", label=notification.object_label)
        queue_account_mail(
            "notification",
            user.email,
            user.display_name,
            subject,
            render_template("mail/notifications.txt", **values, digest=False),
            render_template("mail/notifications.html", **values, digest=False),
        )
    notification.mailed_at = utc_now()


def digest_period(now: datetime) -> date:
    """The day (in Paris) a digest sent at this instant belongs to."""
    return now.astimezone(DIGEST_ZONE).date()


def send_digests(now: datetime) -> int:
    if not has_request_context():
        with current_app.test_request_context(base_url=base_url()):
            return _send_digests(now)
    return _send_digests(now)


def _send_digests(now: datetime) -> int:
    """One mail per user who chose the daily digest and has notifications not yet mailed,
    for the period (the Paris day) of `now`: run it again the same day and nothing is sent
    twice; what arrives after waits for the next day's. Returns the number of mails."""
    period = digest_period(now)
    sent = 0
    users = db.session.scalars(
        select(User)
        .where(User.active.is_(True), User.notification_mode == NotificationMode.DAILY)
        .order_by(User.id)
    )
    for user in users:
        already = db.session.scalar(
            select(NotificationDigest.id).where(
                NotificationDigest.user_id == user.id, NotificationDigest.period == period
            )
        )
        if already is not None:
            continue
        pending = list(
            db.session.scalars(
                select(Notification)
                .where(
                    Notification.user_id == user.id,
                    Notification.mailed_at.is_(None),
                    Notification.created_at <= now,
                )
                .order_by(Notification.created_at, Notification.id)
            )
        )
        if not pending:
            continue
        with force_locale("fr"):
            values = {
                "user": user,
                "items": [(n, page_of(n)) for n in pending],
                "digest": True,
                "list_url": absolute_url("notifications.index"),
            }
            subject = ngettext(
                "Résumé du jour : %(num)d changement sur ce que vous suivez",
                "Résumé du jour : %(num)d changements sur ce que vous suivez",
                len(pending),
            )
            queue_account_mail(
                "notification_digest",
                user.email,
                user.display_name,
                subject,
                render_template("mail/notifications.txt", **values),
                render_template("mail/notifications.html", **values),
            )
        for notification in pending:
            notification.mailed_at = now
        db.session.add(
            NotificationDigest(
                user_id=user.id, period=period, notifications=len(pending), sent_at=now
            )
        )
        db.session.flush()
        sent += 1
        log.info("digest of %s notifications for user %s (%s)", len(pending), user.id, period)
    return sent


# --- from the activity log ---------------------------------------------------------------
# Every change made through a service writes an ActivityEntry (services/collaboration/
# activity.py). The entries of a flush are collected, then, once it is done, turned into
# notifications of the followers of what they are about (the same transaction).

ACTIONS = {
    "create": _l("a créé"),
    "created": _l("a créé"),
    "update": _l("a modifié"),
    "updated": _l("a modifié"),
    "delete": _l("a supprimé"),
    "deleted": _l("a supprimé"),
}


def describe(entry: Any) -> str:
    """e.g. "a modifié Étape de Roubaix : lieu, début"."""
    action = str(ACTIONS.get(str(entry.action), entry.action))
    from services.collaboration.activity import field_label

    changed = entry.changes if isinstance(entry.changes, dict) else {}
    fields = [field_label(key) for key in changed] if str(entry.action) == "updated" else []
    label = entry.object_label or ""
    if fields:
        return _(
            "%(action)s %(label)s : %(fields)s",
            action=action,
            label=label,
            fields=", ".join(fields),
        )
    return _("%(action)s %(label)s", action=action, label=label)


def _entry_class() -> type | None:
    import models

    return getattr(models, "ActivityEntry", None)


@event.listens_for(Session, "after_flush")
def _collect_entries(session: Session, _context: Any) -> None:
    entry_class = _entry_class()
    if entry_class is None:
        return
    new = [obj for obj in session.new if isinstance(obj, entry_class)]
    if new:
        session.info.setdefault("activity_to_notify", []).extend(new)


def _key_of_entry(entry: Any) -> tuple[str, int] | None:
    """The followed object an entry is about: itself when it is one (and still exists),
    else its workshop or its stop (a round table, a speaker of a stop…)."""
    if entry.object_type in FOLLOWABLE and _object(entry.object_type, entry.object_id):
        return entry.object_type, entry.object_id
    if entry.workshop_id and _object("workshop", entry.workshop_id) is not None:
        return "workshop", entry.workshop_id
    if entry.stop_id and _object("stop", entry.stop_id) is not None:
        return "stop", entry.stop_id
    return None


@event.listens_for(Session, "after_flush_postexec")
def _notify_entries(session: Session, _context: Any) -> None:
    """Changes made by a person (not the seed, a command or the system) on followed objects;
    comments tell their followers themselves (_on_comment)."""
    entries = session.info.pop("activity_to_notify", [])
    for entry in entries:
        if entry.actor_id is None or entry.object_type == "comment":
            continue
        key = _key_of_entry(entry)
        if key is None:
            continue
        actor = session.get(User, entry.actor_id)
        notify_change(key[0], key[1], actor, describe(entry), activity_id=entry.id)
