"""Public pages: the current tour, a tour, a stop, territories, health, language."""

from datetime import date

from flask import Blueprint, abort, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text

from blueprints.form_helpers import month_asked
from blueprints.template_helpers import safe_next_url, stop_when
from extensions import db
from models import Territory, TourStop
from services.local_time import today_in_france
from services.permissions import can_see_drafts
from services.planning import tours
from services.planning.month_grid import month_grid
from services.urls import absolute_url

bp = Blueprint("public", __name__)


def today() -> date:
    return today_in_france()


def tour_map_data(stops: list[TourStop], unscheduled: list[Territory]) -> dict:
    """What the tour map shows: the stops, and the territories still to visit."""
    return {
        "stops": [
            {
                "label": stop.territory.name,
                "when": stop_when(stop),
                "status": stop.status.value,
                "url": url_for("public.stop", stop_id=stop.id),
                "lat": stop.coordinates[0],
                "lon": stop.coordinates[1],
                "overseas": stop.territory.is_overseas,
            }
            for stop in stops
            if stop.coordinates
        ],
        "territories": [
            {
                "label": territory.name,
                "url": url_for("public.territory", slug=territory.slug),
                "lat": territory.latitude,
                "lon": territory.longitude,
                "overseas": territory.is_overseas,
            }
            for territory in unscheduled
            if territory.latitude is not None and territory.longitude is not None
        ],
    }


@bp.get("/")
def index():
    tour = tours.current_tour(today())
    if tour is None:
        return render_template("public/empty.html")
    include_drafts = can_see_drafts(current_user)
    stops = tours.tour_stops(tour, include_drafts=include_drafts)
    upcoming = [s for s in stops if s.ends_at.date() >= today() and not s.is_cancelled]
    return render_template(
        "public/index.html",
        tour=tour,
        stops=stops,
        upcoming=upcoming,
        territories=tours.all_territories(),
        unscheduled=tours.unscheduled_territories(tour, include_drafts),
        feed_url=absolute_url("calendar.tour", slug=tour.slug),
    )


@bp.get("/tours/<slug>/")
def tour(slug: str):
    tour = tours.tour_by_slug(slug) or abort(404)
    include_drafts = can_see_drafts(current_user)
    stops = tours.tour_stops(tour, include_drafts=include_drafts)
    unscheduled = tours.unscheduled_territories(tour, include_drafts)
    year, month = month_asked(stops, tour)
    return render_template(
        "public/tour.html",
        tour=tour,
        stops=stops,
        # Changing month (?mois=) reopens the page on its calendar.
        tab="calendrier" if request.args.get("mois") else "liste",
        grid=month_grid(year, month, stops, tour.start_date, tour.end_date),
        map_data=tour_map_data(stops, unscheduled),
        unscheduled=unscheduled,
        feed_url=absolute_url("calendar.tour", slug=tour.slug),
    )


@bp.get("/stops/<int:stop_id>")
def stop(stop_id: int):
    stop = tours.visible_stop(stop_id, include_drafts=can_see_drafts(current_user)) or abort(404)
    return render_template("public/stop.html", stop=stop)


@bp.get("/territories/")
def territories():
    return render_template("public/territories.html", territories=tours.all_territories())


@bp.get("/territories/<slug>")
def territory(slug: str):
    territory = tours.territory_by_slug(slug) or abort(404)
    stops = tours.territory_stops(territory, include_drafts=can_see_drafts(current_user))
    return render_template(
        "public/territory.html",
        territory=territory,
        stops=stops,
        feed_url=absolute_url("calendar.territory", slug=territory.slug),
    )


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not alive"
        return jsonify(status="unavailable", database=False), 503
    return jsonify(status="ok", database=True)


@bp.post("/langue")
def set_language():
    language = request.form.get("lang", "")
    if language not in ("fr", "en"):
        abort(400, description=_("Langue inconnue : choisissez fr ou en."))
    session["lang"] = language
    return redirect(safe_next_url(request.form.get("next")) or url_for("public.index"))
