"""A feed's validators (ETag, Last-Modified), from one small query: a client that already
has the feed is answered 304 without building the calendar."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from extensions import db
from models import FeedRevision, Registration
from services.calendar.feeds import FEED_FORMAT
from services.urls import base_url


@dataclass(frozen=True)
class Freshness:
    etag: str
    last_modified: datetime | None


def freshness(feed_key: str, participant_email: str | None = None) -> Freshness:
    """The feed's validators, from one small query: no calendar is built to answer 304."""
    revision = select(FeedRevision.revision).where(FeedRevision.id == 1).scalar_subquery()
    changed_at = select(FeedRevision.changed_at).where(FeedRevision.id == 1).scalar_subquery()
    columns = [revision, changed_at]
    if participant_email is not None:
        mine = Registration.email == participant_email
        columns += [
            select(func.max(Registration.updated_at)).where(mine).scalar_subquery(),
            select(func.count(Registration.id)).where(mine).scalar_subquery(),
        ]
    values = db.session.execute(select(*columns)).one()
    parts = [FEED_FORMAT, base_url(), feed_key, *map(str, values)]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:40]
    moments = [m for m in values if isinstance(m, datetime)]
    return Freshness(etag=f'"{digest}"', last_modified=max(moments) if moments else None)
