"""The CP-SAT model of the itinerary.

Each territory to schedule gets a small set of candidate slots (its own date options, and a
default start on free days of its calendar: all of them on short tours, a coarse sample
plus the days around its options on long ones). Unary rules (tour dates, weekends and public
holidays, blackouts, the principal's unavailability, daytime hours, fixed stops) filter the
candidates; exactly one candidate per territory is chosen. Two stops too close for the
journey rule are incompatible pairs; per-day and per-week caps are sums. The journey rule
between consecutive stops is enforced pairwise, which is equivalent because the time needed
obeys the triangle inequality (great-circle distance, one transfer, a full day overseas).

The distance in date order is a Hamiltonian path (AddCircuit with a dummy depot) whose arcs
are tied to the order of the chosen slots: an arc i → j forces j's slot after i's, so the
path is the date order and its length is the total distance. On large instances the arcs
are pruned to each node's nearest neighbours in geography and in time.
"""

import itertools
import time as wallclock
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask_babel import gettext as _
from ortools.sat.python import cp_model

from services.planning.itinerary.instance import Instance, Site
from services.planning.itinerary.plan import ItineraryPlan, PlannedVisit

# Constraint groups, in the order the explanation tries to relax them.
JOURNEY, CALENDAR, BLACKOUTS, UNAVAILABLE, CAPS, DATES, DAYTIME = (
    "journey",
    "calendar",
    "blackouts",
    "unavailable",
    "caps",
    "dates",
    "daytime",
)
RELAXABLE = (JOURNEY, CALENDAR, BLACKOUTS, UNAVAILABLE, CAPS, DATES, DAYTIME)
OVERLAP = "overlap"  # one stop at a time: never relaxed

FREE_DAYS_KEPT = 40  # free-day candidates of a territory on a long tour
FULL_ARCS_UP_TO = 60  # nodes; beyond, arcs are pruned to nearest neighbours
NEIGHBOURS = 10
RELAXED_MARGIN_DAYS = 14  # how far past the tour dates the "dates" relaxation looks
SEED = 20261203
WORKERS = 4


@dataclass(frozen=True)
class Candidate:
    territory_id: int
    starts_at: datetime
    ends_at: datetime
    rank: int | None
    pinned: bool
    violates: frozenset[str]


def _local(site: Site, day, clock) -> datetime:
    return datetime.combine(day, clock, tzinfo=site.tz).astimezone(UTC)


def _unary(instance: Instance, site: Site, start: datetime, end: datetime) -> set[str]:
    groups: set[str] = set()
    first, last = site.local_day(start), site.local_day(end - timedelta(microseconds=1))
    if first < instance.first_day or last > instance.last_day:
        groups.add(DATES)
    local_start, local_end = start.astimezone(site.tz), end.astimezone(site.tz)
    if (
        first != last
        or local_start.time() < instance.day_start
        or local_end.time() > instance.day_end
    ):
        groups.add(DAYTIME)
    groups.update(_calendar(site, first, last))
    if any(a < end and start < b for a, b in instance.unavailable):
        groups.add(UNAVAILABLE)
    groups.update(_against_fixed(instance, site, start, end))
    return groups


def _calendar(site: Site, first, last) -> set[str]:
    groups = set()
    day = first
    while day <= last:
        if day.weekday() >= 5 or day in site.holidays:
            groups.add(CALENDAR)
        if any(a <= day <= b for a, b in site.blackouts):
            groups.add(BLACKOUTS)
        day += timedelta(days=1)
    return groups


def _against_fixed(instance: Instance, site: Site, start: datetime, end: datetime) -> set[str]:
    """Overlap or too short a journey with a stop already fixed."""
    groups = set()
    for stop in instance.fixed:
        if stop.starts_at < end and start < stop.ends_at:
            groups.add(OVERLAP)
        elif stop.ends_at <= start:
            if start - stop.ends_at < instance.journey_needed(stop.territory_id, site.id):
                groups.add(JOURNEY)
        elif stop.starts_at - end < instance.journey_needed(site.id, stop.territory_id):
            groups.add(JOURNEY)
    return groups


def candidates(instance: Instance, tid: int, relaxed: frozenset[str] = frozenset()) -> list:
    """The slots a territory may take, keeping those whose violations are all relaxed."""
    site = instance.sites[tid]
    visit = timedelta(minutes=site.visit_minutes)
    found: dict[datetime, Candidate] = {}

    def consider(start: datetime, end: datetime, rank: int | None, pinned: bool) -> None:
        violates = frozenset(_unary(instance, site, start, end))
        if violates <= relaxed and start not in found:
            found[start] = Candidate(tid, start, end, rank, pinned, violates)

    if tid in instance.pins:
        start = instance.pins[tid]
        option = next((o for o in site.options if o.starts_at == start), None)
        end = min(option.ends_at, start + visit) if option else start + visit
        consider(start, end, option.rank if option else None, True)
        return list(found.values())
    for option in sorted(site.options, key=lambda o: (o.rank, o.starts_at)):
        consider(
            option.starts_at, min(option.ends_at, option.starts_at + visit), option.rank, False
        )
    margin = timedelta(days=RELAXED_MARGIN_DAYS if DATES in relaxed else 0)
    day, last = instance.first_day - margin, instance.last_day + margin
    days = []
    while day <= last:
        days.append(day)
        day += timedelta(days=1)
    usable = [d for d in days if _free_start(instance, site, d, visit, relaxed) is not None]
    if len(usable) > FREE_DAYS_KEPT:
        option_days = {site.local_day(o.starts_at) for o in site.options}
        near = {d for d in usable if any(abs((d - o).days) <= 2 for o in option_days)}
        step = len(usable) / FREE_DAYS_KEPT
        sample = {usable[int(i * step)] for i in range(FREE_DAYS_KEPT)}
        usable = sorted(near | sample)
    for d in usable:
        free = _free_start(instance, site, d, visit, relaxed)
        if free is not None:
            consider(free, free + visit, None, False)
    return sorted(found.values(), key=lambda c: c.starts_at)


def _free_start(instance: Instance, site: Site, day, visit: timedelta, relaxed) -> datetime | None:
    """A free day's start: the default start, earlier if the visit would end too late."""
    if CALENDAR not in relaxed and (day.weekday() >= 5 or day in site.holidays):
        return None
    if BLACKOUTS not in relaxed and any(a <= day <= b for a, b in site.blackouts):
        return None
    start = _local(site, day, instance.default_start)
    if (start + visit).astimezone(site.tz).time() > instance.day_end or (start + visit).astimezone(
        site.tz
    ).date() != day:
        start = _local(site, day, instance.day_end) - visit
        if start.astimezone(site.tz).time() < instance.day_start:
            start = _local(site, day, instance.day_start)
    return start


def _conflicts(instance: Instance, a: Candidate, b: Candidate) -> str | None:
    """Why two stops (a starting no later than b) cannot both be kept."""
    if a.starts_at < b.ends_at and b.starts_at < a.ends_at:
        return OVERLAP
    if b.starts_at - a.ends_at < instance.journey_needed(a.territory_id, b.territory_id):
        return JOURNEY
    return None


class _Model:
    def __init__(self, instance: Instance, relaxed: frozenset[str], with_objective: bool):
        self.instance = instance
        self.relaxed = relaxed
        self.model = cp_model.CpModel()
        self.cands: dict[int, list[Candidate]] = {
            t: candidates(instance, t, relaxed) for t in instance.to_schedule
        }
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.empty = [t for t, cs in self.cands.items() if not cs]
        if self.empty:
            return
        m = self.model
        for t, cs in self.cands.items():
            for i, _c in enumerate(cs):
                self.x[t, i] = m.new_bool_var(f"x_{t}_{i}")
            m.add_exactly_one(self.x[t, i] for i in range(len(cs)))
        flat = sorted(
            ((c, (t, i)) for t, cs in self.cands.items() for i, c in enumerate(cs)),
            key=lambda p: (p[0].starts_at, p[0].territory_id),
        )
        self._pairs(flat)
        if CAPS not in relaxed:
            self._caps(flat)
        if with_objective:
            self._objective(flat)
            self._hint()

    def _hint(self) -> None:
        """A nearest-next itinerary as a starting point: from the last stop, the nearest
        territory among those that can take the earliest slot still possible."""
        inst = self.instance
        chosen: list[Candidate] = []
        keys = {}
        left = set(self.cands)
        while left:
            after = chosen[-1].starts_at if chosen else None
            fitting = [
                (c, (t, i))
                for t in left
                for i, c in enumerate(self.cands[t])
                if (after is None or c.starts_at > after) and self._fits(c, chosen)
            ]
            if not fitting:
                return  # no complete hint: let the solver search alone
            day = min(c.starts_at for c, _k in fitting).date()
            last = chosen[-1].territory_id if chosen else None
            c, key = min(
                (p for p in fitting if p[0].starts_at.date() == day),
                key=lambda p: (inst.travel_km(last, p[0].territory_id) if last else 0.0, p[1]),
            )
            chosen.append(c)
            keys[c.territory_id] = key
            left.discard(c.territory_id)
        for t, cs in self.cands.items():
            for i in range(len(cs)):
                self.model.add_hint(self.x[t, i], keys[t] == (t, i))

    def _fits(self, c: Candidate, chosen: list[Candidate]) -> bool:
        inst = self.instance
        day = self._day(c)
        same_day = sum(1 for o in chosen if self._day(o) == day)
        same_week = sum(1 for o in chosen if inst.week_of(self._day(o)) == inst.week_of(day))
        same_day += sum(
            1 for f in inst.fixed if inst.sites[f.territory_id].local_day(f.starts_at) == day
        )
        if same_day >= inst.max_stops_per_day or same_week >= inst.max_stops_per_week:
            return False
        return all(
            _conflicts(inst, *sorted((o, c), key=lambda x: x.starts_at)) is None for o in chosen
        )

    def _pairs(self, flat) -> None:
        inst = self.instance
        longest = max(
            timedelta(hours=inst.overseas_min_hours),
            max(
                (
                    inst.journey_needed(a, b)
                    for a in inst.to_schedule
                    for b in inst.to_schedule
                    if not inst.sites[a].overseas and not inst.sites[b].overseas
                ),
                default=timedelta(0),
            ),
        )
        same_day_capped = CAPS not in self.relaxed and inst.max_stops_per_day == 1
        for n, (a, ka) in enumerate(flat):
            for b, kb in flat[n + 1 :]:
                if b.starts_at >= a.ends_at + longest:
                    break
                if a.territory_id == b.territory_id:
                    continue
                if same_day_capped and self._day(a) == self._day(b):
                    continue  # the day cap already forbids both
                why = _conflicts(inst, a, b)
                if why == OVERLAP or (why == JOURNEY and JOURNEY not in self.relaxed):
                    self.model.add_bool_or([self.x[ka].Not(), self.x[kb].Not()])

    def _day(self, c: Candidate):
        return self.instance.sites[c.territory_id].local_day(c.starts_at)

    def _caps(self, flat) -> None:
        inst = self.instance
        by_day: dict = defaultdict(list)
        by_week: dict = defaultdict(list)
        for c, k in flat:
            by_day[self._day(c)].append(self.x[k])
            by_week[inst.week_of(self._day(c))].append(self.x[k])
        fixed_day: dict = defaultdict(int)
        fixed_week: dict = defaultdict(int)
        for stop in inst.fixed:
            day = inst.sites[stop.territory_id].local_day(stop.starts_at)
            fixed_day[day] += 1
            fixed_week[inst.week_of(day)] += 1
        for day, xs in by_day.items():
            room = max(0, inst.max_stops_per_day - fixed_day[day])
            if len(xs) > room:
                self.model.add(sum(xs) <= room)
        for week, xs in by_week.items():
            room = max(0, inst.max_stops_per_week - fixed_week[week])
            if len(xs) > room:
                self.model.add(sum(xs) <= room)

    def _positions(self, flat, nodes) -> dict:
        """Each node's rank in the date order: a variable for a territory, a constant for a
        fixed stop."""
        inst, m = self.instance, self.model
        every = sorted(
            [(c.starts_at, ("c", k)) for c, k in flat]
            + [(s.starts_at, ("f", n)) for n, s in enumerate(inst.fixed)]
        )
        rank_of = {key: n + 1 for n, (_when, key) in enumerate(every)}
        position: dict = {}
        for kind, ref in nodes:
            if kind == "f":
                position[kind, ref] = rank_of["f", ref]
                continue
            count = len(self.cands[ref])
            var = m.new_int_var(0, len(every) + 1, f"pos_{ref}")
            m.add(var == sum(rank_of["c", (ref, i)] * self.x[ref, i] for i in range(count)))
            position[kind, ref] = var
        return position

    def _objective(self, flat) -> None:
        inst, m = self.instance, self.model
        # Nodes of the circuit: 0 the depot, then the territories, then the fixed stops.
        nodes: list[tuple[str, int]] = [("t", t) for t in inst.to_schedule]
        nodes += [("f", n) for n in range(len(inst.fixed))]
        place = {n: (n[1] if n[0] == "t" else inst.fixed[n[1]].territory_id) for n in nodes}
        position = self._positions(flat, nodes)
        arcs = []
        for i in range(len(nodes)):
            arcs.append((0, i + 1, m.new_bool_var(f"first_{i}")))
            arcs.append((i + 1, 0, m.new_bool_var(f"last_{i}")))
        cost_terms = []
        for i, j in self._allowed_arcs(nodes, place):
            pi, pj = position[nodes[i]], position[nodes[j]]
            if isinstance(pi, int) and isinstance(pj, int) and pj <= pi:
                continue  # two fixed stops in the other order
            lit = m.new_bool_var(f"arc_{i}_{j}")
            arcs.append((i + 1, j + 1, lit))
            if not (isinstance(pi, int) and isinstance(pj, int)):
                m.add(pj >= pi + 1).only_enforce_if(lit)
            km = round(inst.travel_km(place[nodes[i]], place[nodes[j]]))
            if km:
                cost_terms.append(km * lit)
        m.add_circuit(arcs)
        bonus = [
            round(inst.option_value_km(c.rank)) * self.x[t, i]
            for t, cs in self.cands.items()
            for i, c in enumerate(cs)
            if c.rank is not None and round(inst.option_value_km(c.rank))
        ]
        m.minimize(sum(cost_terms) - sum(bonus))

    def _allowed_arcs(self, nodes, place) -> list[tuple[int, int]]:
        inst = self.instance
        count = len(nodes)
        pairs = [(i, j) for i in range(count) for j in range(count) if i != j]
        if count <= FULL_ARCS_UP_TO:
            return pairs
        # Time of each node: the middle of its candidates (or the fixed start).
        when = []
        for kind, ref in nodes:
            if kind == "t":
                stamps = sorted(c.starts_at.timestamp() for c in self.cands[ref])
                when.append(stamps[len(stamps) // 2])
            else:
                when.append(inst.fixed[ref].starts_at.timestamp())
        keep = set()
        for i in range(count):
            others = [j for j in range(count) if j != i]
            geo = sorted(others, key=lambda j: inst.travel_km(place[nodes[i]], place[nodes[j]]))
            soon = sorted(others, key=lambda j: abs(when[j] - when[i]))
            for j in geo[:NEIGHBOURS] + soon[:NEIGHBOURS]:
                keep.add((i, j))
                keep.add((j, i))
        return sorted(keep)

    def chosen(self, solver: cp_model.CpSolver) -> list[Candidate]:
        picked = []
        for t, cs in self.cands.items():
            for i, c in enumerate(cs):
                if solver.boolean_value(self.x[t, i]):
                    picked.append(c)
        return sorted(picked, key=lambda c: c.starts_at)


def _solver(seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.random_seed = SEED
    solver.parameters.num_workers = WORKERS
    solver.parameters.interleave_search = True
    # The deterministic time limit keeps "same input, same plan"; the wall-clock one is a
    # safety net on a loaded machine.
    solver.parameters.max_deterministic_time = seconds
    solver.parameters.max_time_in_seconds = seconds * 4
    return solver


def _reason(c: Candidate) -> str:
    if c.pinned:
        return _("Épinglée")
    if c.rank is not None:
        return _("Sa proposition n° %(rank)s", rank=c.rank)
    return _("Le créneau libre le plus proche")


def totals(instance: Instance, stops: Iterable[tuple[datetime, int]]) -> tuple[float, float]:
    """Total km and hours of travel of the whole itinerary in date order."""
    ordered = [t for _when, t in sorted(stops, key=lambda s: s[0])]
    km = sum(instance.travel_km(a, b) for a, b in itertools.pairwise(ordered))
    hours = sum(instance.travel_hours(a, b) for a, b in itertools.pairwise(ordered))
    return km, hours


def solve(
    instance: Instance, *, time_limit_seconds: float = 20.0, explain: bool = True
) -> ItineraryPlan:
    began = wallclock.monotonic()
    if not instance.to_schedule:
        km, hours = totals(instance, [(s.starts_at, s.territory_id) for s in instance.fixed])
        return ItineraryPlan([], "optimal", 0.0, km, hours, [], 0.0)
    built = _Model(instance, frozenset(), with_objective=True)
    status_name = "infeasible"
    picked: list[Candidate] = []
    gap: float | None = None
    if not built.empty:
        solver = _solver(time_limit_seconds)
        status = solver.solve(built.model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            picked = built.chosen(solver)
            status_name = "optimal" if status == cp_model.OPTIMAL else "feasible"
            bound, value = solver.best_objective_bound, solver.objective_value
            gap = 0.0 if status == cp_model.OPTIMAL else _gap(value, bound, instance)
        elif status != cp_model.INFEASIBLE:
            status_name = "unknown"
    conflicts: list[str] = []
    if status_name == "infeasible" and explain:
        from services.planning.itinerary.explain import explain_infeasibility

        conflicts = explain_infeasibility(instance, min(time_limit_seconds, 5.0))
    visits = [
        PlannedVisit(c.territory_id, c.starts_at, c.ends_at, c.rank, c.pinned, _reason(c))
        for c in picked
    ]
    stops = [(v.starts_at, v.territory_id) for v in visits]
    stops += [(s.starts_at, s.territory_id) for s in instance.fixed]
    km, hours = totals(instance, stops) if visits else (0.0, 0.0)
    return ItineraryPlan(
        visits,
        status_name,
        gap,
        round(km, 1),
        round(hours, 1),
        conflicts,
        round(wallclock.monotonic() - began, 2),
    )


def _gap(value: float, bound: float, instance: Instance) -> float:
    """Relative gap on the travelled distance: the objective subtracts the options' worth,
    so the gap is measured against the distance part plus that worth to stay meaningful."""
    scale = max(abs(value), 1.0)
    return max(0.0, (value - bound) / scale)


def feasible_with(instance: Instance, relaxed: frozenset[str], seconds: float):
    """Chosen candidates when the instance is feasible with these groups relaxed, else None."""
    built = _Model(instance, relaxed, with_objective=False)
    if built.empty:
        return None
    solver = _solver(seconds)
    status = solver.solve(built.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return built.chosen(solver)
    return None


def empty_territories(instance: Instance, relaxed: frozenset[str]) -> list[int]:
    return [t for t in instance.to_schedule if not candidates(instance, t, relaxed)]
