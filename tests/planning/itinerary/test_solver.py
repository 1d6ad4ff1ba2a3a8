"""The optimiser without the database: small instances, a 2 s limit, an independent
validator (validate_plan) re-checking every hard rule."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.planning.itinerary import (
    FixedStop,
    Instance,
    Option,
    Site,
    solve,
    validate_plan,
)

LIMIT = 2.0
TOWNS = [
    ("Lille", 50.63, 3.06),
    ("Nantes", 47.22, -1.55),
    ("Lyon", 45.76, 4.83),
    ("Marseille", 43.30, 5.37),
    ("Strasbourg", 48.58, 7.75),
    ("Bordeaux", 44.84, -0.58),
]
MAYOTTE = Site(7, "Mayotte", -12.78, 45.23, zone="Indian/Mayotte", overseas=True)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _sites(count: int, extra: dict | None = None) -> dict[int, Site]:
    extra = extra or {}
    return {
        n + 1: Site(n + 1, name, lat, lon, **extra.get(n + 1, {}))
        for n, (name, lat, lon) in enumerate(TOWNS[:count])
    }


MONDAY = date(2027, 3, 1)  # a Monday, no holiday that week


@st.composite
def instances(draw) -> Instance:
    count = draw(st.integers(1, 5))
    with_mayotte = draw(st.booleans())
    span = draw(st.integers(4, 20))
    sites = {}
    for n, (name, lat, lon) in enumerate(TOWNS[:count]):
        options = tuple(
            Option(_at(MONDAY + timedelta(days=d), h), _at(MONDAY + timedelta(days=d), h + 3), r)
            for d, h, r in draw(
                st.lists(
                    st.tuples(st.integers(0, span), st.integers(6, 16), st.integers(1, 9)),
                    max_size=3,
                    unique_by=lambda t: (t[0], t[1]),
                )
            )
        )
        first = draw(st.integers(0, span))
        length = draw(st.integers(0, 3))
        blackouts = [
            (MONDAY + timedelta(days=first), MONDAY + timedelta(days=first + length))
        ] * draw(st.integers(0, 1))
        holidays = frozenset(
            MONDAY + timedelta(days=d) for d in draw(st.lists(st.integers(0, span), max_size=2))
        )
        minutes = draw(st.sampled_from([60, 180, 300]))
        sites[n + 1] = Site(
            n + 1,
            name,
            lat,
            lon,
            "Europe/Paris",
            False,
            holidays,
            tuple(blackouts),
            options,
            minutes,
        )
    if with_mayotte:
        sites[MAYOTTE.id] = MAYOTTE
    ids = tuple(sites)
    fixed: tuple[FixedStop, ...] = ()
    if draw(st.booleans()) and len(ids) > 1:
        day = MONDAY + timedelta(days=draw(st.integers(0, span)))
        fixed = (FixedStop(ids[0], _at(day, 9), _at(day, 12), confirmed=True),)
    unavailable: tuple = ()
    if draw(st.booleans()):
        day = MONDAY + timedelta(days=draw(st.integers(0, span)))
        unavailable = ((_at(day, 0), _at(day + timedelta(days=draw(st.integers(0, 3))), 23)),)
    return Instance(
        first_day=MONDAY,
        last_day=MONDAY + timedelta(days=span),
        sites={
            k: (s if s.zone else Site(**{**s.__dict__, "zone": "Europe/Paris"}))
            for k, s in sites.items()
        },
        to_schedule=tuple(i for i in ids if not fixed or i != fixed[0].territory_id),
        fixed=fixed,
        unavailable=unavailable,
        max_stops_per_day=draw(st.integers(1, 2)),
        max_stops_per_week=draw(st.integers(1, 4)),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_proposal_respects_every_hard_constraint(instance):
    plan = solve(instance, time_limit_seconds=LIMIT, explain=False)
    if plan.status in ("optimal", "feasible"):
        assert validate_plan(instance, plan) == []
        assert [v.starts_at for v in plan.visits] == sorted(v.starts_at for v in plan.visits)
        assert plan.gap is not None and plan.gap >= 0
    else:
        assert plan.visits == []


def test_a_preference_is_honoured_when_it_costs_nothing():
    wednesday = MONDAY + timedelta(days=2)
    option = Option(_at(wednesday, 13), _at(wednesday, 16), 2)  # 14:00–17:00 in Paris
    sites = _sites(1, {1: {"options": (option,)}})
    instance = Instance(MONDAY, MONDAY + timedelta(days=11), sites, (1,))
    plan = solve(instance, time_limit_seconds=LIMIT)
    assert plan.status == "optimal"
    [visit] = plan.visits
    assert (visit.starts_at, visit.option_rank) == (option.starts_at, 2)
    assert visit.reason == "Sa proposition n° 2"


def test_the_better_ranked_option_wins_between_two_equal_ones():
    tuesday, thursday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=3)
    options = (
        Option(_at(tuesday, 9), _at(tuesday, 12), 3),
        Option(_at(thursday, 9), _at(thursday, 12), 1),
    )
    instance = Instance(
        MONDAY, MONDAY + timedelta(days=4), _sites(1, {1: {"options": options}}), (1,)
    )
    [visit] = solve(instance, time_limit_seconds=LIMIT).visits
    assert visit.option_rank == 1


def test_confirmed_stops_never_move_and_count_in_the_distance():
    tuesday = MONDAY + timedelta(days=1)
    fixed = FixedStop(1, _at(tuesday, 9), _at(tuesday, 12), confirmed=True)
    instance = Instance(MONDAY, MONDAY + timedelta(days=4), _sites(3), (2, 3), fixed=(fixed,))
    plan = solve(instance, time_limit_seconds=LIMIT)
    assert plan.status == "optimal"
    assert validate_plan(instance, plan) == []
    assert {v.territory_id for v in plan.visits} == {2, 3}
    assert all(v.starts_at.date() != tuesday for v in plan.visits)
    assert plan.total_km > 0


def test_same_input_same_plan():
    instance = Instance(MONDAY, MONDAY + timedelta(days=20), _sites(6), tuple(range(1, 7)))
    first = solve(instance, time_limit_seconds=LIMIT)
    second = solve(instance, time_limit_seconds=LIMIT)
    assert first.visits == second.visits
    assert (first.status, first.total_km) == (second.status, second.total_km)


def test_a_pin_is_kept():
    thursday = MONDAY + timedelta(days=3)
    pin = _at(thursday, 12)
    instance = Instance(MONDAY, MONDAY + timedelta(days=4), _sites(2), (1, 2), pins={2: pin})
    plan = solve(instance, time_limit_seconds=LIMIT)
    visit = next(v for v in plan.visits if v.territory_id == 2)
    assert (visit.starts_at, visit.pinned, visit.reason) == (pin, True, "Épinglée")


def test_overseas_gap_is_explained_with_the_territory():
    # One week, Tuesday to Thursday open; Lille fixed on Wednesday: Mayotte needs 24 h
    # either side, which no day of the week leaves.
    sites = {**_sites(1), MAYOTTE.id: MAYOTTE}
    wednesday = MONDAY + timedelta(days=2)
    fixed = (FixedStop(1, _at(wednesday, 9), _at(wednesday, 12), confirmed=True),)
    instance = Instance(
        MONDAY + timedelta(days=1), MONDAY + timedelta(days=3), sites, (MAYOTTE.id,), fixed=fixed
    )
    plan = solve(instance, time_limit_seconds=LIMIT)
    assert plan.status == "infeasible"
    assert plan.visits == []
    assert any("Mayotte a besoin de 24 h de trajet" in c for c in plan.conflicts), plan.conflicts


def test_holiday_only_options_are_explained():
    # The tour is one holiday and a weekend: only the calendar stands in the way.
    friday = date(2027, 5, 14)  # Ascension is Thursday 6 May 2027; use a declared holiday
    sites = _sites(1, {1: {"holidays": frozenset({friday})}})
    instance = Instance(friday, friday + timedelta(days=2), sites, (1,))
    plan = solve(instance, time_limit_seconds=LIMIT)
    assert plan.status == "infeasible"
    assert plan.conflicts == [
        "Lille ne peut être placé·e qu’un week-end ou un jour férié de son calendrier."
    ]


def test_principal_unavailable_is_explained():
    sites = _sites(1)
    week = (_at(MONDAY, 0), _at(MONDAY + timedelta(days=5), 0))
    instance = Instance(
        MONDAY, MONDAY + timedelta(days=4), sites, (1,), unavailable=(week,), principal="Jean"
    )
    plan = solve(instance, time_limit_seconds=LIMIT)
    assert plan.status == "infeasible"
    assert plan.conflicts == ["Jean est indisponible aux seules dates possibles pour Lille."]


def test_weekly_cap_is_explained():
    instance = Instance(
        MONDAY, MONDAY + timedelta(days=4), _sites(3), (1, 2, 3), max_stops_per_week=2
    )
    plan = solve(instance, time_limit_seconds=LIMIT)
    assert plan.status == "infeasible"
    assert any("Le plafond de 1 étape(s) par jour et 2 par semaine" in c for c in plan.conflicts)
