"""The activity log: every change made through a service writes one entry in the same flush.

One `after_flush` listener on the session looks at each new, changed or deleted instance of
a tracked model (`TRACKED`, to which other modules append with `track`) and adds an
`ActivityEntry` saying who (`acting_as`, or the signed-in account of the request), what,
which fields from which value to which value. Entries are flushed with the rest of the
transaction (the commit flushes until the session is clean), so a rolled-back change leaves
no entry. In after_flush the attributes still hold their history and new rows have ids.

Values are JSON-safe: instants in ISO 8601 (UTC), days in ISO, enums by value, a
many-to-one by the label of the object it points to. Secrets (password hashes, tokens) are
never written: their change is recorded as "***".
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from flask import has_request_context
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import event, func, inspect, or_
from sqlalchemy.orm import RelationshipDirection, Session

from extensions import db
from models import (
    ActivityAction,
    ActivityEntry,
    Availability,
    Blackout,
    ChecklistItem,
    DateOption,
    Registration,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    Task,
    Territory,
    Tour,
    TourStop,
    User,
    VisitDuration,
    Workshop,
)
from services.local_time import time_of_day

MASK = "***"
# Columns that say nothing a reader wants: bookkeeping the platform keeps itself.
ALWAYS_IGNORED = frozenset(
    {
        "id",
        "version",
        "sequence",
        "uid",
        "created_at",
        "updated_at",
        "updated_by_id",
        "search_key",
        "registrations_revision",
        "calendar_sequence",
        "queue_key",
        "position",
    }
)


@dataclass(frozen=True)
class Scope:
    tour_id: int | None = None
    territory_id: int | None = None
    stop_id: int | None = None
    workshop_id: int | None = None


@dataclass(frozen=True)
class Tracking:
    """How one model appears in the log."""

    object_type: str  # stable name stored in entries ("stop", "task"…)
    kind_label: LazyString  # what a filter offers ("Étapes")
    noun: LazyString  # the object in a sentence, with its label: "l’étape %(label)s"
    label: Callable[[Any], str]
    scope: Callable[[Any], Scope] = lambda _obj: Scope()
    ignored: frozenset[str] = frozenset()
    masked: frozenset[str] = frozenset()
    # Many-to-many collections recorded as the labels of their members.
    collections: tuple[str, ...] = ()
    # Whether a change with this actor (None: a visitor or the system) is logged at all.
    logged_for: Callable[[int | None], bool] = lambda _actor: True


TRACKED: dict[type, Tracking] = {}


def track(model: type, tracking: Tracking) -> None:
    """Log the changes of `model` (comments, releases, proposals… register themselves)."""
    TRACKED[model] = tracking


def kinds() -> dict[str, LazyString]:
    return {t.object_type: t.kind_label for t in TRACKED.values()}


# --- who acts ---------------------------------------------------------------------------

_UNSET: Any = object()
_acting: ContextVar[int | None] = ContextVar("acting_as", default=_UNSET)


@contextmanager
def acting_as(user: User | None) -> Iterator[None]:
    """Changes made inside are by `user` (None: the system), whatever the request says. The
    request layer sets it for the signed-in account (register_activity_actor)."""
    token = _acting.set(user.id if user is not None else None)
    try:
        yield
    finally:
        _acting.reset(token)


def current_actor_id() -> int | None:
    actor = _acting.get()
    if actor is not _UNSET:
        return actor
    if has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return int(current_user.id)
    return None


# --- values -----------------------------------------------------------------------------


def label_of(obj: Any) -> str:
    if obj is None:
        return ""
    tracking = TRACKED.get(type(obj))
    if tracking is not None:
        return tracking.label(obj)
    for name in ("name", "display_name", "title"):
        value = getattr(obj, name, None)
        if isinstance(value, str):
            return value
    return str(getattr(obj, "id", ""))


def json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _many_to_one_by_column(mapper) -> dict[str, str]:
    """Foreign key column → the relationship that sets it (stop.territory sets
    territory_id only during the flush: the relationship's history is the one to read)."""
    found = {}
    for rel in mapper.relationships:
        if rel.direction is RelationshipDirection.MANYTOONE and len(rel.local_columns) == 1:
            (column,) = rel.local_columns
            found[mapper.get_property_by_column(column).key] = rel.key
    return found


def _history(state, key: str):
    return state.attrs[key].history


def _whole_value(obj: Any, state, key: str, relation: str | None, masked: bool) -> Any:
    """A field of a created or deleted object, or None when it is empty."""
    value = getattr(obj, relation) if relation else state.dict.get(key)
    shown = label_of(value) if relation else json_safe(value)
    if shown in (None, ""):
        return None
    return MASK if masked else shown


def _changed_pair(state, key: str, relation: str | None, masked: bool) -> list[Any] | None:
    """[before, after] of a field changed since it was loaded, or None."""
    if relation:
        history = _history(state, relation)
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before is after:
                return None
            return [label_of(before) or None, label_of(after) or None]
    history = _history(state, key)
    if not history.has_changes():
        return None
    before = history.deleted[0] if history.deleted else None
    after = history.added[0] if history.added else None
    if before == after:
        return None
    if masked:
        return [MASK if before else None, MASK]
    return [json_safe(before), json_safe(after)]


def _collection_pair(state, key: str, action: ActivityAction) -> list[Any] | None:
    history = _history(state, key)
    if action is ActivityAction.UPDATED and not history.has_changes():
        return None
    kept = [label_of(o) for o in history.unchanged]
    before = (
        []
        if action is ActivityAction.CREATED
        else sorted(kept + [label_of(o) for o in history.deleted])
    )
    after = (
        []
        if action is ActivityAction.DELETED
        else sorted(kept + [label_of(o) for o in history.added])
    )
    return [before, after] if before != after else None


def _changes(obj: Any, tracking: Tracking, action: ActivityAction) -> dict[str, list[Any]]:
    state = inspect(obj)
    by_column = _many_to_one_by_column(state.mapper)
    changes: dict[str, list[Any]] = {}
    skip = ALWAYS_IGNORED | tracking.ignored
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in skip:
            continue
        relation = by_column.get(key)
        masked = key in tracking.masked
        if action is ActivityAction.UPDATED:
            pair = _changed_pair(state, key, relation, masked)
        else:
            value = _whole_value(obj, state, key, relation, masked)
            pair = (
                None
                if value is None
                else ([None, value] if action is ActivityAction.CREATED else [value, None])
            )
        if pair is not None:
            changes[relation or key] = pair
    for key in tracking.collections:
        pair = _collection_pair(state, key, action)
        if pair is not None:
            changes[key] = pair
    return changes


def _entry(obj: Any, tracking: Tracking, action: ActivityAction, actor_id: int | None):
    changes = _changes(obj, tracking, action)
    if action is ActivityAction.UPDATED and not changes:
        return None
    scope = tracking.scope(obj)
    return ActivityEntry(
        at=_now(),
        actor_id=actor_id,
        tour_id=scope.tour_id,
        territory_id=scope.territory_id,
        stop_id=scope.stop_id,
        workshop_id=scope.workshop_id,
        object_type=tracking.object_type,
        object_id=obj.id,
        object_label=tracking.label(obj)[:300],
        action=action,
        changes=changes,
    )


def _now() -> datetime:
    from models.types import utc_now

    return utc_now()


def _gone(session: Session) -> dict[type, set[int]]:
    """The ids deleted in this flush of what entries point to (a tour, a territory, an
    account): an entry written after them must not point to them."""
    gone: dict[type, set[int]] = {Tour: set(), Territory: set(), User: set()}
    for obj in session.deleted:
        if type(obj) in gone:
            gone[type(obj)].add(obj.id)
    return gone


def _without_gone(entry: ActivityEntry, gone: dict[type, set[int]]) -> ActivityEntry:
    if entry.tour_id in gone[Tour]:
        entry.tour_id = None
    if entry.territory_id in gone[Territory]:
        entry.territory_id = None
    if entry.actor_id in gone[User]:
        entry.actor_id = None
    return entry


def _record(session: Session, _flush_context) -> None:
    actor_id: int | None = None
    actor_known = False
    entries = []
    for objects, action in (
        (session.new, ActivityAction.CREATED),
        (session.dirty, ActivityAction.UPDATED),
        (session.deleted, ActivityAction.DELETED),
    ):
        for obj in list(objects):
            tracking = TRACKED.get(type(obj))
            if tracking is None:
                continue
            if not actor_known:
                actor_id, actor_known = current_actor_id(), True
            if not tracking.logged_for(actor_id):
                continue
            if action is ActivityAction.UPDATED and not session.is_modified(obj):
                continue
            with session.no_autoflush:
                entry = _entry(obj, tracking, action, actor_id)
            if entry is not None:
                entries.append(entry)
    if entries:
        gone = _gone(session)
        session.add_all([_without_gone(e, gone) for e in entries])


def register_activity_log() -> None:
    """Once per process: the listener is on the Session class, so on every session."""
    if not event.contains(Session, "after_flush", _record):
        event.listen(Session, "after_flush", _record)


# --- the tracked models -----------------------------------------------------------------


def _stop_label(stop: TourStop) -> str:
    return stop.territory.name if stop.territory else str(stop.id)


def _stop_scope(stop: TourStop | None) -> Scope:
    if stop is None:
        return Scope()
    return Scope(stop.tour_id, stop.territory_id, stop.id)


def _table_scope(table: RoundTable) -> Scope:
    return _stop_scope(table.stop)


def _workshop_scope(workshop: Workshop | None) -> Scope:
    if workshop is None:
        return Scope()
    return Scope(workshop.tour_id, workshop.host_territory_id, workshop.stop_id, workshop.id)


def _participant_label(p: RoundTableParticipant) -> str:
    speaker = p.speaker.name if p.speaker else ""
    return f"{speaker} – {p.round_table.title}" if p.round_table else speaker


def _by_organiser(actor_id: int | None) -> bool:
    """A participant's own registration is theirs, not the team's work: only what an
    organiser does to a registration is logged."""
    return actor_id is not None


def _register_core() -> None:
    track(
        Tour,
        Tracking(
            "tour",
            _l("Tournées"),
            _l("la tournée %(label)s"),
            lambda t: t.title,
            lambda t: Scope(t.id),
        ),
    )
    track(
        TourStop,
        Tracking("stop", _l("Étapes"), _l("l’étape %(label)s"), _stop_label, _stop_scope),
    )
    track(
        RoundTable,
        Tracking(
            "round_table",
            _l("Tables rondes"),
            _l("la table ronde %(label)s"),
            lambda t: t.title,
            _table_scope,
        ),
    )
    track(
        RoundTableParticipant,
        Tracking(
            "participant",
            _l("Intervenant·es des tables rondes"),
            _l("la participation de %(label)s"),
            _participant_label,
            lambda p: _table_scope(p.round_table) if p.round_table else Scope(),
        ),
    )
    track(
        StopSpeaker,
        Tracking(
            "stop_speaker",
            _l("Intervenant·es des étapes"),
            _l("la présence de %(label)s"),
            lambda s: (
                f"{s.speaker.name if s.speaker else ''} – {_stop_label(s.stop) if s.stop else ''}"
            ),
            lambda s: _stop_scope(s.stop),
        ),
    )
    track(
        Speaker,
        Tracking(
            "speaker",
            _l("Intervenant·es"),
            _l("l’intervenant·e %(label)s"),
            lambda s: s.name,
            lambda s: Scope(territory_id=s.territory_id),
        ),
    )
    track(
        Availability,
        Tracking(
            "availability",
            _l("Disponibilités des intervenant·es"),
            _l("une disponibilité de %(label)s"),
            lambda a: a.speaker.name if a.speaker else "",
            lambda a: Scope(territory_id=a.speaker.territory_id if a.speaker else None),
        ),
    )
    track(
        Workshop,
        Tracking(
            "workshop",
            _l("Ateliers"),
            _l("l’atelier %(label)s"),
            lambda w: w.title,
            _workshop_scope,
            collections=("territories", "facilitators"),
            masked=frozenset({"online_url"}),
        ),
    )
    track(
        Registration,
        Tracking(
            "registration",
            _l("Inscriptions"),
            _l("l’inscription de %(label)s"),
            lambda r: r.name,
            lambda r: _workshop_scope(r.workshop),
            ignored=frozenset({"locale", "consented_at"}),
            masked=frozenset({"email", "token"}),
            logged_for=_by_organiser,
        ),
    )
    wish_scope: Callable[[Any], Scope] = lambda w: Scope(w.tour_id, w.territory_id)  # noqa: E731
    territory_name: Callable[[Any], str] = lambda w: w.territory.name if w.territory else ""  # noqa: E731
    track(
        DateOption,
        Tracking(
            "date_option",
            _l("Propositions de date"),
            _l("une proposition de date de %(label)s"),
            territory_name,
            wish_scope,
        ),
    )
    track(
        Blackout,
        Tracking(
            "blackout",
            _l("Indisponibilités des territoires"),
            _l("une indisponibilité de %(label)s"),
            territory_name,
            wish_scope,
        ),
    )
    track(
        VisitDuration,
        Tracking(
            "visit_duration",
            _l("Durées de visite"),
            _l("la durée de visite de %(label)s"),
            territory_name,
            wish_scope,
        ),
    )
    track(
        User,
        Tracking(
            "account",
            _l("Comptes"),
            _l("le compte de %(label)s"),
            lambda u: u.display_name,
            ignored=frozenset({"session_token"}),
            masked=frozenset({"password_hash"}),
            collections=("territories",),
        ),
    )
    track(
        ChecklistItem,
        Tracking(
            "checklist_item",
            _l("Modèle de liste de tâches"),
            _l("l’élément de liste %(label)s"),
            lambda i: i.title,
            lambda i: Scope(i.tour_id),
        ),
    )
    track(
        Task,
        Tracking(
            "task",
            _l("Tâches"),
            _l("la tâche %(label)s"),
            lambda t: t.title,
            lambda t: _stop_scope(t.stop),
        ),
    )


_register_core()


# --- reading the log --------------------------------------------------------------------

FIELD_LABELS: dict[str, LazyString] = {
    "starts_at": _l("début"),
    "ends_at": _l("fin"),
    "territory": _l("territoire"),
    "host_organisation": _l("structure d’accueil"),
    "host_territory": _l("territoire d’accueil"),
    "venue_name": _l("lieu"),
    "address": _l("adresse"),
    "latitude": _l("latitude"),
    "longitude": _l("longitude"),
    "status": _l("statut"),
    "description": _l("description"),
    "title": _l("titre"),
    "room": _l("salle"),
    "challenge": _l("défi"),
    "stop": _l("étape"),
    "round_table": _l("table ronde"),
    "speaker": _l("intervenant·e"),
    "role": _l("rôle"),
    "name": _l("nom"),
    "organisation": _l("structure"),
    "biography": _l("biographie"),
    "email": _l("adresse e-mail"),
    "kind": _l("type"),
    "note": _l("note"),
    "capacity": _l("capacité"),
    "online_url": _l("lien de la réunion en ligne"),
    "registration_opens_at": _l("ouverture des inscriptions"),
    "registration_closes_at": _l("clôture des inscriptions"),
    "territories": _l("territoires"),
    "facilitators": _l("animateur·rices"),
    "workshop": _l("atelier"),
    "cancelled_at": _l("annulée le"),
    "attended": _l("présence"),
    "anonymised_at": _l("anonymisée le"),
    "rank": _l("rang"),
    "comment": _l("commentaire"),
    "first_day": _l("premier jour"),
    "last_day": _l("dernier jour"),
    "reason": _l("motif"),
    "minutes": _l("durée (minutes)"),
    "display_name": _l("nom"),
    "password_hash": _l("mot de passe"),
    "active": _l("actif"),
    "due_offset_days": _l("échéance (jours avant l’étape)"),
    "owner": _l("responsable"),
    "due_date": _l("échéance"),
    "notes": _l("notes"),
    "from_template_offset": _l("échéance suivant l’étape"),
    "tour": _l("tournée"),
    "slug": _l("adresse"),
    "principal": _l("personnalité attendue"),
    "start_date": _l("début"),
    "end_date": _l("fin"),
    "token": _l("lien privé"),
}

VERBS = {
    ActivityAction.CREATED: _l("%(who)s a créé %(what)s"),
    ActivityAction.UPDATED: _l("%(who)s a modifié %(what)s"),
    ActivityAction.DELETED: _l("%(who)s a supprimé %(what)s"),
}


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key.replace("_", " ")))


def _zone_of(entry: ActivityEntry) -> str:
    if entry.territory_id is not None:
        territory = db.session.get(Territory, entry.territory_id)
        if territory is not None:
            return territory.timezone
    return "Europe/Paris"


def _parse_instant(value: Any) -> datetime | None:
    if not isinstance(value, str) or "T" not in value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _parse_day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _enum_label(value: str) -> str:
    from models import (
        AvailabilityKind,
        ParticipantRole,
        RegistrationStatus,
        Role,
        StopStatus,
        TaskStatus,
        WorkshopStatus,
    )

    for enum in (
        StopStatus,
        TaskStatus,
        WorkshopStatus,
        RegistrationStatus,
        ParticipantRole,
        AvailabilityKind,
        Role,
    ):
        try:
            return enum(value).label
        except ValueError:
            continue
    return value


def shown_value(key: str, value: Any, zone: str, other: Any = None) -> str:
    """A recorded value as a reader reads it: "10 h 00", "12 avril 2019", "Confirmée"."""
    if value is None or value == "" or value == []:
        return _("(vide)")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    instant = _parse_instant(value)
    if instant is not None:
        local = instant.astimezone(ZoneInfo(zone))
        other_instant = _parse_instant(other)
        if (
            other_instant is not None
            and other_instant.astimezone(ZoneInfo(zone)).date() == local.date()
        ):
            return time_of_day(local)
        return f"{format_date(local.date(), 'd MMMM y')} {time_of_day(local)}"
    day = _parse_day(value)
    if day is not None:
        return format_date(day, "d MMMM y")
    if key in ("status", "role", "kind") and isinstance(value, str):
        return _enum_label(value)
    return str(value)


@dataclass
class ChangeLine:
    field: str
    label: str
    before: str
    after: str


def change_lines(entry: ActivityEntry) -> list[ChangeLine]:
    zone = _zone_of(entry)
    lines = []
    for key, pair in (entry.changes or {}).items():
        before, after = ([*list(pair), None, None])[:2]
        lines.append(
            ChangeLine(
                key,
                field_label(key),
                shown_value(key, before, zone, after),
                shown_value(key, after, zone, before),
            )
        )
    return lines


def actor_name(entry: ActivityEntry) -> str:
    return entry.actor.display_name if entry.actor else _("La plateforme")


def headline(entry: ActivityEntry) -> str:
    """e.g. "Camille Martin a modifié l’étape Clermont-Ferrand"."""
    tracking = next((t for t in TRACKED.values() if t.object_type == entry.object_type), None)
    what = (
        str(tracking.noun) % {"label": entry.object_label}
        if tracking
        else f"{entry.object_type} {entry.object_label}"
    )
    return str(VERBS[entry.action]) % {"who": actor_name(entry), "what": what}


def sentence(entry: ActivityEntry) -> str:
    """e.g. "Camille Martin a modifié l’étape Clermont-Ferrand : début 10 h 00 → 14 h 00"."""
    text = headline(entry)
    if entry.action is not ActivityAction.UPDATED:
        return text
    details = "; ".join(
        f"{line.label} {line.before} → {line.after}" for line in change_lines(entry)
    )
    return _("%(headline)s : %(details)s", headline=text, details=details) if details else text


# --- queries ----------------------------------------------------------------------------


@dataclass
class ActivityFilter:
    tour_id: int | None = None
    territory_id: int | None = None
    actor_id: int | None = None
    object_type: str | None = None
    stop_id: int | None = None
    workshop_id: int | None = None
    objects: list[tuple[str, int]] = field(default_factory=list)


def _object_type_of(obj: Any) -> str:
    tracking = TRACKED.get(type(obj))
    if tracking is None:
        raise TypeError(f"{type(obj).__name__} is not tracked by the activity log")
    return tracking.object_type


def filter_of(obj: Any) -> ActivityFilter:
    """What belongs to `obj`: a tour's whole feed, a stop's or a workshop's with everything
    in them (round tables, speakers, tasks, registrations), or one object's own."""
    if isinstance(obj, Tour):
        return ActivityFilter(tour_id=obj.id)
    if isinstance(obj, TourStop):
        return ActivityFilter(stop_id=obj.id)
    if isinstance(obj, Workshop):
        return ActivityFilter(workshop_id=obj.id)
    return ActivityFilter(objects=[(_object_type_of(obj), obj.id)])


def _select(wanted: ActivityFilter):
    query = db.select(ActivityEntry)
    if wanted.tour_id is not None:
        query = query.where(ActivityEntry.tour_id == wanted.tour_id)
    if wanted.territory_id is not None:
        query = query.where(ActivityEntry.territory_id == wanted.territory_id)
    if wanted.actor_id is not None:
        query = query.where(ActivityEntry.actor_id == wanted.actor_id)
    if wanted.object_type:
        query = query.where(ActivityEntry.object_type == wanted.object_type)
    if wanted.stop_id is not None:
        # A stop's feed: its own entries and those of what it holds (a workshop at the stop
        # keeps its own feed).
        query = query.where(
            ActivityEntry.stop_id == wanted.stop_id, ActivityEntry.workshop_id.is_(None)
        )
    if wanted.workshop_id is not None:
        query = query.where(ActivityEntry.workshop_id == wanted.workshop_id)
    if wanted.objects:
        query = query.where(
            or_(
                *(
                    (ActivityEntry.object_type == kind) & (ActivityEntry.object_id == ident)
                    for kind, ident in wanted.objects
                )
            )
        )
    return query


def count(wanted: ActivityFilter) -> int:
    subquery = _select(wanted).subquery()
    return db.session.execute(db.select(func.count()).select_from(subquery)).scalar_one()


def entries(wanted: ActivityFilter, limit: int | None = 20, offset: int = 0) -> list[ActivityEntry]:
    """Newest first, with their actors."""
    from sqlalchemy.orm import selectinload

    query = (
        _select(wanted)
        .options(selectinload(ActivityEntry.actor))
        .order_by(ActivityEntry.at.desc(), ActivityEntry.id.desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.execute(query).scalars())


def activity_of(obj: Any, limit: int | None = 20, offset: int = 0) -> list[ActivityEntry]:
    """The latest entries of a tour, a stop, a workshop or any tracked object."""
    return entries(filter_of(obj), limit, offset)


def last_change_by_other(obj: Any, user: User | None) -> ActivityEntry | None:
    """The latest change of `obj` itself by someone other than `user` (for the message of a
    refused stale edit)."""
    query = _select(ActivityFilter(objects=[(_object_type_of(obj), obj.id)])).where(
        ActivityEntry.action == ActivityAction.UPDATED
    )
    if user is not None:
        query = query.where(
            or_(ActivityEntry.actor_id.is_(None), ActivityEntry.actor_id != user.id)
        )
    return db.session.execute(
        query.order_by(ActivityEntry.at.desc(), ActivityEntry.id.desc()).limit(1)
    ).scalar_one_or_none()


def stale_edit_details(obj: Any, user: User | None) -> str | None:
    """e.g. "Camille Martin a modifié l’étape … : début 10 h 00 → 14 h 00 (3 décembre 2026
    16:02)", or None when the log has nothing."""
    entry = last_change_by_other(obj, user)
    if entry is None:
        return None
    return _(
        "Dernière modification : %(sentence)s (%(when)s).",
        sentence=sentence(entry),
        when=format_datetime(entry.at, "d MMMM y HH:mm"),
    )


def with_what_changed(message: str, obj: Any) -> str:
    """A refused stale edit's message, followed by what the other person changed (from the
    log), for whoever is saving now."""
    actor_id = current_actor_id()
    details = stale_edit_details(obj, db.session.get(User, actor_id) if actor_id else None)
    return f"{message} {details}" if details else message


CSV_COLUMNS = (
    _l("date (UTC)"),
    _l("auteur"),
    _l("action"),
    _l("type"),
    _l("objet"),
    _l("identifiant"),
    _l("champ"),
    _l("avant"),
    _l("après"),
)


def _plain(text: str) -> str:
    """Spreadsheets read no-break spaces as odd characters: plain ones in the file."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def csv_rows(wanted: ActivityFilter) -> Iterator[list[str]]:
    """One row per changed field (one row for a creation or deletion without fields)."""
    kind_names = kinds()
    yield [str(c) for c in CSV_COLUMNS]
    for entry in entries(wanted, limit=None):
        base = [
            entry.at.isoformat(timespec="seconds"),
            actor_name(entry),
            entry.action.label,
            str(kind_names.get(entry.object_type, entry.object_type)),
            entry.object_label,
            str(entry.object_id),
        ]
        lines = change_lines(entry)
        if not lines:
            yield [*base, "", "", ""]
        for line in lines:
            yield [*base, line.label, _plain(line.before), _plain(line.after)]
