"""Itinerary optimiser against a greedy baseline (a measurement tool, not part of the suite).

Synthetic instances with French coordinates (mainland metropoles, towns around them, and
overseas territories with their own zones) and the real French public holidays of each
territory's calendar (the `holidays` package); each territory has 0 to 3 ranked date options
and 0 to 2 blackout periods. For each size it prints the CP-SAT solve time, status, total km
and gap, then the same for a greedy baseline written here only: from the last stop, the
nearest territory that can take the earliest free day.

    .venv/bin/python bench/itinerary.py [--sizes 17 50 200] [--seconds 10 30 60]

No Flask, no database. Nothing is asserted: the numbers depend on the machine.
"""

import argparse
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import holidays

from services.planning.itinerary import Instance, Option, Site, solve, validate_plan
from services.planning.itinerary.solver import Candidate, _conflicts, candidates, totals

METROPOLES = [
    ("Paris", 48.86, 2.35, None),
    ("Lille", 50.63, 3.06, None),
    ("Lyon", 45.76, 4.83, None),
    ("Marseille", 43.30, 5.37, None),
    ("Toulouse", 43.60, 1.44, None),
    ("Bordeaux", 44.84, -0.58, None),
    ("Nantes", 47.22, -1.55, None),
    ("Strasbourg", 48.58, 7.75, "6AE"),
    ("Metz", 49.12, 6.18, "57"),
    ("Rennes", 48.11, -1.68, None),
    ("Montpellier", 43.61, 3.88, None),
    ("Nice", 43.70, 7.27, None),
    ("Grenoble", 45.19, 5.72, None),
    ("Rouen", 49.44, 1.10, None),
    ("Clermont-Ferrand", 45.78, 3.08, None),
    ("Dijon", 47.32, 5.04, None),
    ("Brest", 48.39, -4.49, None),
    ("Tours", 47.39, 0.69, None),
]
OVERSEAS = [
    ("Mayotte", -12.78, 45.23, "Indian/Mayotte", "976"),
    ("La Réunion", -20.88, 55.45, "Indian/Reunion", "974"),
    ("Guadeloupe", 16.24, -61.53, "America/Guadeloupe", "971"),
    ("Martinique", 14.64, -61.02, "America/Martinique", "972"),
    ("Guyane", 4.93, -52.33, "America/Cayenne", "973"),
]


def _holidays(subdivision, years) -> frozenset:
    return frozenset(holidays.France(subdiv=subdivision, years=years).keys())


def make_instance(size: int, seed: int = 7) -> Instance:
    rng = random.Random(seed)
    days = {17: 120, 50: 180, 200: 365}.get(size, 365)
    first = date(2027, 1, 4)
    last = first + timedelta(days=days - 1)
    years = range(first.year, last.year + 1)
    overseas = OVERSEAS[: max(1, size // 40)] if size >= 17 else []
    sites: dict[int, Site] = {}
    for n in range(size):
        if n < len(overseas):
            name, lat, lon, zone, subdivision = overseas[n]
        else:
            base, blat, blon, subdivision = METROPOLES[n % len(METROPOLES)]
            name, zone = f"{base} {n}", "Europe/Paris"
            lat, lon = (
                (blat, blon)
                if n < len(METROPOLES)
                else (blat + rng.uniform(-0.6, 0.6), blon + rng.uniform(-0.8, 0.8))
            )
        options = []
        for rank in sorted(rng.sample(range(1, 10), rng.randint(0, 3))):
            day = first + timedelta(days=rng.randrange(days))
            hour = rng.choice([9, 10, 14])
            start = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            options.append(Option(start, start + timedelta(hours=3), rank))
        blackouts = []
        for _ in range(rng.randint(0, 2)):
            start = first + timedelta(days=rng.randrange(days))
            blackouts.append((start, start + timedelta(days=rng.randint(2, 10))))
        sites[n + 1] = Site(
            n + 1,
            name,
            lat,
            lon,
            zone,
            n < len(overseas),
            _holidays(subdivision, years),
            tuple(blackouts),
            tuple(options),
            rng.choice([120, 180, 240]),
        )
    return Instance(
        first,
        last,
        sites,
        tuple(sites),
        max_stops_per_day=1,
        max_stops_per_week=3 if size < 200 else 5,
    )


def greedy(instance: Instance) -> tuple[list[Candidate], int]:
    """Nearest next territory on the earliest free day; the territories left unplaced."""
    slots = {t: candidates(instance, t) for t in instance.to_schedule}
    chosen: list[Candidate] = []
    left = set(instance.to_schedule)
    last: int | None = None

    def fits(c: Candidate) -> bool:
        day = instance.sites[c.territory_id].local_day(c.starts_at)
        same_day = same_week = 0
        for other in chosen:
            a, b = sorted((other, c), key=lambda x: x.starts_at)
            if _conflicts(instance, a, b):
                return False
            other_day = instance.sites[other.territory_id].local_day(other.starts_at)
            same_day += other_day == day
            same_week += instance.week_of(other_day) == instance.week_of(day)
        return same_day < instance.max_stops_per_day and same_week < instance.max_stops_per_week

    while left:
        after = chosen[-1].starts_at if chosen else datetime.min.replace(tzinfo=UTC)
        options = [c for t in left for c in slots[t] if c.starts_at > after and fits(c)]
        if not options:
            break
        earliest = min(c.starts_at for c in options).date()
        today = [c for c in options if c.starts_at.date() == earliest]
        pick = min(
            today,
            key=lambda c: (instance.travel_km(last, c.territory_id) if last else 0, c.starts_at),
        )
        chosen.append(pick)
        left.discard(pick.territory_id)
        last = pick.territory_id
    return chosen, len(left)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[17, 50, 200])
    parser.add_argument("--seconds", type=float, nargs="+", default=[10, 30, 60])
    options = parser.parse_args(argv)
    print(
        f"{'size':>5} {'solver':>9} {'s':>6} {'km':>9} {'gap':>7} {'greedy km':>10} "
        f"{'unplaced':>8} {'saving':>7} {'valid':>5}"
    )
    for size, seconds in zip(options.sizes, options.seconds, strict=False):
        instance = make_instance(size)
        began = time.monotonic()
        plan = solve(instance, time_limit_seconds=seconds, explain=False)
        spent = time.monotonic() - began
        picked, unplaced = greedy(instance)
        greedy_km, _hours = totals(instance, [(c.starts_at, c.territory_id) for c in picked])
        saving = (1 - plan.total_km / greedy_km) * 100 if greedy_km and plan.visits else 0
        gap = f"{plan.gap * 100:.2f}%" if plan.gap is not None else "-"
        valid = "yes" if plan.visits and not validate_plan(instance, plan) else "no"
        print(
            f"{size:>5} {plan.status:>9} {spent:>6.1f} {plan.total_km:>9.0f} {gap:>7} "
            f"{greedy_km:>10.0f} {unplaced:>8} {saving:>6.1f}% {valid:>5}"
        )


if __name__ == "__main__":
    main()
