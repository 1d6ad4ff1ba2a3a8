"""Private calendar links: one per participant e-mail, speaker or organiser.

A participant's link gathers every workshop registered with their address, so it reaches
them only through that address: it is in their mails, never on a page reached with one
registration's token (anyone may register with anyone's address, and nothing checks it).
Regenerating it needs the same proof: a signed, expiring renewal link sent by mail
(renewal_proof), valid once, since it names the token it replaces."""

import hashlib
import hmac
import logging
from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from extensions import db
from models import FeedOwner, PrivateFeed, Speaker, User
from models.types import could_be_token, new_token, utc_now

log = logging.getLogger(__name__)


def _ensure(owner: FeedOwner, **who) -> PrivateFeed:
    """Get or create, safe when two requests create the same link at once: the insert does
    nothing on conflict instead of failing the registration that triggered it."""
    ((column, value),) = who.items()
    existing = select(PrivateFeed).where(getattr(PrivateFeed, column) == value)
    link = db.session.scalar(existing)
    if link is not None:  # the common case: a read, no write lock taken
        return link
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(PrivateFeed).values(token=new_token(), owner=owner, **who).on_conflict_do_nothing()
    )
    return db.session.execute(existing).scalar_one()


def participant_feed_link(email: str) -> PrivateFeed:
    return _ensure(FeedOwner.PARTICIPANT, email=email)


def speaker_feed_link(speaker: Speaker) -> PrivateFeed:
    return _ensure(FeedOwner.SPEAKER, speaker_id=speaker.id)


def organiser_feed_link(user: User) -> PrivateFeed:
    return _ensure(FeedOwner.ORGANISER, user_id=user.id)


def feed_link_of(
    *, email: str | None = None, speaker: Speaker | None = None, user: User | None = None
) -> PrivateFeed | None:
    """The existing link of one owner, for pages that show it: reading never creates one
    (links are created with the registration, the speaker or the account)."""
    if email is not None:
        condition = PrivateFeed.email == email
    elif speaker is not None:
        condition = PrivateFeed.speaker_id == speaker.id
    elif user is not None:
        condition = PrivateFeed.user_id == user.id
    else:
        return None
    return db.session.scalar(select(PrivateFeed).where(condition))


def regenerate(link: PrivateFeed) -> PrivateFeed:
    """A new token; the old address answers 404 from now on."""
    link.token = new_token()
    db.session.flush()
    log.info("private feed %s (%s) regenerated", link.id, link.owner)
    return link


def forget_participant(email: str) -> None:
    """Delete the link of an address that no registration holds any more (anonymisation):
    its address goes, and its URL answers 404."""
    link = feed_link_of(email=email)
    if link is None:
        return
    db.session.delete(link)
    db.session.flush()
    log.info("private feed %s (%s) deleted", link.id, link.owner)


# Renewal by mail --------------------------------------------------------------------------

RENEWAL_MAX_AGE = timedelta(hours=24)
_RENEWAL_SALT = "participant-feed-renewal"


def _renewal_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RENEWAL_SALT)


def _fingerprint(link: PrivateFeed) -> str:
    """Names the current token without revealing it (the proof is readable, only signed)."""
    return hashlib.sha256(link.token.encode()).hexdigest()[:32]


def renewal_proof(link: PrivateFeed) -> str:
    """What the renewal link sent by mail carries: this link, as it is now, signed and
    dated. Regenerating changes the token, so a proof serves once."""
    return str(_renewal_signer().dumps([link.id, _fingerprint(link)]))


def link_to_renew(proof: str) -> PrivateFeed | None:
    """The participant's link a renewal proof names, if the proof is genuine, younger than
    RENEWAL_MAX_AGE, and the link has not been regenerated since."""
    if not proof or len(proof) > 200:
        return None
    try:
        payload = _renewal_signer().loads(proof, max_age=int(RENEWAL_MAX_AGE.total_seconds()))
    except BadData:
        return None
    match payload:
        case [int(feed_id), str(fingerprint)]:
            link = db.session.get(PrivateFeed, feed_id)
        case _:
            return None
    if link is None or link.owner != FeedOwner.PARTICIPANT:
        return None
    return link if hmac.compare_digest(fingerprint, _fingerprint(link)) else None


def private_feed(token: str) -> PrivateFeed | None:
    if not could_be_token(token):
        return None
    return db.session.scalar(select(PrivateFeed).where(PrivateFeed.token == token))


def create_participant_link(email: str, token: str) -> bool:
    """Create the link of an address with this token, unless one exists (a twin request
    created it first): returns whether this token is the link's."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    # On the session's connection, as Core: the ORM's insert path cost more than the
    # statement, and this one runs under the workshop's registration lock.
    table = PrivateFeed.__table__
    assert isinstance(table, Table)
    created = (
        db.session.connection()
        .execute(
            insert(table)
            .values(token=token, owner=FeedOwner.PARTICIPANT, email=email, created_at=utc_now())
            .on_conflict_do_nothing()
            .returning(table.c.id)
        )
        .scalar()
    )
    return created is not None
