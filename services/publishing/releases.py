"""Releases of a tour's programme (versions publiées) and the change log between them.

A release freezes what visitors may see at that moment: confirmed and cancelled stops with
their round tables and ordered speakers, public workshops (open or cancelled) with their
facilitators. Never a draft, an e-mail address or an online meeting link. The change log
is computed from two snapshots (changes_between), never typed; publishing a release writes
its PDF and one mail to each person whose engagements changed, in the same transaction.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import (
    RELEASE_NAME_MAX,
    Release,
    ReleaseDocument,
    RoundTable,
    Tour,
    TourStop,
    User,
    Workshop,
)
from services.calendar import ical
from services.errors import ActionRefused, FieldErrors, InvalidInput
from services.local_time import when
from services.planning import tours
from services.registration import workshops as workshop_queries
from services.urls import base_url

log = logging.getLogger(__name__)

NOTE_MAX = 2000
# Part of a snapshot: a change in what snapshots hold must not read as changes.
SNAPSHOT_FORMAT = 1

ItemType = Literal["stop", "round_table", "workshop"]
Kind = Literal["new", "cancelled", "moved", "speakers", "title"]
KINDS: tuple[Kind, ...] = ("new", "cancelled", "moved", "speakers", "title")


@dataclass(frozen=True)
class Change:
    """One change of one item between two releases; before and after in French."""

    kind: Kind
    item_type: ItemType
    item_uid: str
    title: str
    before: str | None
    after: str | None


# --- Snapshots -----------------------------------------------------------------------------


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def _people(listings) -> list[dict[str, Any]]:
    return [{"id": p.speaker.id, "name": p.speaker.name, "role": p.role.value} for p in listings]


def _stop_item(stop: TourStop) -> dict[str, Any]:
    return {
        "type": "stop",
        "uid": stop.uid,
        "id": stop.id,
        "title": stop.territory.name,
        "status": "cancelled" if stop.is_cancelled else "confirmed",
        "starts_at": _instant(stop.starts_at),
        "ends_at": _instant(stop.ends_at),
        "zone": stop.territory.timezone,
        "place": ical.location(stop.venue_name, stop.address, stop.territory.name),
        "speakers": _people(stop.speakers),
    }


def _round_table_item(table: RoundTable, stop: TourStop) -> dict[str, Any]:
    return {
        "type": "round_table",
        "uid": table.uid,
        "id": table.id,
        "stop_uid": stop.uid,
        "title": table.title,
        # A round table of a cancelled stop does not take place either.
        "status": "cancelled" if stop.is_cancelled else "confirmed",
        "starts_at": _instant(table.starts_at),
        "ends_at": _instant(table.ends_at),
        "zone": stop.territory.timezone,
        "place": ical.location(table.room, stop.venue_name, stop.address, stop.territory.name),
        "speakers": _people(table.participants),
    }


def _workshop_item(workshop: Workshop) -> dict[str, Any]:
    return {
        "type": "workshop",
        "uid": workshop.uid,
        "id": workshop.id,
        "title": workshop.title,
        "status": "cancelled" if workshop.is_cancelled else "confirmed",
        "starts_at": _instant(workshop.starts_at),
        "ends_at": _instant(workshop.ends_at),
        "zone": workshop.zone_name,
        # Where it is held, said publicly: never the meeting link itself.
        "place": ical.location(workshop.venue_name, workshop.address)
        or ("En ligne" if workshop.online_url else ""),
        "speakers": [
            {"id": s.id, "name": s.name, "role": "facilitator"} for s in workshop.facilitators
        ],
    }


def snapshot_of(tour: Tour) -> dict[str, Any]:
    """What visitors see of the tour's programme now, as plain JSON values."""
    items: list[dict[str, Any]] = []
    for stop in tours.tour_stops(tour, include_drafts=False):
        items.append(_stop_item(stop))
        for table in sorted(stop.round_tables, key=lambda t: (t.starts_at, t.id)):
            items.append(_round_table_item(table, stop))
    items.extend(_workshop_item(w) for w in workshop_queries.all_workshops(tour) if w.is_public)
    return {"format": SNAPSHOT_FORMAT, "items": items}


# --- Change log ----------------------------------------------------------------------------


def _items(release: Release | None) -> dict[str, dict[str, Any]]:
    if release is None:
        return {}
    return {item["uid"]: item for item in release.snapshot.get("items", [])}


def _when_where(item: dict[str, Any]) -> str:
    with force_locale("fr"):
        text = when(
            datetime.fromisoformat(item["starts_at"]),
            datetime.fromisoformat(item["ends_at"]),
            item["zone"],
        )
    return f"{text}, {item['place']}" if item["place"] else text


def _speaker_names(item: dict[str, Any]) -> str:
    return ", ".join(p["name"] for p in item["speakers"]) or "aucun·e intervenant·e"


def _order(item: dict[str, Any]) -> tuple:
    return (item["starts_at"], ("stop", "round_table", "workshop").index(item["type"]), item["uid"])


def _item_changes(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[Change]:
    current = new or old
    assert current is not None

    def change(kind: Kind, before: str | None, after: str | None) -> Change:
        return Change(kind, current["type"], current["uid"], current["title"], before, after)

    if new is None:
        # Gone from the public programme (deleted, or back to draft): it no longer takes place.
        if old is None or old["status"] == "cancelled":
            return []
        return [change("cancelled", _when_where(old), None)]
    if new["status"] == "cancelled":
        if old is not None and old["status"] == "cancelled":
            return []
        return [change("cancelled", _when_where(old or new), None)]
    if old is None or old["status"] == "cancelled":
        return [change("new", None, _when_where(new))]
    found = []
    if (old["starts_at"], old["ends_at"], old["place"]) != (
        new["starts_at"],
        new["ends_at"],
        new["place"],
    ):
        found.append(change("moved", _when_where(old), _when_where(new)))
    if [p["id"] for p in old["speakers"]] != [p["id"] for p in new["speakers"]]:
        found.append(change("speakers", _speaker_names(old), _speaker_names(new)))
    if old["title"] != new["title"]:
        found.append(change("title", old["title"], new["title"]))
    return found


def changes_between(older: Release | None, newer: Release) -> list[Change]:
    """What changed from one release to the next (from nothing, for the first one): in
    programme order, each item's changes in the order of KINDS."""
    before, after = _items(older), _items(newer)
    uids = sorted(set(before) | set(after), key=lambda uid: _order(after.get(uid) or before[uid]))
    return [change for uid in uids for change in _item_changes(before.get(uid), after.get(uid))]


# --- Queries -------------------------------------------------------------------------------


def releases_of(tour: Tour) -> list[Release]:
    """Newest first."""
    query = (
        select(Release)
        .where(Release.tour_id == tour.id)
        .order_by(Release.published_at.desc(), Release.id.desc())
    )
    return list(db.session.scalars(query))


def latest_release(tour: Tour) -> Release | None:
    releases = releases_of(tour)
    return releases[0] if releases else None


def release_by_name(tour: Tour, name: str) -> Release | None:
    return db.session.scalar(
        select(Release).where(Release.tour_id == tour.id, Release.name == name)
    )


@dataclass(frozen=True)
class ReleaseLog:
    release: Release
    changes: list[Change]


def change_log(tour: Tour) -> list[ReleaseLog]:
    """Every release of the tour, newest first, with its changes since the one before."""
    releases = releases_of(tour)
    return [
        ReleaseLog(
            release, changes_between(releases[i + 1] if i + 1 < len(releases) else None, release)
        )
        for i, release in enumerate(releases)
    ]


def release_label(release: Release) -> str:
    """e.g. "Programme v3 du 12 mars 2019" (the day in Paris)."""
    with force_locale("fr"):
        day = release.published_at.astimezone(ZoneInfo("Europe/Paris")).date()
        text = format_date(day, "MMMM y")
        return f"Programme {release.name} du {'1er' if day.day == 1 else day.day} {text}"


# --- Publishing ----------------------------------------------------------------------------


def _taken(name: str) -> str:
    return _(
        "Une version « %(name)s » existe déjà pour cette tournée : choisissez un autre nom.",
        name=name,
    )


def _checked_name(tour: Tour, name: str, note: str) -> tuple[str, str]:
    errors = FieldErrors()
    name = " ".join((name or "").split())
    note = (note or "").strip()
    if not name:
        errors.add("name", _("Donnez un nom à la version, par exemple « v3 » ou une date."))
    elif len(name) > RELEASE_NAME_MAX:
        errors.add(
            "name",
            _("Le nom de la version tient en %(max)d caractères au plus.", max=RELEASE_NAME_MAX),
        )
    elif "/" in name:
        errors.add("name", _("Le nom de la version ne peut pas contenir de barre oblique (/)."))
    elif release_by_name(tour, name) is not None:
        errors.add("name", _taken(name))
    if len(note) > NOTE_MAX:
        errors.add("note", _("La note tient en %(max)d caractères au plus.", max=NOTE_MAX))
    errors.raise_if_any()
    return name, note


def publish_release(tour: Tour, name: str, note: str, by: User | None) -> Release:
    """Freeze the public programme as a new release, store its PDF and queue one mail to
    each affected speaker and participant. Refused (nothing written) when nothing changed
    since the previous release."""
    name, note = _checked_name(tour, name, note)
    previous = latest_release(tour)
    release = Release(tour=tour, name=name, note=note, published_by=by, snapshot=snapshot_of(tour))
    changes = changes_between(previous, release)
    if not changes:
        if previous is None:
            raise ActionRefused(
                _("Le programme public est vide : confirmez au moins une étape avant de publier.")
            )
        raise ActionRefused(
            _(
                "Rien n’a changé dans le programme public depuis la version « %(name)s » : "
                "aucune nouvelle version n’a été publiée.",
                name=previous.name,
            )
        )
    try:
        # A savepoint: a release of the same name saved meanwhile (two coordinators at
        # once) is refused like a name already taken, not as a server error.
        with db.session.begin_nested():
            db.session.add(release)
    except IntegrityError:
        raise InvalidInput({"name": [_taken(name)]}) from None
    release.document = ReleaseDocument(pdf=render_release_programme(release))
    from services.publishing.release_mails import queue_release_mails

    # The first release announces the programme: there is no earlier one whose readers a
    # change would surprise.
    if previous is not None:
        queue_release_mails(previous, release, changes)
    db.session.flush()
    log.info("release %r of tour %s published: %d changes", name, tour.id, len(changes))
    return release


def render_release_programme(release: Release) -> bytes:
    """The tour programme PDF labelled with this release (one call: a job may run it)."""
    from services.documents.programmes import render_tour_programme

    if has_request_context():
        return render_tour_programme(release.tour, release)
    # From a command or a job: the templates build addresses as under the public URL.
    with current_app.test_request_context("/", base_url=base_url()):
        return render_tour_programme(release.tour, release)
