"""The national coordination's planning: accepting one date option of a territory, and the
optimiser's proposals (run, run again with pins and exclusions, accept all or some).

A proposal remembers a fingerprint of what it was computed from (the tour's stops and the
territories' wishes); accepting it after any of them changed is refused, nothing written."""

import hashlib
import logging
import uuid
from collections.abc import Collection, Mapping
from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from extensions import db
from models import (
    Blackout,
    DateOption,
    ItineraryProposal,
    OutboxMail,
    ProposalStatus,
    ProposalVisit,
    StopStatus,
    Territory,
    Tour,
    TourStop,
    User,
    VisitDuration,
)
from services.errors import ActionRefused, InvalidInput
from services.local_time import long_date
from services.planning.itinerary import propose_itinerary
from services.urls import absolute_url

log = logging.getLogger(__name__)


def _planned_stop(tour: Tour, territory_id: int) -> TourStop | None:
    return db.session.scalar(
        select(TourStop).where(
            TourStop.tour_id == tour.id,
            TourStop.territory_id == territory_id,
            TourStop.status != StopStatus.CANCELLED,
        )
    )


def _territory_has_stop(territory: Territory) -> str:
    return _(
        "%(name)s a déjà une étape dans cette tournée : modifiez-la depuis le tableau "
        "plutôt que d’en créer une seconde.",
        name=territory.name,
    )


def _draft_stop(tour: Tour, territory: Territory, starts_at, ends_at, author: User) -> TourStop:
    stop = TourStop(
        tour=tour,
        territory=territory,
        starts_at=starts_at,
        ends_at=ends_at,
        latitude=territory.latitude,
        longitude=territory.longitude,
        status=StopStatus.DRAFT,
        updated_by=author,
    )
    db.session.add(stop)
    return stop


def _release_options(tour: Tour, territory: Territory, kept: DateOption | None) -> int:
    """The territory's options are answered once its stop exists: they are deleted."""
    options = db.session.scalars(
        select(DateOption).where(
            DateOption.tour_id == tour.id, DateOption.territory_id == territory.id
        )
    ).all()
    for option in options:
        db.session.delete(option)
    return len([o for o in options if kept is None or o.id != kept.id])


def _tell_team(tour: Tour, territory: Territory, stop: TourStop) -> list[OutboxMail]:
    """One mail to each active organiser of the territory, in the outbox, in French (accounts
    have no language of their own)."""
    team = db.session.scalars(
        select(User).where(User.territories.any(Territory.id == territory.id), User.active)
    ).all()
    mails = []
    with force_locale("fr"):
        for member in team:
            values = {
                "member": member,
                "tour": tour,
                "territory": territory,
                "stop": stop,
                "day": long_date(stop.local_start.date()),
                "board_url": absolute_url("board.tour", slug=tour.slug),
            }
            subject = _(
                "Votre étape est programmée : %(name)s, %(day)s",
                name=territory.name,
                day=values["day"],
            )
            mail = OutboxMail(
                kind="stop_scheduled",
                to_address=member.email,
                to_name=member.display_name,
                subject=subject,
                text_body=render_template("mail/stop_scheduled.txt", **values),
                html_body=render_template("mail/stop_scheduled.html", **values),
                message_id=f"<{uuid.uuid4()}@{current_app.config['MAIL_DOMAIN']}>",
            )
            db.session.add(mail)
            mails.append(mail)
    return mails


def accept_option(tour: Tour, territory: Territory, option_id: int | None, author: User):
    """The territory's stop, as a draft at the times of this option; the other options are
    released and the territory's team is told."""
    option = db.session.get(DateOption, option_id) if option_id else None
    if option is None or option.tour_id != tour.id or option.territory_id != territory.id:
        raise InvalidInput({"": [_("Cette proposition de date n’existe pas ou plus.")]})
    if _planned_stop(tour, territory.id) is not None:
        raise ActionRefused(_territory_has_stop(territory))
    stop = _draft_stop(tour, territory, option.starts_at, option.ends_at, author)
    db.session.flush()
    released = _release_options(tour, territory, option)
    _tell_team(tour, territory, stop)
    db.session.flush()
    log.info("option %s of territory %s accepted as stop %s", option_id, territory.id, stop.id)
    return stop, released


def fingerprint(tour: Tour) -> str:
    """What a proposal depends on: stops (id, version, status, times), options, blackouts and
    visit durations of the tour."""
    parts: list[str] = []
    for s in db.session.scalars(
        select(TourStop).where(TourStop.tour_id == tour.id).order_by(TourStop.id)
    ):
        parts.append(f"s{s.id}:{s.version}:{s.status.value}:{s.starts_at.isoformat()}")
    for o in db.session.scalars(
        select(DateOption).where(DateOption.tour_id == tour.id).order_by(DateOption.id)
    ):
        parts.append(f"o{o.id}:{o.rank}:{o.starts_at.isoformat()}:{o.ends_at.isoformat()}")
    for b in db.session.scalars(
        select(Blackout).where(Blackout.tour_id == tour.id).order_by(Blackout.id)
    ):
        parts.append(f"b{b.id}:{b.first_day}:{b.last_day}")
    for d in db.session.scalars(
        select(VisitDuration).where(VisitDuration.tour_id == tour.id).order_by(VisitDuration.id)
    ):
        parts.append(f"d{d.territory_id}:{d.minutes}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def latest_proposal(tour: Tour) -> ItineraryProposal | None:
    return db.session.scalar(
        select(ItineraryProposal)
        .where(ItineraryProposal.tour_id == tour.id)
        .order_by(ItineraryProposal.created_at.desc(), ItineraryProposal.id.desc())
    )


def proposal_of(tour: Tour, proposal_id: int) -> ItineraryProposal | None:
    proposal = db.session.get(ItineraryProposal, proposal_id)
    if proposal is None or proposal.tour_id != tour.id:
        return None
    return proposal


def is_stale(proposal: ItineraryProposal) -> bool:
    return proposal.fingerprint != fingerprint(proposal.tour)


def _known_territories(ids: Collection[int]) -> set[int]:
    if not ids:
        return set()
    found = set(db.session.scalars(select(Territory.id).where(Territory.id.in_(list(ids)))))
    if found != set(ids):
        raise InvalidInput({"": [_("Territoire inconnu : choisissez dans la liste.")]})
    return found


def run(
    tour: Tour,
    author: User,
    *,
    excluded: Collection[int] = (),
    pins: Mapping[int, datetime] | None = None,
) -> ItineraryProposal:
    """Ask the optimiser for a plan of the territories without a stop (minus excluded), with
    the pinned visits kept; earlier draft proposals are superseded."""
    excluded_ids = _known_territories(set(excluded))
    _known_territories(set((pins or {}).keys()))
    seconds = current_app.config.get("PLANNING_SOLVER_SECONDS", 20)
    plan = propose_itinerary(
        tour, pins=pins or {}, excluded=excluded_ids, time_limit_seconds=seconds
    )
    for older in db.session.scalars(
        select(ItineraryProposal).where(
            ItineraryProposal.tour_id == tour.id,
            ItineraryProposal.status == ProposalStatus.DRAFT,
        )
    ):
        older.status = ProposalStatus.SUPERSEDED
    proposal = ItineraryProposal(
        tour=tour,
        created_by=author,
        solver_status=plan.status,
        gap=plan.gap,
        total_km=plan.total_km,
        travel_hours=plan.travel_hours,
        conflicts="\n".join(plan.conflicts),
        excluded=",".join(str(i) for i in sorted(excluded_ids)),
        fingerprint=fingerprint(tour),
        visits=[
            ProposalVisit(
                territory_id=v.territory_id,
                starts_at=v.starts_at,
                ends_at=v.ends_at,
                option_rank=v.option_rank,
                pinned=v.pinned,
                reason=v.reason,
            )
            for v in plan.visits
        ],
    )
    db.session.add(proposal)
    db.session.flush()
    log.info(
        "proposal %s for tour %s: %s, %s visits, %.0f km",
        proposal.id,
        tour.id,
        plan.status,
        len(plan.visits),
        plan.total_km,
    )
    return proposal


def rerun(
    proposal: ItineraryProposal,
    author: User,
    *,
    pinned_visit_ids: Collection[int] = (),
    excluded: Collection[int] = (),
) -> ItineraryProposal:
    """Run again from a proposal: its checked visits stay where they are (pins)."""
    by_id = {v.id: v for v in proposal.visits}
    unknown = set(pinned_visit_ids) - set(by_id)
    if unknown:
        raise InvalidInput({"": [_("Cette étape ne fait pas partie de la proposition.")]})
    pins = {by_id[i].territory_id: by_id[i].starts_at for i in pinned_visit_ids}
    pins = {t: at for t, at in pins.items() if t not in set(excluded)}
    return run(proposal.tour, author, excluded=excluded, pins=pins)


def accept(
    proposal: ItineraryProposal, author: User, visit_ids: Collection[int] | None = None
) -> list[TourStop]:
    """Draft stops for every visit of the proposal (visit_ids None) or the chosen ones, in
    one transaction; refused when the plan is no longer the one shown."""
    if proposal.status != ProposalStatus.DRAFT:
        raise ActionRefused(
            _("Cette proposition a déjà été acceptée ou remplacée : relancez l’optimiseur.")
        )
    if proposal.solver_status not in ("optimal", "feasible") or not proposal.visits:
        raise ActionRefused(_("Cette proposition ne contient aucun itinéraire à accepter."))
    if is_stale(proposal):
        raise ActionRefused(
            _(
                "Les étapes ou les disponibilités des territoires ont changé depuis cette "
                "proposition : rien n’a été enregistré. Relancez l’optimiseur."
            )
        )
    by_id = {v.id: v for v in proposal.visits}
    chosen = list(proposal.visits) if visit_ids is None else []
    if visit_ids is not None:
        if not visit_ids or set(visit_ids) - set(by_id):
            raise InvalidInput(
                {"": [_("Choisissez au moins une étape de la proposition à accepter.")]}
            )
        chosen = [by_id[i] for i in sorted(visit_ids, key=lambda i: by_id[i].starts_at)]
    stops = []
    for visit in chosen:
        territory = visit.territory
        if _planned_stop(proposal.tour, territory.id) is not None:
            raise ActionRefused(_territory_has_stop(territory))
        stop = _draft_stop(proposal.tour, territory, visit.starts_at, visit.ends_at, author)
        db.session.flush()
        visit.accepted_stop_id = stop.id
        _release_options(proposal.tour, territory, None)
        _tell_team(proposal.tour, territory, stop)
        stops.append(stop)
    proposal.status = ProposalStatus.ACCEPTED
    db.session.flush()
    log.info("proposal %s accepted: %s draft stops", proposal.id, len(stops))
    return stops
