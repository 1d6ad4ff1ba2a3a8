"""Releases of a tour's programme: the public change log (page and Atom feed), each
release's PDF, and the coordination's publish form."""

import hashlib
import xml.etree.ElementTree as ET

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from blueprints.access import require
from blueprints.form_helpers import Refusal, attempt
from blueprints.http import conditional_response, not_modified
from models import RELEASE_NAME_MAX, Release, Tour
from services.caching import RenderedCache
from services.calendar.freshness import freshness
from services.permissions import can_publish
from services.planning import tours
from services.publishing import releases
from services.publishing.release_mails import ITEM_LABELS, KIND_LABELS
from services.urls import absolute_url

bp = Blueprint("releases", __name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_FORMAT = "1"
rendered_feeds = RenderedCache(max_bytes=8 * 1024 * 1024)


class ReleaseForm(FlaskForm):
    # The service checks the name (empty, too long, taken): its messages land on the field.
    name = StringField(
        _l("Nom de la version"),
        description=_l(
            "Par exemple « v3 » ou « 12 mars 2019 » ; %(max)d caractères au plus.",
            max=RELEASE_NAME_MAX,
        ),
    )
    note = TextAreaField(_l("Note publique (facultative)"), validators=[Length(max=2000)])


def _tour_or_404(slug: str) -> Tour:
    return tours.tour_by_slug(slug) or abort(404)


@bp.get("/tours/<slug>/changes")
def changes(slug: str):
    tour = _tour_or_404(slug)
    return render_template(
        "releases/changes.html",
        tour=tour,
        log=releases.change_log(tour),
        kind_labels=KIND_LABELS,
        item_labels=ITEM_LABELS,
        can_publish=can_publish(current_user),
    )


def _entry_text(entry: releases.ReleaseLog) -> str:
    lines = [entry.release.note] if entry.release.note else []
    for change in entry.changes:
        line = f"{ITEM_LABELS[change.item_type]} « {change.title} » — {KIND_LABELS[change.kind]}"
        if change.before:
            line += f" ; avant : {change.before}"
        if change.after:
            line += f" ; maintenant : {change.after}"
        lines.append(line)
    return "\n".join(lines)


def _atom(tour: Tour) -> bytes:
    log = releases.change_log(tour)
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"xml:lang": "fr"})

    def add(parent, tag, text=None, **attributes):
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    page = absolute_url("releases.changes", slug=tour.slug)
    add(feed, "id", f"{page}")
    add(feed, "title", f"{tour.title} : versions du programme")
    updated = log[0].release.published_at if log else None
    add(feed, "updated", (updated.isoformat() if updated else f"{tour.start_date}T00:00:00+00:00"))
    add(feed, "link", href=page, rel="alternate", type="text/html")
    add(feed, "link", href=absolute_url("releases.changes_atom", slug=tour.slug), rel="self")
    author = add(feed, "author")
    add(author, "name", "Tournée French Impact")
    for entry in log:
        release = entry.release
        item = add(feed, "entry")
        add(item, "id", f"{page}#version-{release.id}")
        add(item, "title", f"Version {release.name}")
        add(item, "updated", release.published_at.isoformat())
        add(item, "published", release.published_at.isoformat())
        add(item, "link", href=f"{page}#version-{release.id}", rel="alternate", type="text/html")
        add(item, "content", _entry_text(entry), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.get("/tours/<slug>/changes.atom")
def changes_atom(slug: str):
    tour = _tour_or_404(slug)
    return conditional_response(
        freshness(f"releases-atom:{ATOM_FORMAT}:tour:{tour.id}"),
        rendered_feeds,
        lambda: _atom(tour),
        "application/atom+xml; charset=utf-8",
    )


@bp.get("/tours/<slug>/changes/<path:name>/programme.pdf")
def release_programme(slug: str, name: str):
    tour = _tour_or_404(slug)
    release = releases.release_by_name(tour, name)
    if release is None or release.document is None:
        abort(404, description=_("Aucune version de ce programme ne porte ce nom."))
    pdf = release.document.pdf
    etag = f'"{hashlib.sha256(pdf).hexdigest()[:40]}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=86400"}
    if not_modified(etag):
        return Response(status=304, headers=headers)
    filename = f"programme-{tour.slug}-{release.id}.pdf"
    headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return Response(pdf, mimetype="application/pdf", headers=headers)


def _publish_page(tour: Tour, form: ReleaseForm, status: int = 200, refusal: str | None = None):
    latest = releases.latest_release(tour)
    pending = releases.changes_between(latest, Release(snapshot=releases.snapshot_of(tour)))
    page = render_template(
        "releases/publish.html",
        tour=tour,
        form=form,
        latest=latest,
        pending=pending,
        refusal=refusal,
        kind_labels=KIND_LABELS,
        item_labels=ITEM_LABELS,
    )
    return page, status, {"Cache-Control": "private, no-store"}


@bp.route("/board/tours/<slug>/releases/new", methods=["GET", "POST"])
def publish(slug: str):
    require(
        can_publish,
        message=_(
            "Seules la coordination nationale et les administrateur·rices publient une "
            "version du programme."
        ),
    )
    tour = _tour_or_404(slug)
    form = ReleaseForm()
    if request.method == "GET":
        return _publish_page(tour, form)
    if not form.validate():
        return _publish_page(tour, form, 400)
    outcome = attempt(
        lambda: releases.publish_release(
            tour, form.name.data or "", form.note.data or "", current_user
        ),
        form,
    )
    if isinstance(outcome, Refusal):
        return _publish_page(tour, form, outcome.status, refusal=outcome.message)
    flash(
        _(
            "Version « %(name)s » publiée : les personnes concernées vont recevoir un e-mail.",
            name=outcome.name,
        ),
        "success",
    )
    return redirect(url_for("releases.changes", slug=tour.slug, _anchor=f"version-{outcome.id}"))
