"""The optimiser on the demo tour: seventeen territories to schedule around three
confirmed stops, with the database, the journey rule and the warnings of the board."""

from sqlalchemy import select

from extensions import db
from models import StopStatus, Tour, TourStop
from services.planning import tours
from services.planning.itinerary import build_instance, propose_itinerary, validate_plan
from services.planning.warnings import WarningKind, tour_warnings


def _demo_tour(app) -> Tour:
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    tour = db.session.scalar(select(Tour))
    assert tour is not None
    return tour


def test_the_demo_tour_is_planned_without_journey_or_overlap_warnings(app):
    with app.test_request_context():
        tour = _demo_tour(app)
        before = {s.id: (s.starts_at, s.ends_at) for s in tour.stops}
        instance = build_instance(tour)
        assert len(instance.to_schedule) == 17
        assert len(instance.fixed) == 3

        # 5 s of deterministic time: with 2 s a loaded machine can hit the wall-clock safety
        # net (4x) before the first solution.
        plan = propose_itinerary(tour, time_limit_seconds=5)

        assert plan.status in ("optimal", "feasible"), plan.conflicts
        assert validate_plan(instance, plan) == []
        assert sorted(v.territory_id for v in plan.visits) == sorted(instance.to_schedule)
        assert plan.total_km > 0
        # Reading only: nothing written, the confirmed stops where they were.
        assert {s.id: (s.starts_at, s.ends_at) for s in tour.stops} == before
        for visit in plan.visits:
            db.session.add(
                TourStop(
                    tour=tour,
                    territory_id=visit.territory_id,
                    starts_at=visit.starts_at,
                    ends_at=visit.ends_at,
                    status=StopStatus.DRAFT,
                )
            )
        db.session.flush()
        stops = tours.tour_stops(tour, include_drafts=True)
        assert len(stops) == 20
        kinds = {w.kind for w in tour_warnings(stops, tour.principal)}
        assert not kinds & {
            WarningKind.JOURNEY,
            WarningKind.PRINCIPAL_OVERLAP,
            WarningKind.WEEKEND,
            WarningKind.PUBLIC_HOLIDAY,
        }, [w.message for w in tour_warnings(stops, tour.principal)]
        assert tours.unscheduled_territories(tour) == []
