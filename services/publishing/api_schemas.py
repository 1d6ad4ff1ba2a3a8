"""The public API's resources, defined once: responses are built by validating into these
models, and /api/v1/openapi.json is assembled from their JSON Schemas (pydantic v2 writes
JSON Schema 2020-12, the dialect of OpenAPI 3.1).

Only what visitors may see: no e-mail address, no online meeting link, no draft, no token,
no comment. `extra="forbid"` makes every object's schema closed (additionalProperties:
false), so a field added here by mistake is a field the tests see.
"""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model


class Resource(BaseModel):
    model_config = ConfigDict(extra="forbid")


Instant = datetime  # always aware, serialised as ISO 8601 with the item's offset
ZoneName = Field(description="IANA time zone of the place, e.g. Europe/Paris, Indian/Mayotte")
Uid = Field(description="Calendar UID, the same as in the iCalendar feeds; it never changes")
Role = Literal["moderator", "panelist", "keynote", "host"]


class TourRef(Resource):
    id: int
    slug: str
    title: str


class TerritoryRef(Resource):
    id: int
    slug: str
    name: str


class ChallengeRef(Resource):
    id: int
    slug: str
    name: str


class SpeakerRef(Resource):
    id: int
    name: str


class SpeakerListing(Resource):
    """A speaker in an ordered list, with their part in it."""

    speaker: SpeakerRef
    role: Role
    position: int = Field(description="Order in the list, from 1")


class RoundTableRef(Resource):
    id: int
    uid: str = Uid
    title: str


class Organisation(Resource):
    name: str
    role: str = Field(description="Its part in the collective, e.g. « chef de file »")


class TerritoryChallenge(Resource):
    id: int
    slug: str
    name: str
    wording: str = Field(description="How the territory words the challenge")


class Tour(Resource):
    id: int
    slug: str
    title: str
    description: str
    principal: str = Field(description="The person expected at every stop")
    start_date: date
    end_date: date
    url: str = Field(description="Public page")
    updated_at: Instant | None


class Territory(Resource):
    id: int
    slug: str
    name: str
    kind: str | None
    region: str
    zone: str = ZoneName
    latitude: float | None
    longitude: float | None
    collective_presentation: str
    organisations: list[Organisation]
    challenges: list[TerritoryChallenge]
    url: str = Field(description="Public page")
    updated_at: Instant | None


class Challenge(Resource):
    id: int
    slug: str
    name: str
    territories: list[TerritoryRef]
    updated_at: Instant | None


class Stop(Resource):
    id: int
    uid: str = Uid
    sequence: int = Field(description="Grows when the time, place or status changes")
    tour: TourRef
    territory: TerritoryRef
    status: Literal["confirmed", "cancelled"]
    starts_at: Instant
    ends_at: Instant
    zone: str = ZoneName
    venue_name: str
    address: str
    latitude: float | None
    longitude: float | None
    host_organisation: str | None
    description: str
    speakers: list[SpeakerListing]
    round_tables: list[RoundTableRef]
    url: str = Field(description="Public page")
    updated_at: Instant


class RoundTable(Resource):
    id: int
    uid: str = Uid
    sequence: int
    stop_id: int
    tour: TourRef
    territory: TerritoryRef
    title: str
    challenge: ChallengeRef | None
    starts_at: Instant
    ends_at: Instant
    zone: str = ZoneName
    room: str
    description: str
    participants: list[SpeakerListing]
    updated_at: Instant


class Speaker(Resource):
    id: int
    name: str
    title: str
    organisation: str
    biography: str = Field(description="Plain text or a little Markdown")
    territory: TerritoryRef | None
    url: str = Field(description="Public page")
    updated_at: Instant


class RegistrationWindow(Resource):
    opens_at: Instant | None = Field(description="None: open from publication")
    closes_at: Instant | None = Field(description="None: open until the workshop starts")


class Workshop(Resource):
    id: int
    uid: str = Uid
    sequence: int
    tour: TourRef
    title: str
    description: str
    challenge: ChallengeRef
    host_territory: TerritoryRef
    territories: list[TerritoryRef]
    stop_id: int | None
    status: Literal["open", "cancelled"]
    starts_at: Instant
    ends_at: Instant
    zone: str = ZoneName
    online: bool = Field(description="Held online (the link goes to confirmed participants only)")
    venue_name: str
    address: str
    capacity: int
    seats_left: int
    registration: RegistrationWindow
    facilitators: list[SpeakerRef]
    url: str = Field(description="Public page, with the registration form")
    updated_at: Instant


class Change(Resource):
    """One change of one item between a release and the one before (French wording)."""

    kind: Literal["new", "cancelled", "moved", "speakers", "title"]
    item_type: Literal["stop", "round_table", "workshop"]
    item_uid: str = Uid
    title: str
    before: str | None
    after: str | None


class Release(Resource):
    id: int
    name: str
    label: str = Field(description="As printed on the programme, e.g. « Programme v3 du … »")
    note: str
    tour: TourRef
    published_at: Instant
    programme_pdf: str | None = Field(description="The programme as printed for this release")
    changes: list[Change] = Field(description="Since the release before (all new for the first)")


class PageLinks(Resource):
    self: str
    first: str
    last: str
    next: str | None
    prev: str | None


class Error(Resource):
    error: str = Field(description="Machine-readable code, e.g. not_found, invalid_parameter")
    reason: str = Field(description="What went wrong, in the request's language (French first)")


def page_of(item: type[Resource]) -> type[Resource]:
    """The list resource of one kind of item: the page's items, the total, the links."""
    return create_model(
        f"{item.__name__}List",
        __base__=Resource,
        items=(list[item], ...),  # type: ignore[valid-type]
        total=(int, Field(description="Items matching the filters, on every page")),
        page=(int, ...),
        per_page=(int, ...),
        links=(PageLinks, ...),
    )


TourList = page_of(Tour)
TerritoryList = page_of(Territory)
ChallengeList = page_of(Challenge)
StopList = page_of(Stop)
RoundTableList = page_of(RoundTable)
SpeakerList = page_of(Speaker)
WorkshopList = page_of(Workshop)
ReleaseList = page_of(Release)
