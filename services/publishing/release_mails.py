"""The mails of a release: one to each person whose engagements it changes (a speaker of a
changed stop, round table or workshop; a confirmed or waitlisted participant of a changed
workshop), listing only those changes, with updated invitations for their events that
moved. Written to the outbox in the release's transaction."""

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import icalendar
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from extensions import db
from models import (
    OutboxMail,
    Registration,
    RegistrationStatus,
    Release,
    RoundTable,
    Speaker,
    TourStop,
    Workshop,
)
from services.calendar import ical
from services.calendar.invitations import engagement_invitation, workshop_invitation
from services.publishing.releases import Change
from services.urls import absolute_url

log = logging.getLogger(__name__)

RELEASE_MAIL = "release_changes"
SUBJECT = _l("Programme mis à jour (%(name)s) : ce qui change pour vous")
KIND_LABELS = {
    "new": _l("Nouveau"),
    "cancelled": _l("Annulé"),
    "moved": _l("Horaire ou lieu modifié"),
    "speakers": _l("Intervenant·es modifié·es"),
    "title": _l("Titre modifié"),
}
ITEM_LABELS = {
    "stop": _l("Étape"),
    "round_table": _l("Table ronde"),
    "workshop": _l("Atelier"),
}
MODELS: dict[str, Any] = {"stop": TourStop, "round_table": RoundTable, "workshop": Workshop}


@dataclass(frozen=True)
class _Line:
    kind: str
    item_type: str
    title: str
    before: str | None
    after: str | None


def _line(change: Change) -> _Line:
    return _Line(
        str(KIND_LABELS[change.kind]),
        str(ITEM_LABELS[change.item_type]),
        change.title,
        change.before,
        change.after,
    )


def _items(release: Release | None) -> dict[str, dict[str, Any]]:
    return {i["uid"]: i for i in (release.snapshot.get("items", []) if release else [])}


def _live(item: dict[str, Any]):
    return db.session.get(MODELS[item["type"]], item["id"])


def _item_url(item: dict[str, Any]) -> str:
    if item["type"] == "workshop":
        return absolute_url("workshops.detail", workshop_id=item["id"])
    stop_id = item["id"] if item["type"] == "stop" else None
    if stop_id is None:
        table = db.session.get(RoundTable, item["id"])
        stop_id = table.stop_id if table else None
    if stop_id is None:
        return absolute_url("public.index")
    return absolute_url("public.stop", stop_id=stop_id)


def queue_release_mails(previous: Release | None, release: Release, changes: list[Change]) -> int:
    """One mail per affected person; returns how many were queued."""
    before, after = _items(previous), _items(release)
    by_speaker: dict[int, list[Change]] = defaultdict(list)
    by_workshop: dict[int, list[Change]] = defaultdict(list)
    for change in changes:
        items = [i for i in (before.get(change.item_uid), after.get(change.item_uid)) if i]
        for speaker_id in dict.fromkeys(p["id"] for i in items for p in i["speakers"]):
            by_speaker[speaker_id].append(change)
        if change.item_type == "workshop":
            by_workshop[items[-1]["id"]].append(change)
    queued = 0
    for speaker in _speakers(by_speaker):
        if speaker.email:
            _queue_speaker_mail(release, speaker, by_speaker[speaker.id], after)
            queued += 1
    for registrations in _participants(by_workshop):
        lines = [c for r in registrations for c in by_workshop[r.workshop_id]]
        _queue_participant_mail(release, registrations, lines, after)
        queued += 1
    log.info("release %s: %d mails queued", release.id, queued)
    return queued


def _speakers(by_speaker: dict[int, list[Change]]) -> list[Speaker]:
    if not by_speaker:
        return []
    query = select(Speaker).where(Speaker.id.in_(by_speaker)).order_by(Speaker.id)
    return list(db.session.scalars(query))


def _participants(by_workshop: dict[int, list[Change]]) -> Iterable[list[Registration]]:
    """Confirmed and waitlisted registrations of the changed workshops, by address."""
    if not by_workshop:
        return []
    query = (
        select(Registration)
        .where(
            Registration.workshop_id.in_(by_workshop),
            Registration.status.in_([RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]),
            Registration.anonymised_at.is_(None),
        )
        .order_by(Registration.id)
    )
    people: dict[str, list[Registration]] = defaultdict(list)
    for registration in db.session.scalars(query):
        people[registration.email.lower()].append(registration)
    return people.values()


def _moved(changes: list[Change], after: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    uids = dict.fromkeys(c.item_uid for c in changes if c.kind == "moved")
    return [after[uid] for uid in uids if uid in after]


def _merge(calendars: list[str]) -> str | None:
    """Invitations of several events as one calendar (each VTIMEZONE once)."""
    if not calendars:
        return None
    if len(calendars) == 1:
        return calendars[0]
    merged = ical.new_calendar(method="REQUEST")
    zones: set[str] = set()
    for text in calendars:
        parsed = icalendar.Calendar.from_ical(text)
        for component in parsed.walk("VEVENT"):
            merged.add_component(component)
        zones |= {str(z["tzid"]) for z in parsed.walk("VTIMEZONE")}
    ical.add_timezones(merged, zones)
    return merged.to_ical().decode()


def _render(locale: str, name: str, release: Release, lines: list[Change], invited: bool):
    with force_locale(locale):
        values = {
            "name": name,
            "release": release,
            "locale": locale,
            "lines": [_line(c) for c in lines],
            "invited": invited,
            "changes_url": absolute_url("releases.changes", slug=release.tour.slug),
        }
        subject = str(SUBJECT) % {"name": release.name}
        return (
            subject,
            render_template("mail/release_changes.txt", **values),
            render_template("mail/release_changes.html", **values),
        )


def _queue_speaker_mail(
    release: Release, speaker: Speaker, lines: list[Change], after: dict[str, dict[str, Any]]
) -> None:
    moved = [(m, _live(m)) for m in _moved(lines, after)]
    events = [(live, _item_url(item)) for item, live in moved if live is not None]
    subject, text, html = _render("fr", speaker.name, release, lines, bool(events))
    calendar = engagement_invitation(events, speaker.name, speaker.email, text) if events else None
    _queue(speaker.email, speaker.name, subject, text, html, calendar, None)


def _queue_participant_mail(
    release: Release,
    registrations: list[Registration],
    lines: list[Change],
    after: dict[str, dict[str, Any]],
) -> None:
    latest = registrations[-1]
    moved_ids = {m["id"] for m in _moved(lines, after) if m["type"] == "workshop"}
    seated = [
        r
        for r in registrations
        if r.workshop_id in moved_ids and r.status == RegistrationStatus.CONFIRMED
    ]
    subject, text, html = _render(latest.locale, latest.name, release, lines, bool(seated))
    invitations = []
    for registration in seated:
        sequence = max(registration.workshop.sequence, registration.calendar_sequence)
        registration.calendar_sequence = sequence
        url = absolute_url("workshops.detail", workshop_id=registration.workshop_id)
        invitations.append(workshop_invitation(registration, "REQUEST", sequence, url, text))
    _queue(latest.email, latest.name, subject, text, html, _merge(invitations), latest)


def _queue(
    address: str,
    name: str,
    subject: str,
    text: str,
    html: str,
    calendar: str | None,
    registration: Registration | None,
) -> None:
    db.session.add(
        OutboxMail(
            kind=RELEASE_MAIL,
            registration=registration,
            to_address=address,
            to_name=name,
            subject=subject,
            text_body=text,
            html_body=html,
            calendar=calendar,
            calendar_method="REQUEST" if calendar else None,
            message_id=f"<{uuid.uuid4()}@{current_app.config['MAIL_DOMAIN']}>",
        )
    )
