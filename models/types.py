"""Column types shared by the models."""

import secrets
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self, cast
from zoneinfo import ZoneInfo

from flask_babel import LazyString
from sqlalchemy import CursorResult, DateTime, Enum, Result
from sqlalchemy.types import TypeDecorator


def utc_now() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant, always aware and in UTC in Python.

    SQLite has no time zone type, so the value is stored there as naive UTC; PostgreSQL keeps
    `timestamptz`. A naive datetime is refused: the form layer must have attached its zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware instants")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class LabelledEnum(StrEnum):
    """An enum whose members carry the label people read, translated when it is read:

        class StopStatus(LabelledEnum):
            CONFIRMED = "confirmed", _l("Confirmée")

    `StopStatus.CONFIRMED` is still the string "confirmed" (its value, stored in the database
    and compared with plain strings); `.label` is "Confirmée", or "Confirmed" in English.
    """

    _label: LazyString

    def __new__(cls, value: str, label: LazyString | None = None) -> Self:
        # Called only to create the members. Looking a member up by its value,
        # StopStatus("draft"), goes through Enum's own __new__: the default tells type
        # checkers so.
        if label is None:
            raise TypeError(f"{cls.__name__}: the member {value!r} has no label")
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    @property
    def label(self) -> str:
        """The label in the current locale."""
        return str(self._label)


def text_enum(enum: type[StrEnum], length: int) -> Enum:
    """An enum stored as its values in a plain string column (no database enum type, so that
    adding a value needs no ALTER TYPE on PostgreSQL)."""
    return Enum(
        enum, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched (Session.execute types every result as a
    plain Result; for these statements it is a CursorResult, which counts them)."""
    return cast(CursorResult[Any], result).rowcount


def new_calendar_uid() -> str:
    """Random, so that it never changes with the title or the time of the item."""
    return f"{uuid.uuid4()}@tournee-french-impact"


# Secret tokens in links (a registration's management page, a private calendar feed): who
# holds the link holds the right, so a token is long enough never to be guessed.
# 32 random bytes: 256 bits, 43 URL-safe characters.
TOKEN_BYTES = 32
# Longer than any token we hand out: a longer one is refused before any query.
MAX_TOKEN_LENGTH = 64


def new_token() -> str:
    """The one token generator (models give their own rows one, e.g. private feeds)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def could_be_token(text: str | None) -> bool:
    """False for what no token of ours can be (empty, too long): not worth a query."""
    return bool(text) and len(text or "") <= MAX_TOKEN_LENGTH


class InLocalTime:
    """An item held as UTC instants and shown in the wall-clock time of its place: the
    class gives `zone` (a stop's territory, a workshop's host…)."""

    if TYPE_CHECKING:
        starts_at: datetime
        ends_at: datetime

        @property
        def zone(self) -> ZoneInfo: ...

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.astimezone(self.zone)
