"""What the optimiser answers: the visits it proposes and how good the proposal is."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PlannedVisit:
    territory_id: int
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC
    option_rank: int | None  # rank of the territory's DateOption it used, None if not an option
    pinned: bool  # kept where the coordinator pinned it
    reason: str  # French, through _(): "Sa proposition n° 2", "Le créneau libre le plus proche"…


@dataclass(frozen=True)
class ItineraryPlan:
    visits: list[PlannedVisit]  # in date order, only the territories that were to be scheduled
    status: str  # "optimal" | "feasible" | "infeasible" | "unknown" (time limit, no solution)
    gap: float | None  # relative optimality gap (0.0 = proven optimal)
    total_km: float  # whole itinerary in date order, fixed stops included
    travel_hours: float
    conflicts: list[str] = field(default_factory=list)  # when infeasible: French sentences
    solve_seconds: float = 0.0
