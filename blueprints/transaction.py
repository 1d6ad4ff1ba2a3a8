"""The one transaction boundary of the request layer, as Indico's request handler has it.

A view calls services, which flush; the request commits once when the view succeeded and
rolls back on any exception or error response. Views never commit or roll back themselves.
Command-line commands get the same boundary from `in_transaction`.
"""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, Response

from extensions import db

P = ParamSpec("P")
R = TypeVar("R")


def end_transaction(succeeded: bool) -> None:
    if succeeded:
        db.session.commit()
    else:
        db.session.rollback()


def discard_changes() -> None:
    """Forget what a refused service call flushed, so that the page shown next reads the
    database as it is (objects are expired and reload on access)."""
    end_transaction(succeeded=False)


def register_transaction_boundary(app: Flask) -> None:
    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        # A redirect after a save is a success; a 4xx or 5xx page writes nothing.
        end_transaction(succeeded=response.status_code < 400)
        return response


def in_transaction(command: Callable[P, R]) -> Callable[P, R]:
    """For CLI commands: commit once when the command returns, roll back if it raises."""

    @wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = command(*args, **kwargs)
        except BaseException:
            end_transaction(succeeded=False)
            raise
        end_transaction(succeeded=True)
        return result

    return run
