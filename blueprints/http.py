"""Conditional GET (RFC 9110, section 13), one rule for calendar feeds and documents."""

from datetime import UTC, datetime

from flask import request
from werkzeug.http import unquote_etag


def not_modified(etag: str, last_modified: datetime | None = None) -> bool:
    """Whether the client's copy is current, so a 304 may answer the request.

    etag is the response's ETag as sent (quoted, e.g. '"3f2a…"'). If-None-Match wins when
    present and uses the weak comparison (13.1.2): W/"3f2a…" and * match too.
    If-Modified-Since is only read without If-None-Match, and a date later than now is
    ignored (13.1.3), as is any date when the response has no Last-Modified.
    """
    tags = request.if_none_match
    if tags:
        return tags.contains_weak(unquote_etag(etag)[0])
    since = request.if_modified_since
    if since is None or last_modified is None or since > datetime.now(UTC):
        return False
    return last_modified.replace(microsecond=0) <= since
