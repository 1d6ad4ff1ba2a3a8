"""Round tables and the speakers of a stop: warnings, order, permissions, public page."""

from datetime import date, time

import pytest
from sqlalchemy import select

from extensions import db
from models import (
    AvailabilityKind,
    ParticipantRole,
    RoundTable,
    Tour,
    TourStop,
)
from services.local_time import local_to_utc
from services.planning import tours
from services.planning.warnings import tour_warnings
from tests.factories import (
    add_availability,
    add_round_table,
    add_speaker,
    add_stop_speaker,
    make_stop,
    territory_of,
    tour_of,
)
from tests.helpers import login, post_form, text_of, utc

MODERATOR, PANELIST = ParticipantRole.MODERATOR, ParticipantRole.PANELIST


def stop_of(world, key: str) -> TourStop:
    return db.session.get(TourStop, getattr(world, key))


def kinds_after(app, world, build) -> list[str]:
    """Build some plan inside a request context, then list the tour's warning kinds."""
    with app.test_request_context():
        build()
        db.session.flush()
        tour = db.session.get(Tour, world.tour_id)
        db.session.expire_all()
        stops = tours.tour_stops(tour, include_drafts=True)
        kinds = sorted(w.kind for w in tour_warnings(stops, tour.principal))
        db.session.rollback()
        return kinds


def nantes(world) -> TourStop:
    return stop_of(world, "nantes_stop_id")  # 25 Feb 2019, 10:00–12:30 Paris


def moderator():
    return (add_speaker("Modératrice"), MODERATOR)


# --- warnings, each with a case that triggers it and one that does not ---------------------


def test_round_table_outside_its_stop_hours(app, world):
    assert kinds_after(
        app, world, lambda: add_round_table(nantes(world), "Tôt", "09:00", "10:30", [moderator()])
    ) == ["outside_stop_hours"]
    assert (
        kinds_after(
            app,
            world,
            lambda: add_round_table(nantes(world), "Dans", "10:30", "12:00", [moderator()]),
        )
        == []
    )


def test_same_room_at_overlapping_times(app, world):
    def clash():
        add_round_table(nantes(world), "A", "10:00", "11:00", [moderator()], room="Salle 1")
        add_round_table(nantes(world), "B", "10:30", "11:30", [moderator()], room="salle 1 ")

    def apart():
        add_round_table(nantes(world), "A", "10:00", "11:00", [moderator()], room="Salle 1")
        add_round_table(nantes(world), "B", "10:30", "11:30", [moderator()], room="Salle 2")
        add_round_table(nantes(world), "C", "11:00", "12:00", [moderator()], room="Salle 1")

    assert kinds_after(app, world, clash) == ["room_clash"]
    assert kinds_after(app, world, apart) == []


def test_round_table_without_moderator(app, world):
    speaker = lambda: add_speaker("Paneliste")  # noqa: E731
    assert kinds_after(
        app,
        world,
        lambda: add_round_table(nantes(world), "T", "10:30", "12:00", [(speaker(), PANELIST)]),
    ) == ["no_moderator"]
    assert (
        kinds_after(
            app,
            world,
            lambda: add_round_table(
                nantes(world), "T", "10:30", "12:00", [moderator(), (speaker(), PANELIST)]
            ),
        )
        == []
    )


def test_speaker_listed_twice(app, world):
    def twice():
        person = add_speaker("Deux Fois")
        add_round_table(
            nantes(world), "T", "10:30", "12:00", [(person, MODERATOR), (person, PANELIST)]
        )

    def two_people():
        add_round_table(
            nantes(world), "T", "10:30", "12:00", [moderator(), (add_speaker("Autre"), PANELIST)]
        )

    assert kinds_after(app, world, twice) == ["listed_twice"]
    assert kinds_after(app, world, two_people) == []


def _roubaix_stop_same_morning(world) -> TourStop:
    return make_stop(
        tour_of(world), territory_of(world, "roubaix"), date(2019, 2, 25), "11:00", "13:00"
    )


def test_speaker_booked_in_two_places_at_once(app, world):
    def overlapping():
        person = add_speaker("Ubiquité")
        add_round_table(nantes(world), "T", "10:30", "12:00", [(person, MODERATOR)])
        roubaix = _roubaix_stop_same_morning(world)
        add_stop_speaker(roubaix, person)

    kinds = kinds_after(app, world, overlapping)
    assert "speaker_overlap" in kinds
    assert "principal_overlap" in kinds  # the two stops themselves overlap too


def test_speaking_at_a_stop_and_at_its_round_table_is_one_presence(app, world):
    def same_place():
        person = add_speaker("Présente")
        stop = nantes(world)
        add_round_table(stop, "T", "10:30", "12:00", [(person, MODERATOR)])
        add_stop_speaker(stop, person)

    assert kinds_after(app, world, same_place) == []


def test_speaker_journey_too_short_between_two_territories(app, world):
    def too_close():
        person = add_speaker("Voyageuse")
        add_round_table(nantes(world), "T", "10:30", "12:00", [(person, MODERATOR)])
        lille = make_stop(
            tour_of(world), territory_of(world, "roubaix"), date(2019, 2, 25), "15:00", "17:00"
        )
        add_stop_speaker(lille, person)

    def next_day():
        person = add_speaker("Voyageuse")
        add_round_table(nantes(world), "T", "10:30", "12:00", [(person, MODERATOR)])
        lille = make_stop(
            tour_of(world), territory_of(world, "roubaix"), date(2019, 2, 26), "15:00", "17:00"
        )
        add_stop_speaker(lille, person)

    kinds = kinds_after(app, world, too_close)
    assert "speaker_journey" in kinds
    assert kinds_after(app, world, next_day) == []


def _booked_with_window(world, kind: AvailabilityKind, first: str, last: str):
    person = add_speaker("Disponible ?")
    add_round_table(nantes(world), "T", "10:30", "12:00", [(person, MODERATOR)])
    add_availability(
        person,
        local_to_utc(date.fromisoformat(first), time(0), "Europe/Paris"),
        local_to_utc(date.fromisoformat(last), time(0), "Europe/Paris"),
        kind,
    )


def test_speaker_booked_while_unavailable(app, world):
    unavailable = AvailabilityKind.UNAVAILABLE
    assert kinds_after(
        app, world, lambda: _booked_with_window(world, unavailable, "2019-02-25", "2019-02-26")
    ) == ["speaker_unavailable"]
    assert (
        kinds_after(
            app, world, lambda: _booked_with_window(world, unavailable, "2019-02-26", "2019-02-27")
        )
        == []
    )


def test_speaker_booked_outside_stated_availability(app, world):
    available = AvailabilityKind.AVAILABLE
    assert kinds_after(
        app, world, lambda: _booked_with_window(world, available, "2019-03-01", "2019-03-10")
    ) == ["speaker_unavailable"]
    assert (
        kinds_after(
            app, world, lambda: _booked_with_window(world, available, "2019-02-20", "2019-03-01")
        )
        == []
    )


def test_cancelled_stop_takes_its_round_tables_out_of_the_plan(app, world):
    def cancelled():
        stop = nantes(world)
        add_round_table(stop, "Sans modération", "09:00", "10:00")
        stop.status = stop.status.CANCELLED

    assert kinds_after(app, world, cancelled) == []


# --- through the web: forms, order, permissions --------------------------------------------


@pytest.fixture
def programme(app, world):
    """A round table at the Nantes stop with two speakers, and a third speaker unbooked."""
    with app.app_context():
        first, second, third = (
            add_speaker("Aline Première"),
            add_speaker("Bruno Second"),
            add_speaker("Chloé Tierce"),
        )
        table = add_round_table(
            nantes(world), "Réemploi", "10:30", "12:00", [(first, MODERATOR), (second, PANELIST)]
        )
        db.session.commit()
        return {"table": table.id, "speakers": [first.id, second.id, third.id]}


def participant_ids(app, table_id) -> list[int]:
    with app.app_context():
        return [p.id for p in db.session.get(RoundTable, table_id).participants]


def test_reordering_participants_changes_the_public_order(app, client, world, programme):
    login(client, world.nantes_organiser)
    table = programme["table"]
    _, second = participant_ids(app, table)
    response = post_form(
        client, f"/board/round-tables/{table}/participants/{second}/move", {"direction": "up"}
    )
    assert response.status_code == 302
    page = text_of(app.test_client().get(f"/stops/{world.nantes_stop_id}"))
    assert page.index("Bruno Second") < page.index("Aline Première")
    post_form(
        client, f"/board/round-tables/{table}/participants/{second}/move", {"direction": "down"}
    )
    page = text_of(app.test_client().get(f"/stops/{world.nantes_stop_id}"))
    assert page.index("Aline Première") < page.index("Bruno Second")


def test_moving_the_first_up_keeps_the_order(app, client, world, programme):
    login(client, world.nantes_organiser)
    first, second = participant_ids(app, programme["table"])
    post_form(
        client,
        f"/board/round-tables/{programme['table']}/participants/{first}/move",
        {"direction": "up"},
    )
    assert participant_ids(app, programme["table"]) == [first, second]


def test_bad_move_direction_is_refused(app, client, world, programme):
    login(client, world.nantes_organiser)
    first, _ = participant_ids(app, programme["table"])
    response = post_form(
        client,
        f"/board/round-tables/{programme['table']}/participants/{first}/move",
        {"direction": "sideways"},
    )
    assert response.status_code == 400


def test_adding_and_removing_a_participant(app, client, world, programme):
    login(client, world.nantes_organiser)
    table, third = programme["table"], programme["speakers"][2]
    response = post_form(
        client,
        f"/board/round-tables/{table}/participants",
        {"participant-speaker_id": third, "participant-role": "panelist"},
    )
    assert response.status_code == 302
    ids = participant_ids(app, table)
    assert len(ids) == 3
    post_form(
        client, f"/board/round-tables/{table}/participants/{ids[0]}/delete", {"confirmation": "oui"}
    )
    with app.app_context():
        remaining = db.session.get(RoundTable, table).participants
        assert [p.speaker.name for p in remaining] == ["Bruno Second", "Chloé Tierce"]
        assert [p.position for p in remaining] == [0, 1]


@pytest.mark.parametrize(
    "data,message",
    [
        (
            {"participant-speaker_id": "999999", "participant-role": "panelist"},
            "Intervenant·e inconnu·e",
        ),
        ({"participant-speaker_id": "", "participant-role": "panelist"}, "Intervenant·e inconnu·e"),
        ({"participant-role": "star"}, "Rôle inconnu"),
    ],
)
def test_adding_an_unknown_speaker_or_role_is_refused(app, client, world, programme, data, message):
    login(client, world.nantes_organiser)
    data.setdefault("participant-speaker_id", programme["speakers"][2])
    response = post_form(client, f"/board/round-tables/{programme['table']}/participants", data)
    assert response.status_code == 400
    assert message in text_of(response)
    assert len(participant_ids(app, programme["table"])) == 2


def _table_form(**extra) -> dict:
    return {
        "title": "Mobilités",
        "day": "2019-02-25",
        "start_time": "10:30",
        "end_time": "12:00",
        **extra,
    }


def test_organiser_creates_a_round_table_in_local_time(app, client, world):
    login(client, world.nantes_organiser)
    response = post_form(
        client, f"/board/stops/{world.nantes_stop_id}/round-tables/new", _table_form(room="Salle 2")
    )
    assert response.status_code == 302
    with app.app_context():
        table = db.session.scalar(select(RoundTable).where(RoundTable.title == "Mobilités"))
        assert table.local_start.strftime("%H:%M") == "10:30"
        assert table.starts_at.hour == 9  # UTC+1 in February
    page = text_of(client.get(response.headers["Location"]))
    assert "n’a pas de modérateur·rice" in page  # a warning, shown on the form, save done


@pytest.mark.parametrize(
    "override,message",
    [
        ({"end_time": "10:00"}, "La fin doit être postérieure au début."),
        ({"title": ""}, "Indiquez le titre de la table ronde."),
        (
            {"day": "2019-03-31", "start_time": "02:30", "end_time": "04:00"},
            "n’existe pas le 31 mars 2019",
        ),
        ({"challenge_id": "999999"}, "Défi inconnu"),
        ({"challenge_id": str(2**31)}, "Défi inconnu"),
        ({"day": "0001-01-01", "start_time": "00:00"}, "comprise entre 1900 et 2999"),
        ({"room": "Salle\x00"}, "caractère de contrôle"),
        ({"start_time": ""}, "Indiquez l’heure de début."),
    ],
)
def test_invalid_round_table_is_refused_and_nothing_written(app, client, world, override, message):
    login(client, world.nantes_organiser)
    response = post_form(
        client, f"/board/stops/{world.nantes_stop_id}/round-tables/new", _table_form(**override)
    )
    assert response.status_code == 400
    assert message in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(RoundTable.id)) is None


def test_stale_round_table_edit_is_refused(app, client, world, programme):
    login(client, world.nantes_organiser)
    url = f"/board/round-tables/{programme['table']}/edit"
    assert (
        post_form(client, url, _table_form(title="Première version", version=1)).status_code == 302
    )
    refused = post_form(client, url, _table_form(title="Version périmée", version=1))
    assert refused.status_code == 409
    assert "a été modifiée par quelqu’un d’autre" in text_of(refused)
    with app.app_context():
        assert db.session.get(RoundTable, programme["table"]).title == "Première version"


def _programme_routes(world, programme) -> dict[str, tuple[str, dict]]:
    table = programme["table"]
    first = programme["speakers"][0]
    return {
        "new_table": (f"/board/stops/{world.nantes_stop_id}/round-tables/new", _table_form()),
        "edit_table": (f"/board/round-tables/{table}/edit", _table_form(version=1)),
        "delete_table": (f"/board/round-tables/{table}/delete", {"confirmation": "oui"}),
        "add_participant": (
            f"/board/round-tables/{table}/participants",
            {"participant-speaker_id": first, "participant-role": "host"},
        ),
        "add_stop_speaker": (
            f"/board/stops/{world.nantes_stop_id}/speakers",
            {"stop-speaker_id": first, "stop-role": "keynote"},
        ),
    }


ROUTES = ["new_table", "edit_table", "delete_table", "add_participant", "add_stop_speaker"]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "who,expected",
    [
        (None, 302),
        ("roubaix@test.example", 403),
        ("nantes@test.example", 302),
        ("admin@test.example", 302),
    ],
)
def test_programme_routes_per_role(app, client, world, programme, route, who, expected):
    url, data = _programme_routes(world, programme)[route]
    if who:
        login(client, who)
    response = post_form(client, url, data)
    assert response.status_code == expected, text_of(response)
    if who is None:
        assert response.headers["Location"].startswith("/login?next=")
    elif expected == 302:
        assert "/login" not in response.headers["Location"]


def test_other_organisers_see_the_programme_read_only(app, client, world, programme):
    login(client, world.roubaix_organiser)
    page = text_of(client.get(f"/board/stops/{world.nantes_stop_id}/programme"))
    assert "Réemploi" in page
    assert "Nouvelle table ronde" not in page
    assert "Ajouter à l’étape" not in page


def test_public_stop_page_lists_round_tables_in_time_order_with_speakers(app, client, world):
    with app.app_context():
        late, early = add_speaker("Tardive"), add_speaker("Matinale")
        add_round_table(nantes(world), "Seconde table", "11:30", "12:30", [(late, MODERATOR)])
        add_round_table(nantes(world), "Première table", "10:00", "11:00", [(early, MODERATOR)])
        add_stop_speaker(nantes(world), add_speaker("Haute Commissaire"))
        db.session.commit()
    page = text_of(client.get(f"/stops/{world.nantes_stop_id}"))
    assert (
        page.index("Première table")
        < page.index("Matinale")
        < page.index("Seconde table")
        < page.index("Tardive")
    )
    assert "Haute Commissaire" in page
    assert "Modération" in page


def test_draft_stop_round_tables_stay_hidden(app, client, world):
    with app.app_context():
        add_round_table(stop_of(world, "clermont_draft_id"), "Table secrète", "14:30", "16:00")
        db.session.commit()
    assert client.get(f"/stops/{world.clermont_draft_id}").status_code == 404
    assert "Table secrète" not in text_of(client.get(f"/tours/{world.tour_slug}/"))


def test_round_table_at_a_repeated_hour_is_saved_with_a_notice(app, client, world):
    with app.app_context():
        stop = make_stop(
            tour_of(world), territory_of(world, "nantes"), date(2019, 10, 27), "01:00", "05:00"
        )
        db.session.commit()
        stop_id = stop.id
    login(client, world.nantes_organiser)
    data = _table_form(day="2019-10-27", start_time="02:15", end_time="03:00")
    response = post_form(client, f"/board/stops/{stop_id}/round-tables/new", data)
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Table ronde « Mobilités » créée" in page
    assert "L’heure 2 h 15 existe deux fois le 27 octobre 2019 (Europe/Paris)" in page
    assert "Nous retenons la première (heure d’été, UTC+02:00)." in page
    assert "L’heure 3 h 00 existe" not in page
    with app.app_context():
        table = db.session.scalar(select(RoundTable).where(RoundTable.title == "Mobilités"))
        assert table.starts_at == utc(2019, 10, 27, 0, 15)
        table_id, version = table.id, table.version
    edited = post_form(client, f"/board/round-tables/{table_id}/edit", {**data, "version": version})
    assert edited.status_code == 302
    assert "L’heure 2 h 15 existe deux fois" in text_of(client.get(edited.headers["Location"]))
