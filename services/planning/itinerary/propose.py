"""Reading the database into an Instance, and the service the views call."""

from collections.abc import Collection, Mapping
from datetime import datetime

from models import Tour
from services.planning.itinerary.instance import Instance
from services.planning.itinerary.plan import ItineraryPlan


def build_instance(
    tour: Tour,
    *,
    territory_ids: Collection[int] | None = None,
    pins: Mapping[int, datetime] | None = None,
    excluded: Collection[int] = (),
) -> Instance:
    raise NotImplementedError


def propose_itinerary(
    tour: Tour,
    *,
    territory_ids: Collection[int] | None = None,
    pins: Mapping[int, datetime] | None = None,  # territory_id -> starts_at (UTC)
    excluded: Collection[int] = (),
    time_limit_seconds: float | None = None,
) -> ItineraryPlan:
    """territory_ids None: every territory of the tour without a stop (draft or confirmed,
    not cancelled), minus excluded. Reads, never writes."""
    raise NotImplementedError
