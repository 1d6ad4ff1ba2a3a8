"""Printable documents: the tour and stop programmes (public), sign-in sheets and badges
(organisers). Each is also viewable as HTML with ?format=html, for a print preview."""

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

import jobs
from blueprints.access import require, require_login
from blueprints.http import not_modified
from extensions import db
from models import TourStop, Workshop
from models.types import utc_now
from services.documents import attendance_sheets, programmes, rendering, stored
from services.permissions import can_manage_stop, can_view_registrants
from services.planning import tours

bp = Blueprint("programmes", __name__)


def in_french(view):
    """Printed documents are French for every reader: one cached PDF serves them all, so
    its title and text must not depend on who asked first."""

    @wraps(view)
    def french_view(*args, **kwargs):
        with force_locale("fr"):
            return view(*args, **kwargs)

    return french_view


def _document(
    kind: str,
    key: str,
    title: str,
    template: str,
    context: Callable[[], dict],
    workshop_ids: list[int] | None = None,
    private: bool = False,
    filename: str = "programme",
    page_aware: bool = False,
):
    """page_aware: the template prints real page numbers it is given as anchor_pages (the
    speaker index), so the document is laid out a second time (rendering.render_pdf)."""
    cache_control = "private, no-store" if private else "public, max-age=300"
    if request.args.get("format") == "html":
        page = render_template(template, document_title=title, **context())
        return page, 200, {"Cache-Control": cache_control}
    if request.args.get("format") not in (None, "pdf"):
        abort(400, description=_("Format inconnu : choisissez pdf ou html."))
    etag = rendering.document_etag(kind, key, rendering.data_version(workshop_ids))
    if not_modified(etag):
        return Response(status=304, headers={"ETag": etag, "Cache-Control": cache_control})

    def render() -> bytes:
        values = context()
        return rendering.render_pdf(
            render_template(template, document_title=title, **values),
            title,
            with_pages=(
                (
                    lambda pages: render_template(
                        template, document_title=title, anchor_pages=pages, **values
                    )
                )
                if page_aware
                else None
            ),
        )

    body = rendering.rendered_documents.get_or_render(etag, render)
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "ETag": etag,
            "Cache-Control": cache_control,
            "Content-Disposition": f'inline; filename="{filename}.pdf"',
        },
    )


def _pdf(body: bytes, etag: str, filename: str, cache_control: str) -> Response:
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "ETag": etag,
            "Cache-Control": cache_control,
            "Content-Disposition": f'inline; filename="{filename}.pdf"',
        },
    )


# The progress page asks again this often (seconds), by a meta refresh (no script: CSP).
PROGRESS_REFRESH_SECONDS = 2


@bp.get("/tours/<slug>/programme.pdf")
@in_french
def tour_programme(slug: str):
    """A tour's programme (tens of pages) is never rendered in the request: it is served as
    last rendered by a job (jobs/documents.py), which is queued when the data changed; the
    first time, a progress page refreshes itself until the PDF is there."""
    tour = tours.tour_by_slug(slug) or abort(404)
    spec = stored.tour_programme_spec(tour)
    cache_control = "public, max-age=300"
    if request.args.get("format") == "html":
        page = render_template(spec.template, document_title=spec.title, **spec.context())
        return page, 200, {"Cache-Control": cache_control}
    if request.args.get("format") not in (None, "pdf"):
        abort(400, description=_("Format inconnu : choisissez pdf ou html."))
    etag = spec.etag()
    if not_modified(etag):
        return Response(status=304, headers={"ETag": etag, "Cache-Control": cache_control})
    document = stored.stored_document(spec.kind, spec.subject)
    if document is not None and document.etag == etag and document.body is not None:
        return _pdf(document.body, etag, spec.filename, cache_control)
    if stored.needs_rendering(document, etag, utc_now()):
        jobs.enqueue("render_document", spec.kind, spec.subject)
    if document is not None and document.body is not None and document.etag:
        # The last version, until the new one is rendered (seconds): revalidated soon.
        if not_modified(document.etag):
            return Response(
                status=304, headers={"ETag": document.etag, "Cache-Control": "no-cache"}
            )
        return _pdf(document.body, document.etag, spec.filename, "no-cache")
    percent = stored.progress_percent(document)
    pages = document.pages_laid_out if document else 0
    if percent is None:
        text = ngettext("%(num)s page mise en page", "%(num)s pages mises en page", pages)
    else:
        text = _("%(percent)s %% · %(pages)s pages mises en page", percent=percent, pages=pages)
    if request.accept_mimetypes.best == "application/json":
        progress = {"ready": False, "percent": percent, "pages": pages, "text": text}
        return jsonify(progress), 202, {"Cache-Control": "no-store"}
    page = render_template(
        "public/document_progress.html",
        tour=tour,
        title=spec.title,
        percent=percent,
        progress_text=text,
        refresh=PROGRESS_REFRESH_SECONDS,
    )
    return page, 202, {"Cache-Control": "no-store", "Retry-After": str(PROGRESS_REFRESH_SECONDS)}


@bp.get("/stops/<int:stop_id>/programme.pdf")
@in_french
def stop_programme(stop_id: int):
    stop = tours.visible_stop(stop_id, include_drafts=False) or abort(404)
    return _document(
        "stop",
        str(stop.id),
        _("Programme : %(name)s", name=stop.territory.name),
        "print/stop_programme.html",
        lambda: programmes.stop_programme(stop),
        workshop_ids=programmes.workshop_ids_of_stop(stop),
        filename=f"programme-{stop.territory.slug}",
    )


def _workshop_for_organisers(workshop_id: int) -> Workshop:
    # Visitors go to the login page before the lookup, so nothing says whether it exists.
    require_login()
    workshop = db.get_or_404(Workshop, workshop_id)
    require(
        can_view_registrants,
        workshop,
        message=_("Réservé aux organisateurs des territoires de cet atelier."),
    )
    return workshop


@bp.get("/workshops/<int:workshop_id>/sign-in-sheet.pdf")
@in_french
def sign_in_sheet(workshop_id: int):
    workshop = _workshop_for_organisers(workshop_id)
    return _document(
        "sign-in",
        str(workshop.id),
        _("Feuille d’émargement : %(title)s", title=workshop.title),
        "print/sign_in_sheet.html",
        lambda: attendance_sheets.sign_in_sheet(workshop),
        workshop_ids=[workshop.id],
        private=True,
        filename=f"emargement-atelier-{workshop.id}",
    )


@bp.get("/workshops/<int:workshop_id>/badges.pdf")
@in_french
def workshop_badges(workshop_id: int):
    workshop = _workshop_for_organisers(workshop_id)
    return _document(
        "workshop-badges",
        str(workshop.id),
        _("Badges : %(title)s", title=workshop.title),
        "print/badges.html",
        lambda: attendance_sheets.workshop_badges(workshop),
        workshop_ids=[workshop.id],
        private=True,
        filename=f"badges-atelier-{workshop.id}",
    )


@bp.get("/stops/<int:stop_id>/badges.pdf")
@in_french
def stop_badges(stop_id: int):
    require_login()  # before the lookup, see _workshop_for_organisers
    stop = db.get_or_404(TourStop, stop_id)
    require(
        can_manage_stop,
        stop,
        message=_("Réservé aux organisateurs de %(name)s.", name=stop.territory.name),
    )
    return _document(
        "stop-badges",
        str(stop.id),
        _("Badges : %(name)s", name=stop.territory.name),
        "print/badges.html",
        lambda: attendance_sheets.stop_badges(stop),
        private=True,
        filename=f"badges-{stop.territory.slug}",
    )
