"""Each planning warning, with a case that triggers it and one that does not."""

from datetime import date

from extensions import db
from models import ParticipantRole, StopStatus, Territory, Tour, TourStop
from services.planning.warnings import JourneyRule, WarningKind, great_circle_km, tour_warnings
from tests.factories import (
    add_round_table,
    add_speaker,
    add_stop_speaker,
    make_stop,
    territory_of,
    tour_of,
)
from tests.helpers import login, text_of


def _warnings(app, world, stops_spec):
    """Plan the given stops (territory slug, day, start, end[, status]) on an empty tour."""
    with app.test_request_context():
        tour = db.session.get(Tour, world.tour_id)
        for stop in list(tour.stops):
            db.session.delete(stop)
        db.session.flush()
        for slug, day, start, end, *status in stops_spec:
            territory = db.session.get(Territory, world.territory[slug])
            make_stop(tour, territory, day, start, end, *(status or [StopStatus.DRAFT]))
        db.session.flush()
        db.session.expire(tour, ["stops"])
        warnings = tour_warnings(tour.stops, tour.principal)
        db.session.rollback()
        return warnings


def kinds(warnings):
    return sorted(w.kind for w in warnings)


MONDAY = date(2019, 3, 4)
TUESDAY = date(2019, 3, 5)


def test_principal_at_two_overlapping_stops_is_warned(app, world):
    warnings = _warnings(
        app, world, [("nantes", MONDAY, "10:00", "12:00"), ("roubaix", MONDAY, "11:00", "13:00")]
    )
    assert kinds(warnings) == ["principal_overlap"]
    assert "Christophe Itier est attendu·e à deux étapes en même temps" in warnings[0].message


def test_warning_kind_is_a_labelled_enum_and_the_board_shows_its_value(app, client, world):
    with app.app_context():
        tour = db.session.get(Tour, world.tour_id)
        roubaix = db.session.get(Territory, world.territory["roubaix"])
        make_stop(tour, roubaix, date(2019, 2, 25), "11:00", "13:00")
        db.session.commit()
    with app.test_request_context():
        tour = db.session.get(Tour, world.tour_id)
        (warning,) = tour_warnings(tour.stops, tour.principal)
        assert warning.kind is WarningKind.PRINCIPAL_OVERLAP
        assert warning.kind.label == "Principal attendu à deux étapes"
    login(client, world.admin)
    board = text_of(client.get("/board/", follow_redirects=True))
    assert 'class="warning warning-principal_overlap"' in board
    assert "1 avertissement de planification" in board and "fr-alert--warning" in board


def test_board_without_conflict_shows_a_neutral_notice_not_a_warning(client, world):
    login(client, world.admin)
    board = text_of(client.get("/board/", follow_redirects=True))
    assert "Aucun conflit de planification détecté." in board
    assert "fr-alert--warning" not in board and "0 avertissement" not in board


def test_stops_on_different_days_do_not_overlap(app, world):
    warnings = _warnings(
        app, world, [("nantes", MONDAY, "10:00", "12:00"), ("roubaix", TUESDAY, "10:00", "12:00")]
    )
    assert warnings == []


def test_cancelled_stop_never_conflicts(app, world):
    warnings = _warnings(
        app,
        world,
        [
            ("nantes", MONDAY, "10:00", "12:00"),
            ("roubaix", MONDAY, "11:00", "13:00", StopStatus.CANCELLED),
        ],
    )
    assert warnings == []


def test_journey_too_short_between_consecutive_stops(app, world):
    # Nantes → Roubaix is about 500 km: at 80 km/h plus 1 h of transfer, 2 hours is too short.
    warnings = _warnings(
        app, world, [("nantes", MONDAY, "10:00", "12:00"), ("roubaix", MONDAY, "14:00", "16:00")]
    )
    assert kinds(warnings) == ["journey"]
    assert "Trajet trop court entre Nantes Métropole" in warnings[0].message
    assert "80 km/h" in warnings[0].message


def test_journey_with_enough_time_is_fine(app, world):
    warnings = _warnings(
        app, world, [("nantes", MONDAY, "08:00", "09:00"), ("roubaix", MONDAY, "18:00", "19:00")]
    )
    assert warnings == []


def test_overseas_stop_needs_a_full_day_either_side(app, world):
    # Mayotte is at UTC+3: 20:00 there on Monday is only 6 hours after noon in Nantes.
    before = _warnings(
        app, world, [("nantes", MONDAY, "10:00", "12:00"), ("mayotte", MONDAY, "20:00", "21:00")]
    )
    assert kinds(before) == ["journey"]
    assert "outre-mer" in before[0].message
    after = _warnings(
        app, world, [("mayotte", MONDAY, "09:00", "10:00"), ("nantes", TUESDAY, "07:00", "08:00")]
    )
    # Mayotte ends at 07:00 UTC, Nantes starts at 06:00 UTC the next day: 23 hours.
    assert kinds(after) == ["journey"]


def test_overseas_stop_with_more_than_a_day_is_fine(app, world):
    warnings = _warnings(
        app,
        world,
        [("nantes", MONDAY, "10:00", "12:00"), ("mayotte", date(2019, 3, 6), "10:00", "12:00")],
    )
    assert warnings == []


def test_journey_across_31_march_2019_counts_real_hours(app, world):
    """Roubaix ends Saturday 23:00 (UTC+1), Nantes starts Sunday 07:00 (UTC+2): the wall clocks
    say 8 hours, but only 7 real hours pass. The journey needs between the two."""
    with app.app_context():
        origin = db.session.get(Territory, world.territory["roubaix"])
        destination = db.session.get(Territory, world.territory["nantes"])
        needed, distance = JourneyRule.from_config().time_needed(origin, destination)
    assert 7 * 3600 < needed.total_seconds() < 8 * 3600, (needed, distance)
    warnings = _warnings(
        app,
        world,
        [
            ("roubaix", date(2019, 3, 30), "21:00", "23:00"),
            ("nantes", date(2019, 3, 31), "07:00", "09:00"),
        ],
    )
    journey = [w for w in warnings if w.kind == "journey"]
    assert len(journey) == 1
    assert "7 h 00 seulement" in journey[0].message


def test_great_circle_distance_nantes_roubaix(app, world):
    with app.app_context():
        nantes = db.session.get(Territory, world.territory["nantes"])
        roubaix = db.session.get(Territory, world.territory["roubaix"])
        assert 480 < great_circle_km(nantes, roubaix) < 530


def test_weekend_stop_is_warned(app, world):
    warnings = _warnings(app, world, [("roubaix", date(2019, 3, 16), "10:00", "12:00")])
    assert kinds(warnings) == ["weekend"]
    assert "samedi 16 mars 2019" in warnings[0].message


def test_weekday_stop_is_not_warned(app, world):
    assert _warnings(app, world, [("roubaix", MONDAY, "10:00", "12:00")]) == []


def test_mayotte_has_its_own_public_holiday_on_27_april(app, world):
    mayotte = _warnings(app, world, [("mayotte", date(2019, 4, 27), "10:00", "12:00")])
    assert kinds(mayotte) == ["public_holiday"]
    assert "Abolition de l’esclavage" in mayotte[0].message or "esclavage" in mayotte[0].message
    # The same day in Nantes is just a Saturday.
    nantes = _warnings(app, world, [("nantes", date(2019, 4, 27), "10:00", "12:00")])
    assert kinds(nantes) == ["weekend"]


def test_strasbourg_follows_alsace_moselle_good_friday(app, world):
    strasbourg = _warnings(app, world, [("strasbourg", date(2019, 4, 19), "10:00", "12:00")])
    assert kinds(strasbourg) == ["public_holiday"]
    assert "Vendredi saint" in strasbourg[0].message
    assert _warnings(app, world, [("nantes", date(2019, 4, 19), "10:00", "12:00")]) == []


def test_national_public_holiday_is_warned(app, world):
    warnings = _warnings(app, world, [("nantes", date(2019, 5, 8), "10:00", "12:00")])
    assert kinds(warnings) == ["public_holiday"]


def test_mayotte_date_is_its_own_local_date(app, world):
    # 01:00 on Monday 22 April in Mayotte is Sunday 21 April 22:00 UTC: a holiday (Easter
    # Monday) in Mayotte's calendar, not a Sunday.
    warnings = _warnings(app, world, [("mayotte", date(2019, 4, 22), "01:00", "02:00")])
    assert kinds(warnings) == ["public_holiday"]
    assert "22 avril 2019" in warnings[0].message


def _itier_at_nantes_round_table_and_roubaix(app, world, also_at_nantes_stop: bool):
    """Roubaix 25 February 2019 11:00–13:00 overlaps Nantes (10:00–12:30); Christophe Itier, the
    tour's principal, speaks at Roubaix and at a Nantes round table (and at Nantes itself)."""
    with app.test_request_context():
        tour = tour_of(world)
        roubaix = make_stop(tour, territory_of(world, "roubaix"), MONDAY_25_FEB, "11:00", "13:00")
        itier = add_speaker("Christophe Itier")
        add_stop_speaker(roubaix, itier)
        nantes = db.session.get(TourStop, world.nantes_stop_id)
        if also_at_nantes_stop:
            add_stop_speaker(nantes, itier)
        add_round_table(
            nantes, "Table du label", "10:30", "12:00", [(itier, ParticipantRole.PANELIST)]
        )
        db.session.flush()
        db.session.expire_all()
        tour = db.session.get(Tour, world.tour_id)
        warnings = tour_warnings(tour.stops, tour.principal)
        db.session.rollback()
        return warnings


MONDAY_25_FEB = date(2019, 2, 25)


def test_speaker_at_a_stop_and_its_round_table_is_one_conflict_with_the_other_stop(app, world):
    warnings = _itier_at_nantes_round_table_and_roubaix(app, world, also_at_nantes_stop=True)
    overlaps = [w for w in warnings if w.kind is WarningKind.SPEAKER_OVERLAP]
    assert len(overlaps) == 1
    assert overlaps[0].message == (
        "Christophe Itier est attendu·e à deux endroits en même temps : "
        "« Table du label » (Nantes Métropole) et Roubaix."
    )
    assert len(overlaps[0].stop_ids) == 2 and world.nantes_stop_id in overlaps[0].stop_ids


def test_principal_booked_as_speaker_is_not_announced_twice_for_the_same_stops(app, world):
    warnings = _itier_at_nantes_round_table_and_roubaix(app, world, also_at_nantes_stop=False)
    assert kinds(warnings) == ["no_moderator", "speaker_overlap"]
    assert sum("se chevauchent" in w.message or "deux endroits" in w.message for w in warnings) == 1
