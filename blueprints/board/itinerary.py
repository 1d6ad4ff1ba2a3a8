"""The national view of a tour (itinéraire): a timeline of weeks with the stops, each
territory's options and blackouts and public holidays, the route in date order, and the
optimiser's proposals. Every organiser reads it; the national coordination and admins act."""

from datetime import date, timedelta
from typing import NoReturn

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from blueprints.access import require
from blueprints.board import bp
from blueprints.form_helpers import Refusal, attempt, int_or_none
from extensions import db
from models import Blackout, DateOption, Tour
from services.local_time import hours, long_date, short_when
from services.permissions import can_coordinate, is_organiser
from services.planning import proposals, tours
from services.planning.warnings import JourneyRule, _public_holidays

PAGE = "/tours/<slug>/itineraire"


def _coordinator_only() -> None:
    require(
        can_coordinate,
        message=_("Seules la coordination nationale et les administrateurs planifient la tournée."),
    )


def _weeks(tour: Tour) -> list[date]:
    monday = tour.start_date - timedelta(days=tour.start_date.weekday())
    weeks = []
    while monday <= tour.end_date:
        weeks.append(monday)
        monday += timedelta(days=7)
    return weeks


def _route(points):
    """(name, when, km from the previous point, hours) in date order."""
    rule = JourneyRule.from_config()
    legs, total_km, total_hours, previous = [], 0.0, 0.0, None
    for point in points:
        km = None
        if previous is not None:
            needed, km = rule.time_needed(previous["territory"], point["territory"])
            if km is not None:
                total_km += km
                total_hours += km / rule.average_speed_kmh
            else:
                total_hours += needed.total_seconds() / 3600
        legs.append({**point, "km": km})
        previous = point
    return legs, total_km, total_hours


def _monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


Grid = dict[tuple[int, date], list[tuple[str, str]]]


def _add_blackouts(grid: Grid, blackouts) -> None:
    for b in blackouts:
        day = b.first_day
        while day <= b.last_day:
            key = (b.territory_id, _monday_of(day))
            label = _("Indisponible")
            if ("blackout", label) not in grid.get(key, []):
                grid.setdefault(key, []).append(("blackout", label))
            day += timedelta(days=7 - day.weekday())


def _add_holidays(grid: Grid, tour: Tour, territories) -> None:
    for t in territories:
        for year in range(tour.start_date.year, tour.end_date.year + 1):
            for day, name in _public_holidays(t.holiday_subdivision, year, "fr").items():
                if tour.start_date <= day <= tour.end_date:
                    grid.setdefault((t.id, _monday_of(day)), []).append(
                        ("holiday", _("Férié : %(name)s (%(day)s)", name=name, day=long_date(day)))
                    )


def _timeline(tour: Tour, stops, territories, options, blackouts, shown) -> Grid:
    """Each cell of the week grid: what happens that week in that territory."""
    grid: Grid = {}
    for s in stops:
        grid.setdefault((s.territory_id, _monday_of(s.local_start.date())), []).append(
            ("stop", _("Étape %(when)s", when=short_when(s.starts_at, s.territory.timezone)))
        )
    for o in options:
        grid.setdefault((o.territory_id, _monday_of(o.day)), []).append(
            ("option", _("Date n° %(rank)s : %(day)s", rank=o.rank, day=long_date(o.day)))
        )
    _add_blackouts(grid, blackouts)
    _add_holidays(grid, tour, territories)
    for v in shown.visits if shown is not None else []:
        local = v.starts_at.astimezone(v.territory.zone)
        when = short_when(v.starts_at, v.territory.timezone)
        grid.setdefault((v.territory_id, _monday_of(local.date())), []).append(
            ("proposed", _("Proposée %(when)s", when=when))
        )
    return grid


def _render(tour: Tour, status: int = 200):
    stops = [s for s in tours.tour_stops(tour, include_drafts=True) if not s.is_cancelled]
    territories = tours.all_territories()
    options = db.session.scalars(
        db.select(DateOption).where(DateOption.tour_id == tour.id).order_by(DateOption.rank)
    ).all()
    blackouts = db.session.scalars(db.select(Blackout).where(Blackout.tour_id == tour.id)).all()
    weeks = _weeks(tour)
    proposal = proposals.latest_proposal(tour)
    shown = proposal if proposal is not None and proposal.status.value == "draft" else None
    grid = _timeline(tour, stops, territories, options, blackouts, shown)
    points = [
        {"territory": s.territory, "at": s.starts_at, "draft_layer": False, "status": s.status}
        for s in stops
    ]
    route, km, travel = _route(sorted(points, key=lambda p: p["at"]))
    proposed_route = None
    if shown is not None and shown.visits:
        proposed_points = points + [
            {"territory": v.territory, "at": v.starts_at, "draft_layer": True, "status": None}
            for v in shown.visits
        ]
        proposed_route = _route(sorted(proposed_points, key=lambda p: p["at"]))
    planned = {s.territory_id for s in stops}
    page = render_template(
        "board/itinerary.html",
        tour=tour,
        territories=territories,
        weeks=weeks,
        grid=grid,
        options=options,
        route=route,
        total_km=km,
        travel_hours=travel,
        proposed_route=proposed_route,
        proposal=shown,
        stale=shown is not None and proposals.is_stale(shown),
        unplanned=[t for t in territories if t.id not in planned],
        planned=planned,
        coordinator=can_coordinate(current_user),
        option_hours=lambda o: hours(o.starts_at, o.ends_at, o.territory.timezone),
        when=short_when,
        long_day=long_date,
    )
    return page, status


def _tour(slug: str) -> Tour:
    return tours.tour_by_slug(slug) or abort(404)


@bp.get(PAGE, endpoint="itinerary")
def itinerary(slug: str):
    tour = _tour(slug)
    require(is_organiser)
    return _render(tour)


def _back(tour: Tour, anchor: str | None = None):
    return redirect(url_for("board.itinerary", slug=tour.slug, _anchor=anchor))


def _refused(outcome: Refusal) -> NoReturn:
    abort(outcome.status, description=outcome.message)


@bp.post(
    PAGE + "/territoires/<territory_slug>/dates/<int:option_id>/accepter", endpoint="accept_option"
)
def accept_option(slug: str, territory_slug: str, option_id: int):
    tour = _tour(slug)
    _coordinator_only()
    territory = tours.territory_by_slug(territory_slug)
    if territory is None:
        abort(404, description=_("Territoire inconnu."))
    outcome = attempt(lambda: proposals.accept_option(tour, territory, option_id, current_user))
    if isinstance(outcome, Refusal):
        _refused(outcome)
    stop, released = outcome
    flash(
        _(
            "Date acceptée : l’étape de %(name)s est créée en brouillon (%(when)s) et son "
            "équipe prévenue par e-mail.",
            name=territory.name,
            when=short_when(stop.starts_at, territory.timezone),
        )
        + " "
        + ngettext("%(num)d autre date libérée.", "%(num)d autres dates libérées.", released),
        "success",
    )
    return _back(tour, "dates-proposees")


def _ids(name: str) -> list[int]:
    values = request.form.getlist(name)
    ids = [int_or_none(v) for v in values]
    if any(i is None for i in ids):
        abort(400, description=_("Choix inconnu : cochez des éléments de la liste."))
    return [i for i in ids if i is not None]


@bp.post(PAGE + "/propositions", endpoint="run_proposal")
def run_proposal(slug: str):
    tour = _tour(slug)
    _coordinator_only()
    excluded = _ids("exclure")
    outcome = attempt(lambda: proposals.run(tour, current_user, excluded=excluded))
    if isinstance(outcome, Refusal):
        _refused(outcome)
    _flash_run(outcome)
    return _back(tour, "proposition")


def _flash_run(proposal) -> None:
    if proposal.solver_status in ("optimal", "feasible"):
        flash(
            ngettext(
                "Itinéraire proposé pour %(num)d territoire : relisez-le puis acceptez-le.",
                "Itinéraire proposé pour %(num)d territoires : relisez-le puis acceptez-le.",
                len(proposal.visits),
            ),
            "success",
        )
    else:
        flash(_("Aucun itinéraire ne respecte toutes les règles : voir les conflits."), "warning")


def _proposal(tour: Tour, proposal_id: int):
    proposal = proposals.proposal_of(tour, proposal_id)
    if proposal is None:
        abort(404, description=_("Cette proposition d’itinéraire n’existe pas."))
    return proposal


@bp.post(PAGE + "/propositions/<int:proposal_id>/relancer", endpoint="rerun_proposal")
def rerun_proposal(slug: str, proposal_id: int):
    tour = _tour(slug)
    _coordinator_only()
    proposal = _proposal(tour, proposal_id)
    pinned, excluded = _ids("epingler"), _ids("exclure")
    outcome = attempt(
        lambda: proposals.rerun(proposal, current_user, pinned_visit_ids=pinned, excluded=excluded)
    )
    if isinstance(outcome, Refusal):
        _refused(outcome)
    _flash_run(outcome)
    return _back(tour, "proposition")


@bp.post(PAGE + "/propositions/<int:proposal_id>/accepter", endpoint="accept_proposal")
def accept_proposal(slug: str, proposal_id: int):
    tour = _tour(slug)
    _coordinator_only()
    proposal = _proposal(tour, proposal_id)
    chosen = None if request.form.get("tout") else _ids("etapes")
    outcome = attempt(lambda: proposals.accept(proposal, current_user, chosen))
    if isinstance(outcome, Refusal):
        _refused(outcome)
    flash(
        ngettext(
            "%(num)d étape créée en brouillon à partir de la proposition.",
            "%(num)d étapes créées en brouillon à partir de la proposition.",
            len(outcome),
        ),
        "success",
    )
    return redirect(url_for("board.tour", slug=tour.slug))
