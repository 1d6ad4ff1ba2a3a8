"""The programme for other tools: a tour's schedule in the frab format (JSON and XML), with
the calendar feeds' validators (strong ETag, Last-Modified, 304 without building it)."""

from collections.abc import Callable

from flask import Blueprint, Response, abort, jsonify
from flask_babel import gettext as _

from blueprints.http import conditional_response
from services.calendar.freshness import freshness
from services.planning import tours
from services.publishing import frab

bp = Blueprint("publishing", __name__)

MAX_AGE = 300


def _schedule_response(tour, kind: str, write: Callable[[frab.Schedule], bytes], mimetype: str):
    response = conditional_response(
        freshness(f"frab:{frab.FRAB_FORMAT}:{kind}:tour:{tour.id}"),
        frab.rendered_schedules,
        lambda: write(frab.tour_schedule(tour)),
        f"{mimetype}; charset=utf-8",
        f'inline; filename="{tour.slug}-schedule.{kind}"',
        max_age=MAX_AGE,
    )
    # Public data that other sites' scripts may read.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/tours/<slug>/schedule.json")
def schedule_json(slug: str):
    tour = tours.tour_by_slug(slug)
    if tour is None:
        response: Response = jsonify(
            error=_("Aucune tournée n’a cette adresse : vérifiez le nom de la tournée.")
        )
        response.status_code = 404
        return response
    return _schedule_response(tour, "json", frab.schedule_json, "application/json")


@bp.get("/tours/<slug>/schedule.xml")
def schedule_xml(slug: str):
    tour = tours.tour_by_slug(slug) or abort(404)
    return _schedule_response(tour, "xml", frab.schedule_xml, "application/xml")
