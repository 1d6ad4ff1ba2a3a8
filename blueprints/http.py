"""Conditional GET (RFC 9110, section 13), one rule for calendar feeds, schedules and
documents."""

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Response, request
from werkzeug.http import http_date, unquote_etag

from services.caching import RenderedCache
from services.calendar.freshness import Freshness


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


def conditional_response(
    fresh: Freshness,
    cache: RenderedCache,
    render: Callable[[], bytes],
    content_type: str,
    disposition: str | None = None,
    private: bool = False,
    max_age: int = 300,
) -> Response:
    """A 304 when the client's copy is current, else the body (rendered once per ETag by
    this process); always the validators and a short max-age."""
    if not_modified(fresh.etag, fresh.last_modified):
        response = Response(status=304)
    else:
        response = Response(cache.get_or_render(fresh.etag, render), status=200)
        response.headers["Content-Type"] = content_type
        if disposition:
            response.headers["Content-Disposition"] = disposition
    response.headers["ETag"] = fresh.etag
    if fresh.last_modified:
        response.headers["Last-Modified"] = http_date(fresh.last_modified)
    response.headers["Cache-Control"] = f"{'private' if private else 'public'}, max-age={max_age}"
    return response
