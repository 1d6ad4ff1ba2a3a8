"""Every API response the tests read goes through `api_get`: it checks the body against the
schema that /api/v1/openapi.json gives for that operation and status, with jsonschema."""

from functools import cache
from typing import Any
from urllib.parse import urlsplit

import jsonschema
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException

from blueprints.api import OPERATIONS, the_document


@cache
def document() -> dict[str, Any]:
    return the_document()


def operation_of(app: Flask, path: str) -> dict[str, Any] | None:
    """The OpenAPI operation that answers this path (through Flask's own routing); None for
    an address that is no operation (an unknown one, answered with an Error)."""
    try:
        endpoint, _values = app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    matching = [op for op in OPERATIONS if op.endpoint == endpoint]
    return document()["paths"][matching[0].path]["get"] if matching else None


ERROR = {"$ref": "#/components/schemas/Error"}


def response_schema(operation: dict[str, Any], status: int) -> dict[str, Any] | None:
    responses = operation["responses"]
    declared = responses.get(str(status)) or responses.get(f"{str(status)[0]}XX")
    assert declared is not None, f"status {status} is not documented for {operation['operationId']}"
    content = declared.get("content")
    if content is None:
        return None
    schema = content["application/json"]["schema"]
    # The $refs point into the document's components: give the validator the whole lot.
    return {**schema, "components": document()["components"]}


def validate(app: Flask, url: str, status: int, body: Any) -> None:
    operation = operation_of(app, urlsplit(url).path)
    if operation is None:
        assert status >= 400, url
        schema: dict[str, Any] | None = {**ERROR, "components": document()["components"]}
    else:
        schema = response_schema(operation, status)
    if schema is None:
        return
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def api_get(client: FlaskClient, url: str, status: int = 200, **kwargs) -> Any:
    """GET an API address, check the status, the JSON type, CORS and the schema; the body."""
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    if status == 304:
        assert response.get_data() == b""
        return response
    assert response.mimetype == "application/json", response.mimetype
    body = response.get_json()
    validate(client.application, url, status, body)
    return body


def api_response(client: FlaskClient, url: str, status: int = 200, **kwargs):
    """api_get, but the response itself (for its headers)."""
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    if status != 304:
        validate(client.application, url, status, response.get_json())
    return response
