"""Optimistic locking: an edit made from an old version is refused instead of overwriting.

Every editable model has a `version` column declared as SQLAlchemy's `version_id_col`, so
each UPDATE says `WHERE version = :old`. Two checks use it:

- `ensure_version`, before changing anything: the form was opened at another version;
- `flush_or_conflict`, when saving: a concurrent save committed between our read and our
  write, and the database's `WHERE version = …` matched no row (SQLAlchemy's
  StaleDataError).

Both raise EditConflict with the item's own message; the message is built only when the
edit is refused (it may name who changed the item and when).
"""

from collections.abc import Callable

from sqlalchemy.orm.exc import StaleDataError

from extensions import db
from services.errors import EditConflict


def ensure_version(expected: int | None, actual: int, conflict: Callable[[], str]) -> None:
    """Refuse the edit unless it was made from the current version."""
    if expected != actual:
        raise EditConflict(conflict())


def flush_or_conflict(conflict: Callable[[], str]) -> None:
    """Flush; a concurrent save that won the race turns into EditConflict."""
    try:
        db.session.flush()
    except StaleDataError as exc:
        raise EditConflict(conflict()) from exc
