"""The organisers' internal discussion on an object: a stop, a round table, a workshop, and
whatever else registers a kind (itinerary proposals later). Comments are sanitised Markdown
like biographies; ``@[Name]`` mentions an organiser who may read the thread. Edits keep the
replaced text (CommentRevision). Nothing here is ever part of a public page, feed, PDF,
schedule or API response: only the board's pages call thread_of."""

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from extensions import db
from models import (
    Comment,
    CommentMention,
    CommentRevision,
    RoundTable,
    Territory,
    TourStop,
    User,
    Workshop,
)
from models.types import utc_now
from services.errors import ActionRefused, InvalidInput
from services.permissions import can_comment, can_read_discussion
from services.text import render_markdown

log = logging.getLogger(__name__)

MAX_LENGTH = 10_000
MENTION = re.compile(r"@\[([^\[\]\n<>]{1,200})\]")


@dataclass(frozen=True)
class TargetKind:
    """A kind of object people discuss: its model, the territories whose teams read the
    thread, a label, and the board page (endpoint and its arguments) that shows it."""

    name: str
    model: type
    territories: Callable[[Any], list[Territory]]
    label: Callable[[Any], str]
    page: Callable[[Any], tuple[str, dict]]


TARGETS: dict[str, TargetKind] = {}


def register_target(kind: TargetKind) -> None:
    TARGETS[kind.name] = kind


register_target(
    TargetKind(
        "stop",
        TourStop,
        lambda stop: [stop.territory],
        lambda stop: _("Étape de %(name)s", name=stop.territory.name),
        lambda stop: ("round_tables.stop_programme", {"stop_id": stop.id}),
    )
)
register_target(
    TargetKind(
        "round_table",
        RoundTable,
        lambda table: [table.stop.territory],
        lambda table: _("Table ronde « %(title)s »", title=table.title),
        lambda table: ("round_tables.edit", {"table_id": table.id}),
    )
)
register_target(
    TargetKind(
        "workshop",
        Workshop,
        lambda workshop: [workshop.host_territory, *workshop.territories],
        lambda workshop: _("Atelier « %(title)s »", title=workshop.title),
        lambda workshop: ("workshop_admin.edit", {"workshop_id": workshop.id}),
    )
)


@dataclass(frozen=True)
class Target:
    kind: TargetKind
    obj: Any

    @property
    def type(self) -> str:
        return self.kind.name

    @property
    def id(self) -> int:
        return int(self.obj.id)

    @property
    def territories(self) -> list[Territory]:
        return self.kind.territories(self.obj)

    @property
    def label(self) -> str:
        return self.kind.label(self.obj)

    @property
    def page(self) -> tuple[str, dict]:
        return self.kind.page(self.obj)


def target_of(target_type: str, target_id: int) -> Target | None:
    kind = TARGETS.get(target_type)
    if kind is None:
        return None
    obj = db.session.get(kind.model, target_id)
    return Target(kind, obj) if obj is not None else None


def target_of_comment(comment: Comment) -> Target | None:
    return target_of(comment.target_type, comment.target_id)


def may_read(user: User | None, target: Target) -> bool:
    return can_read_discussion(user, target.territories)


def may_write(user: User | None, target: Target) -> bool:
    return can_comment(user, target.territories)


def thread_of(target: Target) -> list[Comment]:
    return list(
        db.session.scalars(
            select(Comment)
            .where(Comment.target_type == target.type, Comment.target_id == target.id)
            .order_by(Comment.created_at, Comment.id)
        )
    )


def readers_of(target: Target) -> list[User]:
    """Who may read the thread (and so be mentioned): active accounts of the object's teams,
    the national coordination and admins."""
    users = db.session.scalars(
        select(User).where(User.active.is_(True)).order_by(User.display_name)
    )
    return [u for u in users if may_read(u, target)]


def mention_candidates(target: Target, query: str, limit: int = 8) -> list[User]:
    needle = query.strip().casefold()
    return [u for u in readers_of(target) if needle in u.display_name.casefold()][:limit]


def mentioned_in(body: str, target: Target) -> list[User]:
    """The readers named @[Name] in the text; a name nobody (allowed) has mentions nobody."""
    names = {m.group(1).strip().casefold() for m in MENTION.finditer(body)}
    if not names:
        return []
    return [u for u in readers_of(target) if u.display_name.strip().casefold() in names]


def render_comment(body: str) -> Markup:
    """Sanitised Markdown, each @[Name] shown as a mention."""
    html = str(render_markdown(body))
    # The names are already escaped by the sanitiser and hold no < or >.
    return Markup(MENTION.sub(r'<strong class="fi-mention">@\1</strong>', html))


def _checked_body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise InvalidInput({"body": [_("Écrivez votre commentaire avant de l’envoyer.")]})
    if len(text) > MAX_LENGTH:
        raise InvalidInput(
            {"body": [_("Un commentaire tient en %(n)s caractères au plus.", n=MAX_LENGTH)]}
        )
    if "\x00" in text:
        raise InvalidInput({"body": [_("Le texte contient un caractère invalide.")]})
    return text


def _set_mentions(comment: Comment, target: Target) -> list[User]:
    """The comment's mentions as its text says now; returns the newly mentioned."""
    mentioned = mentioned_in(comment.body, target)
    before = {m.user_id for m in comment.mentions}
    comment.mentions = [CommentMention(user_id=u.id) for u in mentioned]
    return [u for u in mentioned if u.id not in before]


# Called with (comment, newly mentioned users, author) after a comment is written or edited:
# services/collaboration/notifications.py follows and notifies.
comment_listeners: list[Callable[[Comment, Target, list[User], User], None]] = []


def _tell(comment: Comment, target: Target, mentioned: Iterable[User], by: User) -> None:
    for listener in comment_listeners:
        listener(comment, target, list(mentioned), by)


def add_comment(target: Target, body: str, author: User) -> Comment:
    if not may_write(author, target):
        raise ActionRefused(_("Vous ne pouvez pas commenter ici."))
    comment = Comment(
        target_type=target.type, target_id=target.id, author=author, body=_checked_body(body)
    )
    db.session.add(comment)
    mentioned = _set_mentions(comment, target)
    db.session.flush()
    _tell(comment, target, mentioned, author)
    log.info("comment %s on %s %s by %s", comment.id, target.type, target.id, author.id)
    return comment


def _require_author(comment: Comment, user: User) -> None:
    if comment.author_id != user.id:
        raise ActionRefused(
            _("Seul·e l’auteur·rice d’un commentaire peut le modifier ou le supprimer.")
        )


def edit_comment(comment: Comment, body: str, by: User) -> Comment:
    _require_author(comment, by)
    text = _checked_body(body)
    if text == comment.body:
        return comment
    target = target_of_comment(comment)
    if target is None:
        raise ActionRefused(_("Ce commentaire porte sur un élément qui n’existe plus."))
    comment.revisions.append(
        CommentRevision(body=comment.body, written_at=comment.edited_at or comment.created_at)
    )
    comment.body = text
    comment.edited_at = utc_now()
    mentioned = _set_mentions(comment, target)
    db.session.flush()
    _tell(comment, target, mentioned, by)
    log.info("comment %s edited by %s", comment.id, by.id)
    return comment


def delete_comment(comment: Comment, by: User) -> None:
    _require_author(comment, by)
    db.session.delete(comment)
    db.session.flush()
    log.info("comment %s deleted by %s", comment.id, by.id)


# --- in the activity log -----------------------------------------------------------------


def _comment_scope(comment: Comment) -> Any:
    from services.collaboration.activity import Scope

    target = target_of_comment(comment)
    if target is None:
        return Scope()
    obj = target.obj
    if isinstance(obj, TourStop):
        return Scope(obj.tour_id, obj.territory_id, obj.id)
    if isinstance(obj, RoundTable):
        return Scope(obj.stop.tour_id, obj.stop.territory_id, obj.stop_id)
    return Scope(obj.tour_id, obj.host_territory_id, obj.stop_id, obj.id)


def _register_in_activity_log() -> None:
    from flask_babel import lazy_gettext as _l

    from services.collaboration.activity import Tracking, track

    track(
        Comment,
        Tracking(
            "comment",
            _l("Commentaires"),
            _l("le commentaire %(label)s"),
            lambda c: " ".join(c.body.split())[:60],
            _comment_scope,
            ignored=frozenset({"edited_at"}),
        ),
    )


_register_in_activity_log()
