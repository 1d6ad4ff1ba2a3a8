"""The CP-SAT model."""

from services.planning.itinerary.instance import Instance
from services.planning.itinerary.plan import ItineraryPlan


def solve(
    instance: Instance, *, time_limit_seconds: float = 20.0, explain: bool = True
) -> ItineraryPlan:
    raise NotImplementedError
