"""The OpenAPI 3.1 description of the public API, assembled from the registry of operations
beside the routes (blueprints/api.py) and the JSON Schemas of the resources' pydantic
models: nothing is written twice."""

from dataclasses import dataclass, field
from typing import Any

from pydantic.json_schema import models_json_schema

from services.publishing import api_schemas as schemas

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Parameter:
    name: str
    where: str  # "query" or "path"
    schema: dict[str, Any]
    description: str
    example: str | None = None
    # The Flask converter of a path parameter ("int", "path"), when not the default.
    converter: str | None = None


@dataclass(frozen=True)
class Operation:
    """One GET of the API: its OpenAPI path, what it answers and which parameters it takes."""

    path: str
    endpoint: str
    summary: str
    description: str
    response: type[schemas.Resource]
    tag: str
    parameters: tuple[Parameter, ...] = field(default=())
    is_list: bool = False
    # An example of a path parameter, for the documentation's curl line.
    example_path: str | None = None

    @property
    def operation_id(self) -> str:
        return self.endpoint.replace(".", "_")

    @property
    def example_url_path(self) -> str:
        return self.example_path or self.path


def component_schemas(models: list[type[schemas.Resource]]) -> dict[str, Any]:
    """The resources' schemas (and those they refer to), JSON Schema 2020-12, by name."""
    _, top = models_json_schema([(m, "serialization") for m in models], ref_template=REF)
    return top.get("$defs", {})


def _ref(model: type[schemas.Resource]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(model: type[schemas.Resource], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


VALIDATOR_HEADERS = {
    "ETag": {
        "description": "Strong validator: send it back in If-None-Match to get a 304",
        "schema": {"type": "string"},
    },
    "Access-Control-Allow-Origin": {"schema": {"type": "string", "const": "*"}},
}


def _operation(operation: Operation) -> dict[str, Any]:
    ok = _json(operation.response, "OK")
    ok["headers"] = VALIDATOR_HEADERS
    responses: dict[str, Any] = {
        "200": ok,
        "304": {"description": "Not modified: the copy named by If-None-Match is current"},
        "400": _json(schemas.Error, "A parameter is invalid, unknown, or names nothing"),
        "404": _json(schemas.Error, "No public item has this identifier"),
        "4XX": _json(schemas.Error, "Any other refusal"),
    }
    parameters = [
        {
            "name": p.name,
            "in": p.where,
            "required": p.where == "path",
            "description": p.description,
            "schema": p.schema,
            **({"example": p.example} if p.example else {}),
        }
        for p in operation.parameters
    ]
    parameters.append(
        {
            "name": "If-None-Match",
            "in": "header",
            "required": False,
            "description": "An ETag received earlier",
            "schema": {"type": "string"},
        }
    )
    return {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "description": operation.description,
        "tags": [operation.tag],
        "parameters": parameters,
        "responses": responses,
    }


def openapi_document(operations: list[Operation], title: str, description: str) -> dict[str, Any]:
    models = sorted({op.response for op in operations} | {schemas.Error}, key=lambda m: m.__name__)
    paths: dict[str, Any] = {}
    for operation in operations:
        paths.setdefault(operation.path, {})["get"] = _operation(operation)
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": title,
            "version": API_VERSION,
            "description": description,
            "license": {"name": "Licence Ouverte 2.0", "identifier": "etalab-2.0"},
        },
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": tag} for tag in sorted({op.tag for op in operations})],
        "paths": paths,
        "components": {"schemas": component_schemas(models)},
    }
