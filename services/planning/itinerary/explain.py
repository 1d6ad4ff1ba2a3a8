"""Why no plan fits: relax one group of constraints at a time and say which one(s) make
the instance feasible again, naming the territory when a single one is involved."""

import itertools
from collections import Counter

from flask_babel import gettext as _

from services.planning.itinerary import solver as model
from services.planning.itinerary.instance import Instance


def _sentence(instance: Instance, group: str, names: list[str]) -> str:
    territory = names[0] if len(names) == 1 else ", ".join(names)
    several = len(names) != 1
    if group == model.JOURNEY:
        overseas = [
            n for n in names if any(s.name == n and s.overseas for s in instance.sites.values())
        ]
        if overseas and not several:
            return _(
                "%(territory)s a besoin de %(hours)s h de trajet avant et après, mais aucun "
                "créneau libre ne laisse ce temps avec les autres étapes.",
                territory=territory,
                hours=instance.overseas_min_hours,
            )
        return _(
            "Le temps de trajet entre les étapes ne laisse pas de place à : %(territory)s.",
            territory=territory,
        )
    if group == model.CALENDAR:
        return _(
            "%(territory)s ne peut être placé·e qu’un week-end ou un jour férié de son calendrier.",
            territory=territory,
        )
    if group == model.BLACKOUTS:
        return _(
            "Les seuls créneaux possibles pour %(territory)s tombent dans ses périodes "
            "où il ne peut pas accueillir.",
            territory=territory,
        )
    if group == model.UNAVAILABLE:
        return _(
            "%(principal)s est indisponible aux seules dates possibles pour %(territory)s.",
            principal=instance.principal or _("Le principal de la tournée"),
            territory=territory,
        )
    if group == model.CAPS:
        return _(
            "Le plafond de %(day)s étape(s) par jour et %(week)s par semaine ne laisse pas "
            "de place à : %(territory)s.",
            day=instance.max_stops_per_day,
            week=instance.max_stops_per_week,
            territory=territory,
        )
    if group == model.DATES:
        return _(
            "%(territory)s n’a de créneau possible qu’en dehors des dates de la tournée.",
            territory=territory,
        )
    return _(
        "La visite de %(territory)s ne tient pas dans les heures de journée (%(start)s – %(end)s).",
        territory=territory,
        start=instance.day_start.strftime("%H:%M"),
        end=instance.day_end.strftime("%H:%M"),
    )


def _involved(instance: Instance, group: str, picked) -> list[str]:
    """The territories whose relaxed plan breaks the group."""
    ids = [c.territory_id for c in picked if group in c.violates]
    if not ids and group in (model.JOURNEY, model.CAPS):
        ids = _blamed_pairwise(instance, group, picked)
    names = [instance.sites[t].name for t in dict.fromkeys(ids)]
    return names or [instance.sites[t].name for t in instance.to_schedule]


def _blamed_pairwise(instance: Instance, group: str, picked) -> list[int]:
    """Territories that break a pairwise rule in the relaxed plan (journey or caps)."""
    ordered = sorted(picked, key=lambda c: c.starts_at)
    blamed: list[int] = []
    if group == model.JOURNEY:
        stops = [(c.starts_at, c.ends_at, c.territory_id, True) for c in ordered]
        stops += [(s.starts_at, s.ends_at, s.territory_id, False) for s in instance.fixed]
        stops.sort()
        for (_s1, e1, t1, new1), (s2, _e2, t2, new2) in itertools.pairwise(stops):
            if s2 - e1 < instance.journey_needed(t1, t2):
                blamed += [t for t, new in ((t1, new1), (t2, new2)) if new]
        # An overseas territory is the likely cause when it is involved.
        overseas = [t for t in blamed if instance.sites[t].overseas]
        return overseas or blamed

    weeks = Counter(
        instance.week_of(instance.sites[c.territory_id].local_day(c.starts_at)) for c in ordered
    )
    days = Counter(instance.sites[c.territory_id].local_day(c.starts_at) for c in ordered)
    for c in ordered:
        day = instance.sites[c.territory_id].local_day(c.starts_at)
        if (
            days[day] > instance.max_stops_per_day
            or weeks[instance.week_of(day)] > instance.max_stops_per_week
        ):
            blamed.append(c.territory_id)
    return blamed


def explain_infeasibility(instance: Instance, seconds: float) -> list[str]:
    found = {}
    for group in model.RELAXABLE:
        picked = model.feasible_with(instance, frozenset({group}), seconds)
        if picked is not None:
            found[group] = _sentence(instance, group, _involved(instance, group, picked))
    if len(found) > 1:
        # Longer tour dates lift almost any conflict: said only when nothing else does.
        found.pop(model.DATES, None)
    if found:
        return list(found.values())
    empty = model.empty_territories(instance, frozenset(model.RELAXABLE))
    if empty:
        names = ", ".join(instance.sites[t].name for t in empty)
        return [
            _(
                "Aucun créneau n’est possible pour %(territory)s, même en levant une à une "
                "les contraintes : ses horaires chevauchent des étapes déjà fixées.",
                territory=names,
            )
        ]
    return [
        _(
            "Aucune contrainte levée seule ne suffit : plusieurs règles se combinent "
            "(trajets, calendriers, plafonds, disponibilités du principal)."
        )
    ]
