"""The programme in the frab schedule format: valid against c3voc's schemas (vendored here,
see README.md), stable GUIDs, local times with their offsets, nothing private."""

import json
import uuid
from datetime import date, datetime
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from extensions import db
from models import ParticipantRole, RoundTable, StopStatus, TourStop, Workshop, WorkshopStatus
from services.publishing.frab import FRAB_NAMESPACE
from tests.calendar.test_feeds import _grow_tour, count_queries
from tests.factories import (
    add_round_table,
    add_speaker,
    add_workshop,
    make_stop,
    territory_of,
    tour_of,
)
from tests.helpers import utc

HERE = Path(__file__).parent
JSON_URL = "/tours/tournee-test/schedule.json"
XML_URL = "/tours/tournee-test/schedule.xml"
SECRETS = (
    "itier@ministere.example",
    "duracka@cisca.example",
    "https://visio.example/salle-secrete",
    "Lieu secret du brouillon",
    "Table ronde du brouillon",
    "Atelier en brouillon",
    "Atelier annulé",
)


@pytest.fixture(scope="module")
def json_validator():
    schema = json.loads((HERE / "schema.json").read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def xml_schema():
    return xmlschema.XMLSchema(HERE / "schedule.xml.xsd")


@pytest.fixture
def programme(app, world) -> dict[str, int | str]:
    """Nantes (confirmed, Paris) with a round table of two speakers; Mayotte (confirmed,
    Indian/Mayotte) with one; the world's Clermont draft with a round table; an open
    workshop online, an open one in Mayotte, a draft and a cancelled one."""
    with app.app_context():
        tour = tour_of(world)
        nantes = db.session.get(TourStop, world.nantes_stop_id)
        nantes.venue_name = "Solilab"
        itier = add_speaker(
            "Christophe Itier", title="Haut-Commissaire", email="itier@ministere.example"
        )
        duracka = add_speaker("Nicolas Duracka", email="duracka@cisca.example")
        nantes_table = add_round_table(
            nantes,
            "Réemploi et emploi",
            utc(2019, 2, 25, 9, 30),
            utc(2019, 2, 25, 11),
            [(duracka, ParticipantRole.MODERATOR), (itier, ParticipantRole.PANELIST)],
            room="Salle 1",
            description="Le réemploi comme filière d’emploi.",
        )
        mayotte = make_stop(
            tour, territory_of(world, "mayotte"), date(2019, 5, 14), "09:00", "11:00"
        )
        mayotte.venue_name = "Mamoudzou"
        mayotte_table = add_round_table(mayotte, "Économie bleue", "09:00", "10:30")
        draft = db.session.get(TourStop, world.clermont_draft_id)
        add_round_table(draft, "Table ronde du brouillon", "14:00", "15:00")
        online = add_workshop(
            world,
            title="Mobilité rurale",
            day=date(2019, 3, 5),
            venue_name="",
            online_url="https://visio.example/salle-secrete",
            facilitators=[itier],
        )
        in_mayotte = add_workshop(
            world,
            title="Pêche durable",
            host="mayotte",
            territories=("mayotte", "nantes"),
            day=date(2019, 5, 15),
            start="08:00",
            end="10:00",
            venue_name="Pôle ESS",
        )
        add_workshop(world, title="Atelier en brouillon", status=WorkshopStatus.DRAFT)
        add_workshop(world, title="Atelier annulé", status=WorkshopStatus.CANCELLED)
        db.session.commit()
        return {
            "nantes_table": nantes_table.id,
            "nantes_table_uid": nantes_table.uid,
            "mayotte_table": mayotte_table.id,
            "mayotte_table_uid": mayotte_table.uid,
            "online": online.id,
            "online_uid": online.uid,
            "in_mayotte": in_mayotte.id,
            "in_mayotte_uid": in_mayotte.uid,
            "itier": itier.id,
            "duracka": duracka.id,
        }


def schedule_of(client) -> dict:
    response = client.get(JSON_URL)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def events_of(document: dict) -> dict[str, dict]:
    return {
        event["title"]: event
        for day in document["schedule"]["conference"]["days"]
        for room_events in day["rooms"].values()
        for event in room_events
    }


def test_schedule_json_validates_against_the_c3voc_schema(client, programme, json_validator):
    document = schedule_of(client)
    errors = sorted(json_validator.iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    assert len(events_of(document)) == 4


def test_schedule_xml_validates_against_the_c3voc_xsd(client, programme, xml_schema):
    response = client.get(XML_URL)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    xml_schema.validate(response.data)
    assert response.data.count(b"<event ") == 4


def test_empty_tour_is_still_valid(client, world, json_validator, xml_schema):
    with client.application.app_context():
        db.session.get(TourStop, world.nantes_stop_id).status = StopStatus.DRAFT
        db.session.commit()
    document = schedule_of(client)
    json_validator.validate(document)
    assert document["schedule"]["conference"]["days"] == []
    xml_schema.validate(client.get(XML_URL).data)


def test_conference_describes_the_tour(client, programme):
    conference = schedule_of(client)["schedule"]["conference"]
    assert conference["acronym"] == "tournee_test"
    assert conference["title"] == "Tournée French Impact – Tournée de test"
    assert (conference["start"], conference["end"]) == ("2019-02-01", "2019-12-31")
    assert conference["time_zone_name"] == "Europe/Paris"
    assert conference["url"] == "http://localhost/tours/tournee-test/"
    assert conference["daysCount"] == len(conference["days"]) == 4
    days = conference["days"]
    assert [d["date"] for d in days] == ["2019-02-25", "2019-03-05", "2019-05-14", "2019-05-15"]
    assert [d["index"] for d in days] == [1, 2, 3, 4]
    # The stop's rooms: its venue, and the rooms its round tables name.
    assert set(days[0]["rooms"]) == {"Nantes Métropole – Solilab", "Nantes Métropole – Salle 1"}
    assert days[0]["day_start"] == "2019-02-25T10:00:00+01:00"
    assert days[0]["day_end"] == "2019-02-25T12:30:00+01:00"


def test_guids_are_stable_uuid5_of_the_calendar_uids(client, programme):
    first, second = events_of(schedule_of(client)), events_of(schedule_of(client))
    assert first == second
    expected = {
        "Réemploi et emploi": programme["nantes_table_uid"],
        "Économie bleue": programme["mayotte_table_uid"],
        "Mobilité rurale": programme["online_uid"],
        "Pêche durable": programme["in_mayotte_uid"],
    }
    for title, uid in expected.items():
        assert first[title]["guid"] == str(uuid.uuid5(FRAB_NAMESPACE, str(uid)))
    xml = client.get(XML_URL).get_data(as_text=True)
    for event in first.values():
        assert f'guid="{event["guid"]}"' in xml


def test_guid_survives_a_change_of_time_and_title(app, client, programme):
    before = events_of(schedule_of(client))["Réemploi et emploi"]
    with app.app_context():
        table = db.session.get(RoundTable, programme["nantes_table"])
        table.title = "Réemploi, emploi et territoires"
        table.starts_at = utc(2019, 2, 25, 10)
        db.session.commit()
    after = events_of(schedule_of(client))["Réemploi, emploi et territoires"]
    assert after["guid"] == before["guid"] and after["id"] == before["id"]
    assert after["date"] == "2019-02-25T11:00:00+01:00"


def test_events_are_in_their_stops_local_time(client, programme):
    events = events_of(schedule_of(client))
    nantes = events["Réemploi et emploi"]
    assert (nantes["date"], nantes["start"], nantes["duration"]) == (
        "2019-02-25T10:30:00+01:00",
        "10:30",
        "01:30",
    )
    assert nantes["end"] == "2019-02-25T12:00:00+01:00"
    mayotte = events["Économie bleue"]
    assert (mayotte["date"], mayotte["start"]) == ("2019-05-14T09:00:00+03:00", "09:00")
    workshop = events["Pêche durable"]
    assert (workshop["date"], workshop["duration"]) == ("2019-05-15T08:00:00+03:00", "02:00")
    xml = client.get(XML_URL).get_data(as_text=True)
    assert "<date>2019-05-14T09:00:00+03:00</date>" in xml


def test_events_say_what_visitors_see(client, world, programme):
    events = events_of(schedule_of(client))
    table = events["Réemploi et emploi"]
    assert table["type"] == "discussion" and table["language"] == "fr"
    assert table["room"] == "Nantes Métropole – Salle 1"
    assert table["url"] == (
        f"http://localhost/stops/{world.nantes_stop_id}#table-ronde-{programme['nantes_table']}"
    )
    assert table["abstract"] == "Le réemploi comme filière d’emploi."
    # Participants in their order, public names and pages only.
    assert [p["name"] for p in table["persons"]] == ["Nicolas Duracka", "Christophe Itier"]
    assert table["persons"][0]["url"] == f"http://localhost/speakers/{programme['duracka']}"
    assert set(table["persons"][0]) == {"id", "guid", "name", "url"}
    online = events["Mobilité rurale"]
    assert online["type"] == "workshop" and online["track"] == "Réemploi"
    assert online["room"] == "Nantes Métropole – En ligne"
    assert online["url"] == f"http://localhost/workshops/{programme['online']}"
    assert [p["name"] for p in online["persons"]] == ["Christophe Itier"]
    assert events["Économie bleue"]["track"] is None


def test_no_draft_email_online_link_or_cancelled_item(client, programme):
    for url in (JSON_URL, XML_URL):
        body = client.get(url).get_data(as_text=True)
        for secret in SECRETS:
            assert secret not in body, (url, secret)
        assert "@" not in body.replace("@context", "")


def test_cancelled_stop_leaves_the_schedule(app, client, programme):
    with app.app_context():
        stop = db.session.get(RoundTable, programme["mayotte_table"]).stop
        stop.status = StopStatus.CANCELLED
        db.session.get(Workshop, programme["in_mayotte"]).status = WorkshopStatus.CANCELLED
        db.session.commit()
    events = events_of(schedule_of(client))
    assert set(events) == {"Réemploi et emploi", "Mobilité rurale"}


def test_unknown_tour_is_404_with_a_reason(client, world):
    response = client.get("/tours/inconnue/schedule.json")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert "tournée" in response.get_json()["error"]
    assert client.get("/tours/inconnue/schedule.xml").status_code == 404


@pytest.mark.parametrize("url", [JSON_URL, XML_URL])
def test_etag_round_trip(app, client, programme, url):
    first = client.get(url)
    assert first.headers["ETag"].startswith('"')
    assert "Last-Modified" in first.headers
    assert first.headers["Cache-Control"] == "public, max-age=300"
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    with app.app_context():
        db.session.get(RoundTable, programme["nantes_table"]).room = "Salle 2"
        db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]
    assert "Salle 2" in changed.get_data(as_text=True)


def test_json_and_xml_have_their_own_etags(client, programme):
    assert client.get(JSON_URL).headers["ETag"] != client.get(XML_URL).headers["ETag"]


def test_every_moment_has_an_offset_and_every_address_is_absolute(client, programme):
    """What the schema's formats say, checked without optional format libraries."""
    document = schedule_of(client)
    conference = document["schedule"]["conference"]
    moments = [d[k] for d in conference["days"] for k in ("day_start", "day_end")]
    urls = [conference["url"]]
    for event in events_of(document).values():
        moments += [event["date"], event["end"]]
        urls += [event["url"], *(p["url"] for p in event["persons"])]
        urls += [link["url"] for link in event["links"]]
    for moment in moments:
        assert datetime.fromisoformat(moment).utcoffset() is not None, moment
    assert all(url.startswith("http://localhost/") for url in urls), urls


def test_304_is_answered_without_building_the_schedule(app, client, programme):
    etag = client.get(JSON_URL).headers["ETag"]
    with count_queries(app) as queries:
        response = client.get(JSON_URL, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert len(queries) == 2, queries  # the tour by its slug, then the freshness query


def test_query_count_is_the_same_for_ten_and_a_thousand_items(app, client, world):
    def queries_for(size: int) -> tuple[int, int]:
        _grow_tour(app, world, size)
        with count_queries(app) as queries:
            document = schedule_of(client)
        return len(queries), len(events_of(document))

    small_queries, small_events = queries_for(4)  # 4 stops, 4 round tables, 4 workshops
    large_queries, large_events = queries_for(334)
    assert small_events >= 8 and large_events >= 668
    assert large_queries == small_queries


def test_the_tour_page_links_both_exports(client, world):
    page = client.get(f"/tours/{world.tour_slug}/").get_data(as_text=True)
    assert f'href="/tours/{world.tour_slug}/schedule.json"' in page
    assert f'href="/tours/{world.tour_slug}/schedule.xml"' in page
