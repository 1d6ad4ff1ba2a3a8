"""The national view (itinéraire): who sees and who acts, accepting a territory's option,
and the optimiser's proposals accepted as exactly the draft stops shown, stale ones refused."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from extensions import db
from models import (
    DateOption,
    ItineraryProposal,
    OutboxMail,
    ProposalStatus,
    ProposalVisit,
    Role,
    StopStatus,
    Territory,
    Tour,
    TourStop,
)
from tests.factories import make_user
from tests.helpers import login, post_form, text_of

VIEW = "/board/tours/tournee-test/itineraire"
COORDINATOR = "coordination@test.example"


@pytest.fixture
def coordinator(app, world):
    with app.app_context():
        make_user(COORDINATOR, Role.COORDINATOR, [], "Coline Coordination")
        db.session.commit()
    app.config["PLANNING_SOLVER_SECONDS"] = 5
    return COORDINATOR


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _options(app, world, territory: str, *days_and_ranks) -> list[int]:
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        place = db.session.get(Territory, world.territory[territory])
        ids = []
        for day, rank in days_and_ranks:
            option = DateOption(
                tour=tour,
                territory=place,
                starts_at=datetime(2019, 5, day, 8, tzinfo=UTC),
                ends_at=datetime(2019, 5, day, 11, tzinfo=UTC),
                rank=rank,
            )
            db.session.add(option)
            db.session.flush()
            ids.append(option.id)
        db.session.commit()
        return ids


def _accept_option_url(territory: str, option_id: int) -> str:
    return f"{VIEW}/territoires/{territory}/dates/{option_id}/accepter"


def _latest_proposal_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(ItineraryProposal.id)))


@pytest.mark.parametrize(
    "who, status",
    [("admin", 200), ("coordinator", 200), ("roubaix", 200), ("nantes", 200), (None, 302)],
)
def test_itinerary_view_every_organiser_reads_it(client, world, coordinator, who, status):
    emails = {
        "admin": world.admin,
        "coordinator": coordinator,
        "roubaix": world.roubaix_organiser,
        "nantes": world.nantes_organiser,
    }
    if who:
        login(client, emails[who])
    response = client.get(VIEW)
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]
        return
    text = text_of(response)
    assert "Semaines de la tournée" in text and "Nantes Métropole" in text
    assert ("Proposer un itinéraire" in text) is (who in ("admin", "coordinator"))


@pytest.mark.parametrize("who", ["roubaix", "nantes", None])
def test_itinerary_only_coordinators_act(app, client, world, coordinator, who):
    (option_id,) = _options(app, world, "roubaix", (14, 1))
    if who:
        login(client, world.roubaix_organiser if who == "roubaix" else world.nantes_organiser)
    for url in (
        VIEW + "/propositions",
        _accept_option_url("roubaix", option_id),
        VIEW + "/propositions/1/accepter",
        VIEW + "/propositions/1/relancer",
    ):
        response = post_form(client, url, {"tout": "1"})
        if who is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert response.status_code == 403, url
            assert "coordination nationale" in text_of(response)
    assert _count(app, TourStop) == 2 and _count(app, ItineraryProposal) == 0


def test_itinerary_accept_option_creates_one_draft_releases_the_others_and_mails(
    app, client, world, coordinator
):
    _first, second = _options(app, world, "roubaix", (14, 1), (21, 2))
    login(client, coordinator)
    response = post_form(client, _accept_option_url("roubaix", second), {})
    assert response.status_code == 302
    roubaix = world.territory["roubaix"]
    with app.app_context():
        stops = db.session.scalars(select(TourStop).where(TourStop.territory_id == roubaix)).all()
        assert len(stops) == 1
        assert stops[0].status == StopStatus.DRAFT
        assert stops[0].starts_at == datetime(2019, 5, 21, 8, tzinfo=UTC)
        assert (stops[0].latitude, stops[0].longitude) == (50.6942, 3.1746)
        mails = db.session.scalars(select(OutboxMail)).all()
        assert [m.to_address for m in mails] == [world.roubaix_organiser]
        assert "Roubaix" in mails[0].subject and "mardi 21 mai 2019" in mails[0].text_body
    assert _count(app, DateOption) == 0
    page = text_of(client.get(VIEW))
    assert "Date acceptée" in page and "1 autre date libérée" in page


def test_itinerary_accept_option_refused_when_the_territory_has_a_stop(
    app, client, world, coordinator
):
    (option_id,) = _options(app, world, "nantes", (14, 1))
    login(client, coordinator)
    response = post_form(client, _accept_option_url("nantes", option_id), {})
    assert response.status_code == 409
    assert "a déjà une étape" in text_of(response)
    assert _count(app, TourStop) == 2 and _count(app, OutboxMail) == 0
    assert _count(app, DateOption) == 1


@pytest.mark.parametrize("territory, which", [("nantes", "roubaix"), ("roubaix", "unknown")])
def test_itinerary_accept_option_of_another_territory_or_unknown(
    app, client, world, coordinator, territory, which
):
    (option_id,) = _options(app, world, "roubaix", (14, 1))
    login(client, coordinator)
    url = _accept_option_url(territory, option_id if which == "roubaix" else option_id + 999)
    response = post_form(client, url, {})
    assert response.status_code == 400
    assert "Cette proposition de date n’existe pas ou plus." in text_of(response)
    assert _count(app, TourStop) == 2
    assert post_form(client, _accept_option_url("nowhere", option_id), {}).status_code == 404


def test_itinerary_proposal_accepted_creates_exactly_the_visits_shown(
    app, client, world, coordinator
):
    _options(app, world, "roubaix", (14, 1))
    login(client, coordinator)
    response = post_form(client, VIEW + "/propositions", {"exclure": world.territory["mayotte"]})
    assert response.status_code == 302
    page = text_of(client.get(VIEW))
    assert "étapes proposées" in page and "km au total" in page
    proposal_id = _latest_proposal_id(app)
    with app.app_context():
        visits = {
            (v.territory_id, v.starts_at, v.ends_at)
            for v in db.session.scalars(
                select(ProposalVisit).where(ProposalVisit.proposal_id == proposal_id)
            )
        }
    assert {t for t, _s, _e in visits} == {
        world.territory["roubaix"],
        world.territory["strasbourg"],
    }
    url = f"{VIEW}/propositions/{proposal_id}/accepter"
    assert post_form(client, url, {"tout": "1"}).status_code == 302
    with app.app_context():
        new = db.session.scalars(
            select(TourStop).where(
                TourStop.id.notin_([world.nantes_stop_id, world.clermont_draft_id])
            )
        ).all()
        assert {(s.territory_id, s.starts_at, s.ends_at) for s in new} == visits
        assert all(s.status == StopStatus.DRAFT for s in new)
        proposal = db.session.get(ItineraryProposal, proposal_id)
        assert proposal.status == ProposalStatus.ACCEPTED
        assert all(v.accepted_stop_id is not None for v in proposal.visits)
    # Accepting it again: refused, nothing more written.
    again = post_form(client, url, {"tout": "1"})
    assert again.status_code == 409 and "déjà été acceptée" in text_of(again)
    assert _count(app, TourStop) == 4


def test_itinerary_stale_proposal_is_refused_and_nothing_written(app, client, world, coordinator):
    login(client, coordinator)
    assert post_form(client, VIEW + "/propositions", {}).status_code == 302
    proposal_id = _latest_proposal_id(app)
    # Meanwhile a territory offers a date: the proposal no longer reflects the wishes.
    _options(app, world, "roubaix", (14, 1))
    assert "ont changé depuis cette proposition" in text_of(client.get(VIEW))
    response = post_form(client, f"{VIEW}/propositions/{proposal_id}/accepter", {"tout": "1"})
    assert response.status_code == 409
    assert "rien n’a été enregistré" in text_of(response)
    assert _count(app, TourStop) == 2 and _count(app, OutboxMail) == 0


def test_itinerary_bad_input_is_refused_in_french(app, client, world, coordinator):
    login(client, coordinator)
    assert post_form(client, VIEW + "/propositions", {"exclure": "abc"}).status_code == 400
    response = post_form(client, VIEW + "/propositions", {"exclure": "987654"})
    assert response.status_code == 400 and "Territoire inconnu" in text_of(response)
    assert post_form(client, VIEW + "/propositions/987654/accepter", {}).status_code == 404
    assert post_form(client, VIEW + "/propositions", {}).status_code == 302
    url = f"{VIEW}/propositions/{_latest_proposal_id(app)}/accepter"
    for data in ({}, {"etapes": "xyz"}, {"etapes": "987654"}):
        response = post_form(client, url, data)
        assert response.status_code == 400, data
    assert _count(app, TourStop) == 2


def test_itinerary_pin_and_rerun_keeps_the_pinned_visit(app, client, world, coordinator):
    login(client, coordinator)
    assert post_form(client, VIEW + "/propositions", {}).status_code == 302
    first = _latest_proposal_id(app)
    with app.app_context():
        visit = db.session.scalars(
            select(ProposalVisit).where(ProposalVisit.proposal_id == first)
        ).first()
        pinned = (visit.territory_id, visit.starts_at)
        visit_id = visit.id
    response = post_form(client, f"{VIEW}/propositions/{first}/relancer", {"epingler": visit_id})
    assert response.status_code == 302
    second = _latest_proposal_id(app)
    with app.app_context():
        assert db.session.get(ItineraryProposal, first).status == ProposalStatus.SUPERSEDED
        again = db.session.scalars(
            select(ProposalVisit).where(
                ProposalVisit.proposal_id == second, ProposalVisit.territory_id == pinned[0]
            )
        ).one()
        assert (again.starts_at, again.pinned) == (pinned[1], True)
