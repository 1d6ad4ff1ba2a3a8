"""The one way a view requires a permission. The rules themselves are the predicates of
services/permissions.py; this module only turns their answer into HTTP: a visitor is sent
to the login page (and comes back after), a signed-in user who may not gets a 403 with the
reason."""

from collections.abc import Callable
from typing import Any

from blinker import Namespace
from flask import abort
from flask.globals import app_ctx
from flask_login import current_user

from extensions import login_manager

# Sent on every check, so that tests can see which rule each route applies.
permission_checked = Namespace().signal("permission-checked")


def require_login() -> None:
    """Visitors go to the login page; used as a blueprint's before_request and before any
    lookup, so that nothing tells a visitor whether the item exists."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())


def require(predicate: Callable[..., bool], *subjects: Any, message: str | None = None) -> None:
    """predicate(current_user, *subjects) must hold; else a login redirect or a 403."""
    require_login()
    allowed = predicate(current_user, *subjects)
    permission_checked.send(app_ctx.app, predicate=predicate, allowed=allowed)
    if not allowed:
        abort(403, description=message)
