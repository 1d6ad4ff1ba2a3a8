"""Form fields and form helpers shared by the blueprints."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from blueprints.input_guards import DB_INT_MAX, DB_INT_MIN
from blueprints.transaction import discard_changes
from models import Tour, TourStop
from services.errors import ActionRefused, EditConflict, InvalidInput
from services.local_time import day_in_range, day_out_of_range_message, today_in_france
from services.planning.month_grid import default_month, parse_month

T = TypeVar("T")


def email_field(label: str, missing_message: str) -> EmailField:
    return EmailField(
        label,
        # Pasted addresses often carry spaces; browsers strip them, the server does too.
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(missing_message),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )


class KnownIdOrEmpty:
    """On an optional id select: a value that is not even an id (``abc``, or a number beyond
    the database's integers) would otherwise be read as "none chosen" by int_or_none; the
    service reports unknown ids that are numbers itself."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field) -> None:
        raw = field.raw_data[0] if field.raw_data else ""
        if raw not in ("", "None") and field.data is None:
            raise ValidationError(self.message)


def optional_id_field(label: str, unknown_message: str) -> SelectField:
    """A select of rows that may be left empty: its value becomes an id or None, and a value
    that is not an id of ours is refused with the message (known ids are the service's)."""
    return SelectField(
        label,
        coerce=int_or_none,
        validate_choice=False,
        validators=[Optional(), KnownIdOrEmpty(unknown_message)],
    )


class PlausibleDay:
    """A day between 1900 and 2999 (services.local_time's range, the month grid's too):
    further days are typing slips, and the calendar's edges (years 1 and 9999) would
    overflow once converted to UTC."""

    def __call__(self, form, field) -> None:
        if field.data is not None and not day_in_range(field.data):
            raise ValidationError(day_out_of_range_message())


def show_service_errors(
    form,
    errors: dict[str, list[str]],
    aliases: dict[str, str] | None = None,
    also: Sequence[FlaskForm] = (),
) -> None:
    """Put a service's InvalidInput messages on the form's fields (aliases map a service's
    field name to the form's; a field the form lacks is looked for on the `also` forms shown
    beside it); messages for no known field go on top of the form."""
    for field_name, messages in errors.items():
        name = (aliases or {}).get(field_name, field_name)
        owners = [f for f in (form, *also) if name and getattr(f, name, None) is not None]
        if not owners:
            form.form_errors.extend(messages)
        else:
            field = getattr(owners[0], name)
            field.errors = list(field.errors) + messages


def month_asked(stops: list[TourStop], tour: Tour) -> tuple[int, int]:
    """The month asked for in ?mois=AAAA-MM, else the month of the next or first stop."""
    try:
        asked = parse_month(request.args.get("mois"))
    except ValueError:
        abort(
            400, description=_("Mois invalide : utilisez le format AAAA-MM, par exemple 2019-03.")
        )
    return asked or default_month(stops, tour.start_date, today_in_france())


def int_or_none(value) -> int | None:
    """Select values arrive as text; anything that is not an id becomes None, which the
    service reports as an unknown territory or organisation. A number beyond what a database
    INTEGER holds is no id either (the query would overflow)."""
    if value in (None, "", "None"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if DB_INT_MIN <= number <= DB_INT_MAX else None


@dataclass(frozen=True)
class Refusal:
    """A service said no: the status to answer with and what to tell the person."""

    status: int  # 400: invalid input; 409: conflict with the current state
    message: str
    conflict: str | None = None  # an edit that would overwrite someone else's


def attempt(
    call: Callable[[], T],
    form: FlaskForm | None = None,
    *,
    edited: Any = None,
    aliases: dict[str, str] | None = None,
    also: Sequence[FlaskForm] = (),
) -> T | Refusal:
    """Run one service call. When the service refuses, what it flushed is discarded, its
    messages go on the form's fields, and for an edit conflict the form takes the current
    version of `edited` (the person's input stays: saving again is a deliberate choice)."""
    try:
        return call()
    except InvalidInput as exc:
        discard_changes()
        if form is not None:
            show_service_errors(form, exc.errors, aliases, also)
        return Refusal(400, exc.first_message)
    except EditConflict as exc:
        discard_changes()
        if form is not None and edited is not None and hasattr(form, "version"):
            form.version.data = str(edited.version)
        return Refusal(409, exc.message, conflict=exc.message)
    except ActionRefused as exc:
        discard_changes()
        return Refusal(409, exc.message)


def attempt_or_abort(call: Callable[[], T]) -> T:
    """For buttons without a form to show again: a refusal is an error page with its reason."""
    outcome = attempt(call)
    if isinstance(outcome, Refusal):
        abort(outcome.status, description=outcome.message)
    return outcome
