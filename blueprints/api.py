"""The public, read-only JSON API at /api/v1/, its OpenAPI 3.1 document and its
documentation page.

Each route is declared once with `operation(...)`: that registers it with Flask and lists it
in OPERATIONS, from which /api/v1/openapi.json is assembled (services/publishing/openapi.py)
with the resources' own schemas. Every answer under /api/ is JSON, errors included
({"error": code, "reason": text}, always a 4xx for what the client sent).
"""

import json
import math
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints.http import conditional_response
from services.publishing import api
from services.publishing import api_schemas as schemas
from services.publishing.openapi import Operation, Parameter, openapi_document
from services.urls import base_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MAX_AGE = 60
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
JSON_TYPE = "application/json"

OPERATIONS: list[Operation] = []


class Refusal(Exception):
    def __init__(self, status: int, error: str, reason: str):
        super().__init__(reason)
        self.status, self.error, self.reason = status, error, reason


def error_response(status: int, error: str, reason: str) -> Response:
    body = json.dumps({"error": error, "reason": reason}, ensure_ascii=False)
    response = Response(body, status=status, content_type=f"{JSON_TYPE}; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------- parameters

PAGE = Parameter(
    "page",
    "query",
    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    "Page number, from 1. A page past the last one is empty.",
)
PER_PAGE = Parameter(
    "per_page",
    "query",
    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": DEFAULT_PER_PAGE},
    f"Items per page, at most {MAX_PER_PAGE}.",
)
# The characters our slugs are made of (URL-unreserved): anything else names nothing.
SLUG_PATTERN = "^[A-Za-z0-9._~-]+$"
SLUG = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": SLUG_PATTERN}
TOUR = Parameter("tour", "query", SLUG, "Only the items of this tour (its slug).")
TERRITORY = Parameter(
    "territory", "query", SLUG, "Only the items of this territory (its slug).", "nantes-metropole"
)
CHALLENGE = Parameter("challenge", "query", SLUG, "Only the items on this challenge (its slug).")
DAY_FROM = Parameter(
    "from",
    "query",
    {"type": "string", "format": "date"},
    "Only items starting on or after this day (YYYY-MM-DD, in Paris time).",
    "2019-02-25",
)
DAY_TO = Parameter(
    "to",
    "query",
    {"type": "string", "format": "date"},
    "Only items starting on or before this day (YYYY-MM-DD, in Paris time).",
)
UPDATED_SINCE = Parameter(
    "updated_since",
    "query",
    {"type": "string", "format": "date-time"},
    "Only items changed at or after this instant (RFC 3339 with an offset, e.g. "
    "2019-03-01T00:00:00Z; write + as %2B).",
)

FILTERS = {p.name: p for p in (TOUR, TERRITORY, CHALLENGE, DAY_FROM, DAY_TO, UPDATED_SINCE)}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})", re.I)
DIGITS = re.compile(r"\d{1,7}")
SLUG_TEXT = re.compile(SLUG_PATTERN.strip("^$"))


def _single(name: str) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise Refusal(
            400,
            "invalid_parameter",
            _(
                "Le paramètre %(name)s est donné plusieurs fois : donnez-le une seule fois.",
                name=name,
            ),
        )
    return values[0] if values else None


def _integer(name: str, default: int, highest: int) -> int:
    text = _single(name)
    if text is None:
        return default
    if not DIGITS.fullmatch(text) or not 1 <= int(text) <= highest:
        raise Refusal(
            400,
            "invalid_parameter",
            _(
                "Le paramètre %(name)s doit être un nombre entier de 1 à %(highest)s "
                "(reçu : « %(value)s »).",
                name=name,
                highest=highest,
                value=text[:40],
            ),
        )
    return int(text)


def _day(name: str) -> date | None:
    text = _single(name)
    if text is None:
        return None
    try:
        if not DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise Refusal(
            400,
            "invalid_date",
            _(
                "Le paramètre %(name)s doit être une date AAAA-MM-JJ, par exemple 2019-02-25 "
                "(reçu : « %(value)s »).",
                name=name,
                value=text[:40],
            ),
        ) from None


def _instant(name: str) -> datetime | None:
    text = _single(name)
    if text is None:
        return None
    try:
        if not INSTANT.fullmatch(text):
            raise ValueError(text)
        return datetime.fromisoformat(text.upper())
    except ValueError:
        raise Refusal(
            400,
            "invalid_date",
            _(
                "Le paramètre %(name)s doit être un instant ISO 8601 avec son décalage, par "
                "exemple 2019-03-01T00:00:00Z ou 2019-03-01T00:00:00%%2B01:00 "
                "(reçu : « %(value)s »).",
                name=name,
                value=text[:40],
            ),
        ) from None


def _slug(name: str) -> str | None:
    text = _single(name)
    if text is not None and not text.strip():
        raise Refusal(
            400,
            "invalid_parameter",
            _("Le filtre %(name)s est vide : retirez-le ou donnez une valeur.", name=name),
        )
    if text is not None and (len(text) > 100 or not SLUG_TEXT.fullmatch(text)):
        raise Refusal(
            400,
            "invalid_parameter",
            _(
                "Le filtre %(name)s attend un identifiant (slug) fait de lettres sans accent, "
                "de chiffres et de tirets, par exemple nantes-metropole.",
                name=name,
            ),
        )
    return text


def _read_list_arguments(accepted: tuple[str, ...]) -> tuple[api.Filters, int, int]:
    known = {"page", "per_page", *accepted}
    for name in request.args:
        if name not in known:
            raise Refusal(
                400,
                "unknown_parameter",
                _(
                    "Paramètre inconnu : « %(name)s ». Paramètres acceptés ici : %(known)s.",
                    name=name[:40],
                    known=", ".join(sorted(known)),
                ),
            )
    page = _integer("page", 1, MAX_PAGE)
    per_page = _integer("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    filters = api.Filters(
        tour=_slug("tour"),
        territory=_slug("territory"),
        challenge=_slug("challenge"),
        day_from=_day("from"),
        day_to=_day("to"),
        updated_since=_instant("updated_since"),
    )
    if filters.day_from and filters.day_to and filters.day_from > filters.day_to:
        raise Refusal(
            400,
            "invalid_date",
            _("La date de début (from) est après la date de fin (to)."),
        )
    return filters, page, per_page


def _page_url(page: int, per_page: int) -> str:
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}
    assert request.endpoint is not None
    values: dict[str, Any] = {**(request.view_args or {}), **args}
    return base_url() + url_for(request.endpoint, **values, page=page, per_page=per_page)


def _links(page: int, per_page: int, total: int) -> dict[str, str | None]:
    last = max(1, math.ceil(total / per_page))
    return {
        "self": _page_url(page, per_page),
        "first": _page_url(1, per_page),
        "last": _page_url(last, per_page),
        "next": _page_url(page + 1, per_page) if page < last else None,
        "prev": _page_url(min(page - 1, last), per_page) if page > 1 else None,
    }


def _json_bytes(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _respond(render: Callable[[], bytes]) -> Response:
    response = conditional_response(
        api.api_freshness(request.full_path),
        api.rendered_responses,
        render,
        f"{JSON_TYPE}; charset=utf-8",
        max_age=MAX_AGE,
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    return response


# ---------------------------------------------------------------- the registry


def _flask_rule(path: str, parameters: tuple[Parameter, ...]) -> str:
    for parameter in parameters:
        if parameter.where == "path":
            converter = parameter.converter or (
                "int" if parameter.schema.get("type") == "integer" else None
            )
            prefix = f"{converter}:" if converter else ""
            path = path.replace(f"{{{parameter.name}}}", f"<{prefix}{parameter.name}>")
    return path


def list_operation(
    path: str,
    name: str,
    tag: str,
    summary: str,
    description: str,
    response: type[schemas.Resource],
    lister: api.Lister,
    filters: tuple[Parameter, ...],
    path_parameters: tuple[Parameter, ...] = (),
    unknown_item: str | None = None,
    example_path: str | None = None,
) -> None:
    parameters = (*path_parameters, PAGE, PER_PAGE, *filters)
    accepted = tuple(p.name for p in filters)

    def view(**values: Any) -> Response:
        try:
            arguments = _read_list_arguments(accepted)
        except Refusal as refusal:
            return error_response(refusal.status, refusal.error, refusal.reason)
        filters_, page, per_page = arguments

        def render() -> bytes:
            found = lister(filters_, page, per_page, **values)
            body = {
                "items": found.items,
                "total": found.total,
                "page": page,
                "per_page": per_page,
                "links": _links(page, per_page, found.total),
            }
            return _json_bytes(response.model_validate(body).model_dump(mode="json"))

        try:
            return _respond(render)
        except api.UnknownFilterValue as unknown:
            return error_response(400, "unknown_filter_value", unknown.reason)
        except api.UnknownItem:
            return error_response(404, "not_found", str(unknown_item or NOT_FOUND))

    view.__name__ = name
    bp.add_url_rule(_flask_rule(path, path_parameters), name, view, methods=["GET"])
    OPERATIONS.append(
        Operation(
            path=path,
            endpoint=f"api.{name}",
            summary=summary,
            description=description,
            response=response,
            tag=tag,
            parameters=parameters,
            is_list=True,
            example_path=example_path,
        )
    )


def item_operation(
    path: str,
    name: str,
    tag: str,
    summary: str,
    response: type[schemas.Resource],
    finder: Callable[..., dict[str, Any] | None],
    parameter: Parameter | tuple[Parameter, ...],
    example_path: str,
    not_found: str,
) -> None:
    path_parameters = parameter if isinstance(parameter, tuple) else (parameter,)

    def view(**values: Any) -> Response:
        if request.args:
            return error_response(
                400,
                "unknown_parameter",
                _(
                    "Cette adresse ne prend aucun paramètre : retirez « ?%(query)s ».",
                    query=request.query_string.decode(errors="replace")[:60],
                ),
            )

        def render() -> bytes:
            found = finder(**values)
            return _json_bytes(found) if found is not None else b""

        # Found or not, the answer is computed once per ETag; an absent item is a 404.
        result = _respond(render)
        if result.status_code == 200 and not result.get_data():
            return error_response(404, "not_found", str(not_found))
        return result

    view.__name__ = name
    bp.add_url_rule(_flask_rule(path, path_parameters), name, view, methods=["GET"])
    OPERATIONS.append(
        Operation(
            path=path,
            endpoint=f"api.{name}",
            summary=summary,
            description=summary,
            response=response,
            tag=tag,
            parameters=path_parameters,
            example_path=example_path,
        )
    )


def _id(name: str, what: str) -> Parameter:
    return Parameter(
        name, "path", {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, f"The {what}'s id"
    )


def _slug_of(name: str, what: str) -> Parameter:
    return Parameter(name, "path", SLUG, f"The {what}'s slug")


NOT_FOUND = _l("Aucun élément publié n’a cet identifiant.")

list_operation(
    "/tours",
    "tours",
    "tours",
    "Tours",
    "Every tour (édition de la tournée), oldest first. from/to keep the tours that overlap "
    "those days.",
    schemas.TourList,
    api.list_tours,
    (DAY_FROM, DAY_TO, UPDATED_SINCE),
)
item_operation(
    "/tours/{slug}",
    "tour",
    "tours",
    "One tour",
    schemas.Tour,
    api.tour_by_slug,
    _slug_of("slug", "tour"),
    "/tours/tour-des-labellisations-2019",
    NOT_FOUND,
)
list_operation(
    "/stops",
    "stops",
    "stops",
    "Tour stops",
    "Confirmed and cancelled stops (never drafts), in time order, with the speakers of the "
    "stop and its round tables. challenge keeps the stops with a round table on it or whose "
    "territory takes it up.",
    schemas.StopList,
    api.list_stops,
    (TOUR, TERRITORY, CHALLENGE, DAY_FROM, DAY_TO, UPDATED_SINCE),
)
item_operation(
    "/stops/{stop_id}",
    "stop",
    "stops",
    "One stop",
    schemas.Stop,
    api.stop_by_id,
    _id("stop_id", "stop"),
    "/stops/1",
    NOT_FOUND,
)
list_operation(
    "/round-tables",
    "round_tables",
    "round tables",
    "Round tables",
    "Round tables of public stops, in time order, with their participants in order.",
    schemas.RoundTableList,
    api.list_round_tables,
    (TOUR, TERRITORY, CHALLENGE, DAY_FROM, DAY_TO, UPDATED_SINCE),
)
item_operation(
    "/round-tables/{table_id}",
    "round_table",
    "round tables",
    "One round table",
    schemas.RoundTable,
    api.round_table_by_id,
    _id("table_id", "round table"),
    "/round-tables/1",
    NOT_FOUND,
)
list_operation(
    "/workshops",
    "workshops",
    "workshops",
    "Cross-territory workshops",
    "Open and cancelled workshops (never drafts), in time order, with seats left and the "
    "registration window. territory keeps the workshops that territory takes part in.",
    schemas.WorkshopList,
    api.list_workshops,
    (TOUR, TERRITORY, CHALLENGE, DAY_FROM, DAY_TO, UPDATED_SINCE),
)
item_operation(
    "/workshops/{workshop_id}",
    "workshop",
    "workshops",
    "One workshop",
    schemas.Workshop,
    api.workshop_by_id,
    _id("workshop_id", "workshop"),
    "/workshops/1",
    NOT_FOUND,
)
list_operation(
    "/speakers",
    "speakers",
    "speakers",
    "Speakers",
    "Speakers by name (intervenant·es), without their contact details.",
    schemas.SpeakerList,
    api.list_speakers,
    (TERRITORY, UPDATED_SINCE),
)
item_operation(
    "/speakers/{speaker_id}",
    "speaker",
    "speakers",
    "One speaker",
    schemas.Speaker,
    api.speaker_by_id,
    _id("speaker_id", "speaker"),
    "/speakers/1",
    NOT_FOUND,
)
list_operation(
    "/territories",
    "territories",
    "territories",
    "Territories",
    "Labelled territories by name, with their collective's organisations and their challenges. "
    "updated_since reads the territory's own fields.",
    schemas.TerritoryList,
    api.list_territories,
    (CHALLENGE, UPDATED_SINCE),
)
item_operation(
    "/territories/{slug}",
    "territory",
    "territories",
    "One territory",
    schemas.Territory,
    api.territory_by_slug,
    _slug_of("slug", "territory"),
    "/territories/nantes-metropole",
    NOT_FOUND,
)
list_operation(
    "/challenges",
    "challenges",
    "challenges",
    "Challenges",
    "Shared challenges (défis) by name, with the territories that take them up.",
    schemas.ChallengeList,
    api.list_challenges,
    (TERRITORY, UPDATED_SINCE),
)
item_operation(
    "/challenges/{slug}",
    "challenge",
    "challenges",
    "One challenge",
    schemas.Challenge,
    api.challenge_by_slug,
    _slug_of("slug", "challenge"),
    "/challenges/mobilites-durables",
    NOT_FOUND,
)


TOUR_SLUG = _slug_of("slug", "tour")
list_operation(
    "/tours/{slug}/releases",
    "releases",
    "releases",
    "Releases of a tour's programme",
    "The published versions of the tour's programme, newest first, each with the changes "
    "since the one before: new, cancelled, moved (time or place), speakers, title.",
    schemas.ReleaseList,
    api.list_releases,
    (),
    path_parameters=(TOUR_SLUG,),
    unknown_item=_l("Aucune tournée n’a cette adresse : vérifiez le nom de la tournée."),
    example_path="/tours/tour-des-labellisations-2019/releases",
)
item_operation(
    "/tours/{slug}/releases/{name}",
    "release",
    "releases",
    "One release and its changes",
    schemas.Release,
    api.release_by_name,
    (
        TOUR_SLUG,
        Parameter(
            "name",
            "path",
            {"type": "string", "minLength": 1, "maxLength": 40},
            "The release's name (v3, or a date)",
            converter="path",
        ),
    ),
    "/tours/tour-des-labellisations-2019/releases/v1",
    NOT_FOUND,
)


# ---------------------------------------------------------------- the description


def the_document() -> dict[str, Any]:
    return openapi_document(
        OPERATIONS,
        title="Tournée French Impact – API publique",
        description=(
            "Read-only public data of the French Impact Tour: what visitors of the site see, "
            "never drafts, e-mail addresses, comments or online meeting links. Instants are "
            "ISO 8601 with the offset of the place, named by `zone` (IANA). Lists are "
            "paginated (`page`, `per_page` ≤ 100) with `links` and `total`. Every response "
            "has a strong ETag (send If-None-Match for a 304) and "
            "Access-Control-Allow-Origin: *. Errors: JSON {error, reason} with a 4xx."
        ),
    )


@bp.get("/openapi.json")
def openapi_json() -> Response:
    return _respond(lambda: _json_bytes(the_document()))


def _type_label(schema: dict[str, Any]) -> str:
    """A property's type as the documentation shows it: string (date-time), Stop[], … | null."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_type_label(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return _type_label(schema.get("items", {})) + "[]"
    if "enum" in schema:
        return " | ".join(f"« {v} »" for v in schema["enum"])
    if "const" in schema:
        return f"« {schema['const']} »"
    label = str(schema.get("type", ""))
    return f"{label} ({schema['format']})" if "format" in schema else label


def _fields(component: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(component.get("required", []))
    return [
        {
            "name": name,
            "type": _type_label(prop),
            "description": prop.get("description", ""),
            "required": name in required,
        }
        for name, prop in component.get("properties", {}).items()
    ]


def documented_operations(document: dict[str, Any], root: str) -> list[dict[str, Any]]:
    """What the documentation page shows of each path, read from the OpenAPI document."""
    components = document["components"]["schemas"]
    examples = {op.path: op.example_url_path for op in OPERATIONS}
    shown = []
    for path, item in document["paths"].items():
        operation = item["get"]
        schema = operation["responses"]["200"]["content"][JSON_TYPE]["schema"]
        name = _type_label(schema)
        component = components[name]
        item_schema = component["properties"].get("items", {}).get("items")
        item_name = _type_label(item_schema) if item_schema else None
        example = examples.get(path, path)
        shown.append(
            {
                "path": path,
                "anchor": operation["operationId"],
                "summary": operation["summary"],
                "description": operation["description"],
                "parameters": [
                    {
                        "name": p["name"],
                        "in": p["in"],
                        "type": _type_label(p["schema"]),
                        "description": p.get("description", ""),
                        "required": p.get("required", False),
                    }
                    for p in operation["parameters"]
                ],
                "response": name,
                "item": item_name,
                "fields": _fields(components[item_name] if item_name else component),
                "curl": f"curl -i {root}{example}",
            }
        )
    return shown


@bp.get("/")
def documentation() -> str:
    document = the_document()
    root = base_url() + "/api/v1"
    referenced = sorted(
        name for name in document["components"]["schemas"] if not name.endswith("List")
    )
    return render_template(
        "api/documentation.html",
        document=document,
        operations=documented_operations(document, root),
        api_root=root,
        components={name: _fields(document["components"]["schemas"][name]) for name in referenced},
    )


@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response


def api_error_for(status: int, description: str | None) -> Response:
    """What the app's error handlers answer under /api/: JSON, never an HTML page."""
    codes = {
        400: "bad_request",
        404: "not_found",
        405: "method_not_allowed",
        429: "too_many_requests",
        500: "server_error",
    }
    defaults = {
        404: _("Aucune ressource de l’API à cette adresse : voir /api/v1/openapi.json."),
        405: _("L’API est en lecture seule : seule la méthode GET est acceptée."),
        500: _("Une erreur inattendue s’est produite. Réessayez plus tard."),
    }
    reason = description or defaults.get(status) or _("La demande n’a pas pu être comprise.")
    response = error_response(status, codes.get(status, "error"), reason)
    allowed = getattr(request.routing_exception, "valid_methods", None)
    if status == 405 and allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response
