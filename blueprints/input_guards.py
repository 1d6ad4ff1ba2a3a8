"""Guards on what every request may carry, so that no view has to remember them: ids in URLs
that no database row can have, and control characters that no person types.

- `<int:…>` in a URL matches only numbers a database INTEGER holds (the 32-bit signed range
  of PostgreSQL's INTEGER, the narrower of our two databases): /stops/2147483648 is a 404,
  not an overflow in the query.
- Other URL segments (slugs, tokens) never match a control character: a 404 too.
- Form values and query strings with a control character are refused with a 400 before any
  view runs (PostgreSQL refuses NUL in text; SQLite would store it). Tab, line feed and
  carriage return stay allowed in forms: they are how multi-line text arrives.

Ids chosen in forms and query strings are read by blueprints.form_helpers.int_or_none, with
the same range.
"""

import re

from flask import Flask, abort, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

# PostgreSQL's INTEGER, the id columns' type; SQLite's integers are wider (64 bits).
DB_INT_MIN, DB_INT_MAX = -(2**31), 2**31 - 1

# C0 controls and DEL; forms keep tab, LF and CR (multi-line text), query strings do not.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
CONTROL_CHARACTERS_IN_FORMS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class DatabaseIntConverter(IntegerConverter):
    """`<int:…>`, bounded by default to what a database INTEGER holds."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)
        if self.max is None or self.max > DB_INT_MAX:
            self.max = DB_INT_MAX
        if signed and (self.min is None or self.min < DB_INT_MIN):
            self.min = DB_INT_MIN


class PrintableSegmentConverter(UnicodeConverter):
    """The default converter (`<slug>`, `<token>`), without control characters."""

    def to_python(self, value: str) -> str:
        if CONTROL_CHARACTERS.search(value):
            raise ValidationError()
        return value


class PrintablePathConverter(PathConverter):
    """`<path:…>` (a release's name), without control characters either."""

    def to_python(self, value: str) -> str:
        if CONTROL_CHARACTERS.search(value):
            raise ValidationError()
        return value


def _has_control_characters(values: MultiDict, pattern: re.Pattern) -> bool:
    return any(
        pattern.search(key) or pattern.search(value) for key, value in values.items(multi=True)
    )


def refuse_control_characters() -> None:
    if _has_control_characters(request.args, CONTROL_CHARACTERS) or _has_control_characters(
        request.form, CONTROL_CHARACTERS_IN_FORMS
    ):
        abort(
            400,
            description=_(
                "La demande contient un caractère de contrôle (par exemple un octet nul) qu’aucun "
                "texte saisi ne contient. Retirez-le et recommencez."
            ),
        )


def register_input_guards(app: Flask) -> None:
    """Before the blueprints: their rules take the converters when they are added."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.url_map.converters["default"] = PrintableSegmentConverter
    app.url_map.converters["string"] = PrintableSegmentConverter
    app.url_map.converters["path"] = PrintablePathConverter
    app.before_request(refuse_control_characters)
