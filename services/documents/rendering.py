"""Printable documents rendered by WeasyPrint from our own templates (templates/print/).

Only files under static/ can be fetched while rendering: the fetcher refuses any other
file, any network address and any redirect, so no text an organiser types can make the
server read a local file or call a network service. A document is rendered once per
version of what it shows (its ETag) and then served from memory.
"""

import hashlib
import logging
import mimetypes
import threading
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from flask import current_app
from sqlalchemy import func, select

from extensions import db
from models import FeedRevision, Workshop
from services.caching import RenderedCache
from services.local_time import today_in_france

STATIC_DIR = (Path(__file__).resolve().parents[2] / "static").resolve()
# The base URL of documents while rendering: only /static/ under it is ever served.
PRINT_BASE = "https://print.invalid/"
# 2: programmes no longer print online meeting links; 3: stops flow, seats left are dated,
# the République française block on the cover.
DOCUMENT_FORMAT = "3"

rendered_documents = RenderedCache(max_bytes=128 * 1024 * 1024, name="documents")


class FetchRefused(Exception):
    """A resource outside static/ was asked for while rendering."""


def static_file_for(url: str) -> Path:
    """The file under static/ that a URL names, or FetchRefused."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != PRINT_BASE or not parts.path.startswith("/static/"):
        raise FetchRefused(f"refused (not a static file of ours): {url[:200]}")
    path = (STATIC_DIR / unquote(parts.path[len("/static/") :])).resolve()
    if not path.is_relative_to(STATIC_DIR) or not path.is_file():
        raise FetchRefused(f"refused (no such static file): {url[:200]}")
    return path


def _fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        """WeasyPrint's fetcher, reduced to our static files: no file://, no http(s)://,
        no data from anywhere else, no redirect to follow."""

        def __init__(self):
            super().__init__(allowed_protocols=("https",), allow_redirects=False)

        def fetch(self, url, headers=None):
            path = static_file_for(url)
            header = EmailMessage()
            header["Content-Type"] = (
                mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            )
            return URLFetcherResponse(url, path.read_bytes(), header, 200)

    return StaticOnlyFetcher()


def anchor_pages(document) -> dict[str, int]:
    """Where a laid-out document put each of its anchors (id attributes): 1-based pages."""
    return {
        anchor: number for number, page in enumerate(document.pages, 1) for anchor in page.anchors
    }


class _ProgressRelay(logging.Handler):
    """WeasyPrint logs each page it lays out on its `weasyprint.progress` logger ("Step 5 -
    Creating layout - Page %d"); this passes those pages to the render that runs in the same
    thread, if it asked for them, and to nobody else (the logger no longer propagates)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.listeners: dict[int, Callable[[], None]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        listener = self.listeners.get(record.thread or 0)
        if listener is not None and str(record.msg).startswith("Step 5 - Creating layout - Page"):
            listener()


_progress_relay = _ProgressRelay()
_progress_logger = logging.getLogger("weasyprint.progress")
_progress_logger.addHandler(_progress_relay)
_progress_logger.setLevel(logging.INFO)
_progress_logger.propagate = False

# progress(pages laid out so far, pages expected in all or None while unknown)
Progress = Callable[[int, int | None], None]


def render_pdf(
    html: str,
    title: str,
    author: str = "Tournée French Impact",
    with_pages: Callable[[dict[str, int]], str] | None = None,
) -> bytes:
    return render_pdf_counted(html, title, author, with_pages).body


def render_pdf_counted(
    html: str,
    title: str,
    author: str = "Tournée French Impact",
    with_pages: Callable[[dict[str, int]], str] | None = None,
    progress: Progress | None = None,
    expected_work: int | None = None,
) -> "RenderedPdf":
    """A tagged PDF (PDF/UA-1) with its title, author and language, and its page count.

    with_pages, if given, writes the document again knowing the page of each anchor of the
    first layout (what CSS cannot do: print each page of an index once). What it adds must
    only come after those anchors (an index at the end), so it cannot move them; it is laid
    out again until the anchors stay put, at most twice more.

    progress, if given, hears of every page laid out (WeasyPrint lays pages out again when
    page counters need it, so this counts layout work, not pages), against the work
    expected: expected_work (the last rendering's), else twice the first layout's when
    there are two layouts, known once the first is done."""
    # Imported here: WeasyPrint loads Pango when imported, which only PDF requests need.
    from weasyprint import HTML

    layouts = 2 if with_pages is not None else 1
    state = {"laid_out": 0, "expected": expected_work or None}

    def page_laid_out() -> None:
        state["laid_out"] = (state["laid_out"] or 0) + 1
        if progress is not None:
            progress(state["laid_out"] or 0, state["expected"])

    def render(source: str):
        return HTML(string=source, base_url=PRINT_BASE, url_fetcher=_fetcher()).render()

    thread = threading.get_ident()
    if progress is not None:
        _progress_relay.listeners[thread] = page_laid_out
    try:
        document = render(html)
        state["expected"] = state["expected"] or (state["laid_out"] or 0) * layouts or None
        if with_pages is not None:
            for _attempt in range(2):
                pages = anchor_pages(document)
                document = render(with_pages(pages))
                if anchor_pages(document) == pages:
                    break
    finally:
        _progress_relay.listeners.pop(thread, None)
    document.metadata.title = title
    document.metadata.authors = [author]
    document.metadata.lang = "fr"
    body = document.write_pdf(pdf_variant="pdf/ua-1")
    return RenderedPdf(body, len(document.pages), state["laid_out"] or 0)


class RenderedPdf(NamedTuple):
    body: bytes
    pages: int
    # Pages laid out in all, with WeasyPrint's repaginations: the next rendering's estimate.
    work: int


def data_version(workshop_ids: list[int] | None = None) -> str:
    """What the documents show, in one query: the plan's revision, and for workshops their
    registrations' revision (every registration change bumps it)."""
    revision = select(FeedRevision.revision).where(FeedRevision.id == 1).scalar_subquery()
    columns = [revision]
    if workshop_ids:
        columns.append(
            select(func.coalesce(func.sum(Workshop.registrations_revision), 0))
            .where(Workshop.id.in_(workshop_ids))
            .scalar_subquery()
        )
    return "-".join(map(str, db.session.execute(select(*columns)).one()))


def document_etag(kind: str, key: str, version: str) -> str:
    """The version of a document: its format, what it shows, and what it prints besides the
    data: the day (seats left are dated with it) and whether it carries the State's
    identity (STATE_IDENTITY)."""
    printed = f"{today_in_france().isoformat()}|{int(current_app.config['STATE_IDENTITY'])}"
    key_text = f"{DOCUMENT_FORMAT}|{kind}|{key}|{version}|{printed}"
    digest = hashlib.sha256(key_text.encode()).hexdigest()
    return f'"{digest[:40]}"'
