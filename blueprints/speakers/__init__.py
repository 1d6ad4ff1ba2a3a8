"""Speakers: the public list and profiles (organisers also see private details there; they
edit records in blueprints/speaker_admin)."""

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from extensions import db
from models import Speaker
from services.calendar.private_feeds import feed_link_of
from services.permissions import can_edit_speakers, can_remove_speaker, can_see_drafts
from services.planning.engagements import engagements_of
from services.planning.speakers import search_speakers
from services.planning.warnings import speakers_warnings
from services.text import render_markdown
from services.urls import absolute_url

bp = Blueprint("speakers", __name__)

# Beyond this, the page number is not a page anyone reached by following links (and its
# offset would overflow the database's integers).
MAX_PAGE = 1_000_000


def _page_number() -> int:
    raw = request.args.get("page", "1").strip()
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        abort(
            400,
            description=_(
                "Numéro de page invalide : indiquez un nombre entier à partir de 1, par exemple "
                "?page=2."
            ),
        )
    return int(raw)


# Public pages -----------------------------------------------------------------------------


@bp.get("/speakers/")
def index():
    page = _page_number()
    q = request.args.get("q", "").strip()
    pagination = search_speakers(q, page)
    return render_template(
        "speakers/index.html",
        pagination=pagination,
        q=q,
        can_edit=can_edit_speakers(current_user),
    )


@bp.get("/speakers/<int:speaker_id>")
def profile(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    private_feed_url = None
    # Organisers see the speaker's private link, to send it to them.
    if can_edit_speakers(current_user) and (link := feed_link_of(speaker=speaker)):
        private_feed_url = absolute_url("calendar.private", token=link.token)
    organiser = can_see_drafts(current_user)
    engagements = engagements_of([speaker.id], include_drafts=organiser)[speaker.id]
    return render_template(
        "speakers/profile.html",
        speaker=speaker,
        biography=render_markdown(speaker.biography),
        engagements=engagements,
        organiser=organiser,
        warnings=speakers_warnings([speaker]) if organiser else [],
        can_remove=can_remove_speaker(current_user, speaker),
        feed_url=absolute_url("calendar.speaker", speaker_id=speaker.id),
        private_feed_url=private_feed_url,
    )
