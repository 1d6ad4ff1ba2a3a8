"""The itinerary optimiser: schedules a tour's territories that have no stop yet with
OR-tools' CP-SAT solver, around the fixed stops, the principal's agenda, the journey rule,
calendars and the territories' ranked date options.

DB-free pieces (`Instance`, `solve`, `validate_plan`) run without Flask; `build_instance`
and `propose_itinerary` read the database.
"""

from services.planning.itinerary.instance import (
    FixedStop,
    Instance,
    Option,
    Site,
)
from services.planning.itinerary.plan import ItineraryPlan, PlannedVisit
from services.planning.itinerary.propose import build_instance, propose_itinerary
from services.planning.itinerary.solver import solve
from services.planning.itinerary.validate import validate_plan

__all__ = [
    "FixedStop",
    "Instance",
    "ItineraryPlan",
    "Option",
    "PlannedVisit",
    "Site",
    "build_instance",
    "propose_itinerary",
    "solve",
    "validate_plan",
]
