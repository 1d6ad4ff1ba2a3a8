"""Nothing private ever leaves through the API: on a database holding drafts, e-mail
addresses, online meeting links, registrations, tokens and organisers' notes, every list
page and every item is read and none of those strings appears.

The private strings are read from the database by the queries of PRIVATE_VALUES: a new
table with private text adds one line there."""

import json
from datetime import date

from sqlalchemy import select

from blueprints.api import OPERATIONS
from extensions import db
from models import (
    Comment,
    DateOption,
    PrivateFeed,
    Registration,
    RoundTable,
    Speaker,
    StopStatus,
    TourStop,
    User,
    Workshop,
    WorkshopStatus,
)
from services.publishing import releases
from tests.api.openapi_check import api_get
from tests.factories import territory_of, tour_of

PRIVATE_VALUES = {
    "speakers' e-mail addresses": select(Speaker.email).where(Speaker.email != ""),
    "participants' names": select(Registration.name),
    "participants' e-mail addresses": select(Registration.email),
    "registration tokens": select(Registration.token),
    "online meeting links": select(Workshop.online_url).where(Workshop.online_url != ""),
    "accounts' e-mail addresses": select(User.email),
    "accounts' names": select(User.display_name),
    "password hashes": select(User.password_hash),
    "session tokens": select(User.session_token),
    "private calendar tokens": select(PrivateFeed.token),
    "draft stops' venues": select(TourStop.venue_name).where(
        TourStop.status == StopStatus.DRAFT, TourStop.venue_name != ""
    ),
    "draft stops' descriptions": select(TourStop.description).where(
        TourStop.status == StopStatus.DRAFT, TourStop.description != ""
    ),
    "round tables of draft stops": select(RoundTable.title)
    .join(RoundTable.stop)
    .where(TourStop.status == StopStatus.DRAFT),
    "draft workshops": select(Workshop.title).where(Workshop.status == WorkshopStatus.DRAFT),
    "hosting wishes' notes": select(DateOption.comment).where(DateOption.comment != ""),
    "comments": select(Comment.body),
}


def private_strings(app) -> dict[str, list[str]]:
    with app.app_context():
        found = {
            label: [v for v in db.session.scalars(query) if v and len(v) >= 6]
            for label, query in PRIVATE_VALUES.items()
        }
    return found


def _add_private_data(app, world) -> None:
    with app.app_context():
        draft = db.session.get(TourStop, world.clermont_draft_id)
        draft.description = "Note interne : le préfet confirme le 3 avril"
        # Internal discussion on a public stop, where it would most easily leak.
        db.session.add(
            Comment(
                target_type="stop",
                target_id=world.nantes_stop_id,
                body="Discussion interne : la salle coûte 1 200 euros",
            )
        )
        db.session.add(
            DateOption(
                tour=tour_of(world),
                territory=territory_of(world, "roubaix"),
                starts_at=draft.starts_at,
                ends_at=draft.ends_at,
                rank=1,
                comment="Seulement si la salle municipale est libre",
            )
        )
        db.session.commit()


def publish_v1(app, world) -> None:
    with app.test_request_context():
        releases.publish_release(tour_of(world), "v1", "Première version", None)
        db.session.commit()


def crawl(client, tour_slug: str) -> list[str]:
    """Every page of every list, then every item each list names: the bodies as text."""
    bodies = []
    items = {op.path: op for op in OPERATIONS if not op.is_list}
    for operation in (op for op in OPERATIONS if op.is_list):
        listed = operation.path.replace("{slug}", tour_slug)  # lists under a tour
        url: str | None = f"/api/v1{listed}?per_page=100"
        detail = next(p for p in items if p.startswith(operation.path + "/{"))
        last = items[detail].parameters[-1]
        key = "id" if last.schema["type"] == "integer" else last.name
        while url:
            page = api_get(client, url)
            bodies.append(json.dumps(page, ensure_ascii=False))
            for item in page["items"]:
                item_url = f"/api/v1{listed}/{item[key]}"
                bodies.append(json.dumps(api_get(client, item_url), ensure_ascii=False))
            url = page["links"]["next"]
            url = url.removeprefix("http://localhost") if url else None
    bodies.append(client.get("/api/v1/openapi.json").get_data(as_text=True))
    bodies.append(client.get("/api/v1/").get_data(as_text=True))
    return bodies


def test_no_private_string_reaches_any_api_response(app, client, world, published):
    _add_private_data(app, world)
    publish_v1(app, world)
    secrets = private_strings(app)
    # the seeded database holds every kind of private data (else the test proves nothing)
    missing = [label for label, values in secrets.items() if not values]
    assert not missing, missing
    bodies = crawl(client, world.tour_slug)
    assert len(bodies) > 20
    text = "\n".join(bodies)
    leaks = [
        (label, value) for label, values in secrets.items() for value in values if value in text
    ]
    assert not leaks, leaks
    # and the crawl did read the public items next to them
    assert "Réemploi et emploi" in text and "Pêche durable" in text
    assert "Atelier annulé" in text  # cancelled stays public, marked so
    assert '"name":"v1"' in text.replace(" ", "")  # the release and its changes were read


def test_a_workshop_at_a_draft_stop_does_not_reveal_the_stop(app, client, world, published):
    with app.app_context():
        workshop = db.session.get(Workshop, published["in_mayotte"])
        workshop.stop_id = world.clermont_draft_id
        workshop.starts_at = workshop.starts_at.replace(year=2019)
        db.session.commit()
    shown = api_get(client, f"/api/v1/workshops/{published['in_mayotte']}")
    assert shown["stop_id"] is None
    assert date.fromisoformat(shown["starts_at"][:10]).year == 2019
