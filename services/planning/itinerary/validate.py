"""An independent checker of a plan against an Instance.

Written apart from the CP-SAT encoding (solver.py) on purpose: it walks the whole itinerary
in date order, fixed stops included, and re-checks every hard rule from the Instance alone.
"""

import itertools
from collections import Counter
from datetime import timedelta

from services.planning.itinerary.instance import Instance
from services.planning.itinerary.plan import ItineraryPlan, PlannedVisit


def validate_plan(instance: Instance, plan: ItineraryPlan) -> list[str]:
    """Every violated hard constraint, in plain words; [] when the plan respects them all."""
    problems: list[str] = []
    seen = Counter(v.territory_id for v in plan.visits)
    for tid in instance.to_schedule:
        if seen[tid] != 1:
            problems.append(f"territory {tid} scheduled {seen[tid]} times")
    for tid in seen:
        if tid not in instance.to_schedule:
            problems.append(f"territory {tid} was not to be scheduled")
    for visit in plan.visits:
        problems += _visit_problems(instance, visit)
    stops = [(v.starts_at, v.ends_at, v.territory_id, False) for v in plan.visits]
    stops += [(s.starts_at, s.ends_at, s.territory_id, True) for s in instance.fixed]
    stops.sort()
    return problems + _sequence_problems(instance, stops) + _cap_problems(instance, stops)


def _visit_problems(instance: Instance, visit: PlannedVisit) -> list[str]:
    site = instance.sites[visit.territory_id]
    start, end = visit.starts_at.astimezone(site.tz), visit.ends_at.astimezone(site.tz)
    day = start.date()
    pin = instance.pins.get(visit.territory_id)
    broken = {
        "not in UTC": visit.starts_at.utcoffset() != timedelta(0),
        "ends before it starts": end <= start,
        "longer than the visit": end - start > timedelta(minutes=site.visit_minutes),
        "outside the tour dates": day < instance.first_day or end.date() > instance.last_day,
        "outside daytime hours": day != end.date()
        or not (instance.day_start <= start.time() and end.time() <= instance.day_end),
        "on a weekend": day.weekday() >= 5,
        "on a public holiday": day in site.holidays,
        "in a blackout": any(first <= day <= last for first, last in site.blackouts),
        "the principal is unavailable": any(
            visit.starts_at < b and a < visit.ends_at for a, b in instance.unavailable
        ),
        "not where it was pinned": pin is not None and pin != visit.starts_at,
    }
    name = f"{site.name} ({start:%Y-%m-%d %H:%M})"
    return [f"{name}: {what}" for what, bad in broken.items() if bad]


def _sequence_problems(instance: Instance, stops: list) -> list[str]:
    """Consecutive stops of the whole itinerary: one at a time, and the journey rule."""
    problems = []
    for (s1, e1, t1, f1), (s2, _e2, t2, f2) in itertools.pairwise(stops):
        if f1 and f2:
            continue  # two fixed stops: not the plan's doing
        what = f"{instance.sites[t1].name} → {instance.sites[t2].name} ({s1:%Y-%m-%d})"
        if s2 < e1:
            problems.append(f"{what}: two stops at once")
        elif s2 - e1 < instance.journey_needed(t1, t2):
            problems.append(f"{what}: journey too short")
    return problems


def _cap_problems(instance: Instance, stops: list) -> list[str]:
    problems = []
    per_day: Counter = Counter()
    per_week: Counter = Counter()
    fixed_day: Counter = Counter()
    fixed_week: Counter = Counter()
    for start, _end, tid, fixed in stops:
        day = instance.sites[tid].local_day(start)
        week = day.isocalendar()[:2]
        per_day[day] += 1
        per_week[week] += 1
        if fixed:
            fixed_day[day] += 1
            fixed_week[week] += 1
    for day, count in per_day.items():
        if count > max(instance.max_stops_per_day, fixed_day[day]):
            problems.append(f"{day}: {count} stops in a day")
    for week, count in per_week.items():
        if count > max(instance.max_stops_per_week, fixed_week[week]):
            problems.append(f"week {week}: {count} stops")
    return problems
