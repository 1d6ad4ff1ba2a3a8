"""Calendar feeds over HTTP: text/calendar, strong ETag, Last-Modified, 304 without
building the calendar, a short max-age."""

from collections.abc import Callable

from flask import Blueprint, Response, abort
from sqlalchemy import select

from blueprints.http import conditional_response
from extensions import db
from models import Challenge, FeedOwner, RoundTable, Speaker, Territory, User, Workshop
from services.calendar import feeds
from services.calendar.freshness import freshness
from services.calendar.private_feeds import private_feed
from services.permissions import managed_territory_ids
from services.planning import tours
from services.registration.registrations import registration_by_token
from services.text import slugify

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

MAX_AGE = 300


def _filename(name: str) -> str:
    return slugify(name) or "calendrier"


def calendar_response(
    key: str, filename: str, build: Callable[[], feeds.Feed], private=False, participant=None
) -> Response:
    response = conditional_response(
        freshness(key, participant_email=participant),
        feeds.rendered_feeds,
        lambda: feeds.render(build()),
        "text/calendar; charset=utf-8",
        f'attachment; filename="{_filename(filename)}.ics"',
        private=private,
        max_age=MAX_AGE,
    )
    if private:
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _by_slug(model, slug: str):
    return db.session.scalar(select(model).where(model.slug == slug)) or abort(404)


@bp.get("/tours/<slug>.ics")
def tour(slug: str):
    tour = tours.tour_by_slug(slug) or abort(404)
    return calendar_response(f"tour:{tour.id}", tour.slug, lambda: feeds.tour_feed(tour))


@bp.get("/territories/<slug>.ics")
def territory(slug: str):
    territory = _by_slug(Territory, slug)
    return calendar_response(
        f"territory:{territory.id}", territory.slug, lambda: feeds.territory_feed(territory)
    )


@bp.get("/challenges/<slug>.ics")
def challenge(slug: str):
    challenge = _by_slug(Challenge, slug)
    return calendar_response(
        f"challenge:{challenge.id}",
        f"defi-{challenge.slug}",
        lambda: feeds.challenge_feed(challenge),
    )


@bp.get("/speakers/<int:speaker_id>.ics")
def speaker(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    return calendar_response(
        f"speaker:{speaker.id}", speaker.name, lambda: feeds.speaker_feed(speaker)
    )


@bp.get("/workshops/<int:workshop_id>.ics")
def workshop(workshop_id: int):
    workshop = db.get_or_404(Workshop, workshop_id)
    if not workshop.is_public:
        abort(404)
    return calendar_response(
        f"workshop:{workshop.id}", workshop.title, lambda: feeds.workshop_feed(workshop)
    )


@bp.get("/stops/<int:stop_id>.ics")
def stop(stop_id: int):
    stop = tours.visible_stop(stop_id, include_drafts=False) or abort(404)
    return calendar_response(
        f"stop:{stop.id}", f"etape-{stop.territory.slug}", lambda: feeds.stop_feed(stop)
    )


@bp.get("/round-tables/<int:table_id>.ics")
def round_table(table_id: int):
    table = db.get_or_404(RoundTable, table_id)
    if not table.stop.is_public:
        abort(404)
    return calendar_response(
        f"round-table:{table.id}", table.title, lambda: feeds.round_table_feed(table)
    )


@bp.get("/registrations/<token>.ics")
def registration(token: str):
    """One registration's own workshop, for the page reached with its link: a file to add
    (it carries the management token, so it is offered as a download, not a subscription);
    with the online meeting link once the seat is confirmed."""
    registration = registration_by_token(token) or abort(404)
    return calendar_response(
        f"registration:{registration.id}:{registration.token}",
        registration.workshop.title,
        lambda: feeds.registration_feed(registration),
        private=True,
        participant=registration.email,
    )


@bp.get("/private/<token>.ics")
def private(token: str):
    link = private_feed(token) or abort(404)
    key = f"private:{link.id}:{link.token}"
    if link.owner == FeedOwner.PARTICIPANT:
        email = link.email or abort(404)
        return calendar_response(
            key, "mes-ateliers", lambda: feeds.participant_feed(email), True, email
        )
    if link.owner == FeedOwner.SPEAKER:
        speaker = db.session.get(Speaker, link.speaker_id) or abort(404)
        return calendar_response(
            key, speaker.name, lambda: feeds.speaker_feed(speaker, include_drafts=True), True
        )
    user = db.session.get(User, link.user_id)
    if user is None or not user.active:
        abort(404)
    territory_ids = managed_territory_ids(user, tours.all_territories())
    return calendar_response(
        key, user.display_name, lambda: feeds.organiser_feed(user, territory_ids), True
    )
