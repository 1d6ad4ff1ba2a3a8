"""An independent checker of a plan against an Instance (not the solver's encoding)."""

from services.planning.itinerary.instance import Instance
from services.planning.itinerary.plan import ItineraryPlan


def validate_plan(instance: Instance, plan: ItineraryPlan) -> list[str]:
    """Every violated hard constraint, in plain words; [] when the plan respects them all."""
    raise NotImplementedError
