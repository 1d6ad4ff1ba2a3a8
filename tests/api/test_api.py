"""The public JSON API: its OpenAPI document, resources, pagination, filters, validators,
CORS and errors. Every body read here is checked against the document (api_get)."""

from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from openapi_spec_validator import validate as validate_spec
from sqlalchemy import select

from extensions import db
from models import Challenge, RoundTable, Territory, TerritoryChallenge, TourStop
from tests.api.openapi_check import api_get, api_response, document
from tests.factories import add_challenge, sign_up

LISTS = [
    "/api/v1/tours",
    "/api/v1/stops",
    "/api/v1/round-tables",
    "/api/v1/workshops",
    "/api/v1/speakers",
    "/api/v1/territories",
    "/api/v1/challenges",
]


def test_the_openapi_document_validates_and_lists_every_list_and_item(client):
    served = api_response_json(client, "/api/v1/openapi.json")
    validate_spec(served)
    assert served == document()
    assert served["openapi"].startswith("3.1")
    paths = set(served["paths"])
    assert {p.removeprefix("/api/v1") for p in LISTS} <= paths
    assert {"/stops/{stop_id}", "/workshops/{workshop_id}", "/territories/{slug}"} <= paths
    stop = served["components"]["schemas"]["Stop"]
    assert stop["additionalProperties"] is False
    assert stop["properties"]["starts_at"]["format"] == "date-time"


def api_response_json(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def test_documentation_page_shows_every_path_with_an_example(client, world):
    page = client.get("/api/v1/").get_data(as_text=True)
    for path in document()["paths"]:
        assert f"GET /api/v1{path}" in page
    assert "curl -i http://localhost/api/v1/stops" in page
    assert 'href="/api/v1/openapi.json"' in page
    # linked from the footer of every page and from the tour page's open-data section
    assert 'href="/api/v1/"' in client.get("/plan-du-site").get_data(as_text=True)
    tour_page = client.get(f"/tours/{world.tour_slug}/").get_data(as_text=True)
    assert 'href="/api/v1/"' in tour_page
    assert f'href="/api/v1/stops?tour={world.tour_slug}"' in tour_page


def test_stops_hold_local_instants_with_their_zone_and_the_feeds_uids(client, world, published):
    body = api_get(client, "/api/v1/stops")
    assert body["total"] == 2  # Nantes and Mayotte: the Clermont draft is not public
    nantes, mayotte = body["items"]
    assert nantes["starts_at"] == "2019-02-25T10:00:00+01:00"
    assert nantes["zone"] == "Europe/Paris"
    assert mayotte["starts_at"] == "2019-05-14T09:00:00+03:00"
    assert mayotte["zone"] == "Indian/Mayotte"
    assert [t["title"] for t in nantes["round_tables"]] == ["Réemploi et emploi"]
    feed = Calendar.from_ical(client.get(f"/calendar/tours/{world.tour_slug}.ics").data)
    feed_uids = {str(event["UID"]) for event in feed.walk("VEVENT")}
    assert {nantes["uid"], mayotte["uid"]} <= feed_uids
    assert published["nantes_table_uid"] in feed_uids
    detail = api_get(client, f"/api/v1/stops/{nantes['id']}")
    assert detail == nantes


def test_round_tables_list_participants_in_order_with_their_role(client, published):
    table = api_get(client, f"/api/v1/round-tables/{published['nantes_table']}")
    assert table["uid"] == published["nantes_table_uid"]
    assert [(p["position"], p["speaker"]["name"], p["role"]) for p in table["participants"]] == [
        (1, "Nicolas Duracka", "moderator"),
        (2, "Christophe Itier", "panelist"),
    ]
    titles = [t["title"] for t in api_get(client, "/api/v1/round-tables")["items"]]
    assert titles == ["Réemploi et emploi", "Économie bleue"]  # not the draft's


def test_workshops_give_seats_left_and_window_never_the_link(client, published):
    body = api_get(client, "/api/v1/workshops")
    by_title = {w["title"]: w for w in body["items"]}
    assert set(by_title) == {"Mobilité rurale", "Pêche durable", "Atelier annulé"}
    online = by_title["Mobilité rurale"]
    assert online["online"] is True and online["capacity"] == 2 and online["seats_left"] == 1
    assert set(online["registration"]) == {"opens_at", "closes_at"}
    assert by_title["Pêche durable"]["zone"] == "Indian/Mayotte"
    assert by_title["Pêche durable"]["starts_at"].endswith("+03:00")
    assert by_title["Atelier annulé"]["status"] == "cancelled"


def test_territories_carry_challenges_and_collective(app, client, world):
    with app.app_context():
        add_challenge("Réemploi", "reemploi", shared_by=[world.territory["nantes"]])
        db.session.commit()
    territory = api_get(client, "/api/v1/territories/nantes")
    assert [c["slug"] for c in territory["challenges"]] == ["reemploi"]
    assert territory["zone"] == "Europe/Paris"
    challenge = api_get(client, "/api/v1/challenges/reemploi")
    assert [t["slug"] for t in challenge["territories"]] == ["nantes"]
    assert api_get(client, "/api/v1/territories?challenge=reemploi")["total"] == 1
    assert api_get(client, "/api/v1/challenges?territory=nantes")["total"] == 1
    assert api_get(client, "/api/v1/challenges?territory=roubaix")["total"] == 0


def test_pagination_links_and_totals(client, world, published):
    first = api_get(client, "/api/v1/workshops?per_page=2")
    assert first["total"] == 3 and len(first["items"]) == 2
    links = first["links"]
    assert links["prev"] is None
    assert links["next"] == "http://localhost/api/v1/workshops?page=2&per_page=2"
    assert links["last"] == "http://localhost/api/v1/workshops?page=2&per_page=2"
    second = api_get(client, links["next"].removeprefix("http://localhost"))
    assert len(second["items"]) == 1 and second["links"]["next"] is None
    assert second["links"]["prev"] == links["first"]
    ids = [w["id"] for w in first["items"] + second["items"]]
    assert len(set(ids)) == 3
    beyond = api_get(client, "/api/v1/workshops?per_page=2&page=9")
    assert beyond["items"] == [] and beyond["total"] == 3
    assert beyond["links"]["prev"] == links["last"]
    # filters are kept in the links
    filtered = api_get(client, "/api/v1/stops?territory=nantes&per_page=1")
    assert "territory=nantes" in filtered["links"]["self"]


def test_filters_territory_challenge_dates_and_updated_since(app, client, world, published):
    def titles(url):
        return [w["title"] for w in api_get(client, url)["items"]]

    assert titles("/api/v1/workshops?territory=mayotte") == ["Pêche durable"]
    assert [
        s["territory"]["slug"] for s in api_get(client, "/api/v1/stops?territory=mayotte")["items"]
    ] == ["mayotte"]
    assert titles("/api/v1/workshops?from=2019-05-15&to=2019-05-15") == ["Pêche durable"]
    assert api_get(client, "/api/v1/stops?from=2019-02-25&to=2019-02-25")["total"] == 1
    assert api_get(client, f"/api/v1/stops?tour={world.tour_slug}")["total"] == 2
    assert api_get(client, "/api/v1/tours?from=2020-01-01")["total"] == 0
    with app.app_context():
        table = db.session.get(RoundTable, published["mayotte_table"])
        table.challenge = db.session.scalar(select(Challenge))
        slug = table.challenge.slug
        db.session.commit()
    assert [
        t["title"] for t in api_get(client, f"/api/v1/round-tables?challenge={slug}")["items"]
    ] == ["Économie bleue"]
    assert [
        s["territory"]["slug"] for s in api_get(client, f"/api/v1/stops?challenge={slug}")["items"]
    ] == ["mayotte"]
    # updated_since: only what changed at or after the instant
    with app.app_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        changed = stop.updated_at
    later = (changed + timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    assert api_get(client, f"/api/v1/stops?updated_since={later}")["total"] == 0
    earlier = (changed - timedelta(days=1)).isoformat().replace("+00:00", "%2B00:00")
    assert api_get(client, f"/api/v1/stops?updated_since={earlier}")["total"] == 2
    since = api_get(client, "/api/v1/territories?updated_since=2000-01-01T00:00:00Z")
    assert since["total"] == len(world.territory)


@pytest.mark.parametrize(
    ("url", "error", "words"),
    [
        ("/api/v1/stops?page=0", "invalid_parameter", "nombre entier"),
        ("/api/v1/stops?page=abc", "invalid_parameter", "nombre entier"),
        ("/api/v1/stops?per_page=101", "invalid_parameter", "de 1 à 100"),
        ("/api/v1/stops?from=25-02-2019", "invalid_date", "AAAA-MM-JJ"),
        ("/api/v1/stops?from=2019-02-30", "invalid_date", "AAAA-MM-JJ"),
        ("/api/v1/stops?from=2019-03-01&to=2019-02-01", "invalid_date", "après"),
        ("/api/v1/stops?updated_since=hier", "invalid_date", "décalage"),
        ("/api/v1/stops?updated_since=2019-03-01T00:00:00", "invalid_date", "décalage"),
        ("/api/v1/stops?territory=atlantide", "unknown_filter_value", "ne connaît pas"),
        ("/api/v1/workshops?challenge=", "invalid_parameter", "vide"),
        ("/api/v1/stops?colour=blue", "unknown_parameter", "Paramètre inconnu"),
        ("/api/v1/stops?page=1&page=2", "invalid_parameter", "plusieurs fois"),
        ("/api/v1/stops/1?x=1", "unknown_parameter", "aucun paramètre"),
    ],
)
def test_bad_requests_get_a_400_with_a_french_reason(client, world, url, error, words):
    body = api_get(client, url, status=400)
    assert body["error"] == error
    assert words in body["reason"]


def test_unknown_items_and_addresses_are_json_404s(client, world):
    draft = api_get(client, f"/api/v1/stops/{world.clermont_draft_id}", status=404)
    assert draft == {"error": "not_found", "reason": "Aucun élément publié n’a cet identifiant."}
    for url in (
        "/api/v1/stops/2147483648",
        "/api/v1/workshops/999999",
        "/api/v1/territories/atlantide",
        "/api/v1/nothing-here",
        "/api/v1/stops/abc",
    ):
        assert api_get(client, url, status=404)["error"] == "not_found"
    refused = client.post("/api/v1/stops")
    assert refused.status_code == 405 and refused.mimetype == "application/json"
    assert "lecture seule" in refused.get_json()["reason"]
    control = client.get("/api/v1/stops?territory=%00")
    assert control.status_code == 400 and control.mimetype == "application/json"


def test_etag_round_trip_follows_the_data_and_the_seats(app, client, world, published):
    url = "/api/v1/workshops"
    first = api_response(client, url)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and "max-age" in first.headers["Cache-Control"]
    api_get(client, url, status=304, headers={"If-None-Match": etag})
    # a registration changes seats left, not the public plan's revision
    sign_up(app, published["in_mayotte"], "Encore Une", "encore@example.org")
    after_registration = api_response(client, url, headers={"If-None-Match": etag})
    assert after_registration.headers["ETag"] != etag
    with app.app_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        stop.venue_name = "Solilab, salle 2"
        db.session.commit()
    stops = api_response(client, "/api/v1/stops", headers={"If-None-Match": etag})
    assert "Solilab, salle 2" in stops.get_data(as_text=True)
    again = stops.headers["ETag"]
    api_get(client, "/api/v1/stops", status=304, headers={"If-None-Match": again})


def test_cors_everywhere_under_the_api(client, world):
    for url in ("/api/v1/stops", "/api/v1/openapi.json", "/api/v1/stops/999999"):
        assert client.get(url).headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/v1/stops",
        headers={"Origin": "https://ailleurs.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]


def test_every_list_validates_and_its_items_open(client, world, published):
    for url in LISTS:
        body = api_get(client, url + "?per_page=100")
        assert len(body["items"]) == body["total"] or body["total"] > 100
    speaker = api_get(client, "/api/v1/speakers")["items"][0]
    assert api_get(client, f"/api/v1/speakers/{speaker['id']}") == speaker
    tour = api_get(client, f"/api/v1/tours/{world.tour_slug}")
    assert tour["start_date"] == "2019-02-01"


def test_updated_at_of_a_territory_moves_with_its_edit(app, client, world):
    with app.app_context():
        before = db.session.get(Territory, world.territory["nantes"]).updated_at
        territory = db.session.get(Territory, world.territory["nantes"])
        territory.region = "Pays de la Loire"
        db.session.commit()
        after = db.session.get(Territory, world.territory["nantes"]).updated_at
        assert db.session.scalar(select(TerritoryChallenge)) is None
    assert before is not None and after is not None and after >= before
    shown = datetime.fromisoformat(api_get(client, "/api/v1/territories/nantes")["updated_at"])
    assert shown == after


def test_releases_and_their_changes(app, client, world, published):
    from tests.api.test_api_private_data import publish_v1

    url = f"/api/v1/tours/{world.tour_slug}/releases"
    empty = api_get(client, url)
    assert empty["total"] == 0 and empty["items"] == []
    publish_v1(app, world)
    with app.test_request_context():
        stop = db.session.get(TourStop, world.nantes_stop_id)
        stop.venue_name = "Solilab, grande halle"
        db.session.commit()
        from services.publishing import releases
        from tests.factories import tour_of

        releases.publish_release(tour_of(world), "v2", "", None)
        db.session.commit()
    body = api_get(client, url)
    assert [r["name"] for r in body["items"]] == ["v2", "v1"]
    v2 = api_get(client, f"{url}/v2")
    assert v2 == body["items"][0]
    # the stop moved, and its round table with it (same venue)
    kinds = [(c["kind"], c["item_type"]) for c in v2["changes"]]
    assert kinds[0] == ("moved", "stop") and set(kinds) <= {
        ("moved", "stop"),
        ("moved", "round_table"),
    }
    assert (
        v2["changes"][0]["item_uid"]
        == api_get(client, f"/api/v1/stops/{world.nantes_stop_id}")["uid"]
    )
    assert v2["label"].startswith("Programme v2 du ")
    assert v2["published_at"][-6:] in ("+01:00", "+02:00")
    assert api_get(client, f"{url}/v9", status=404)["error"] == "not_found"
    assert api_get(client, "/api/v1/tours/atlantide/releases", status=404)["error"] == "not_found"
