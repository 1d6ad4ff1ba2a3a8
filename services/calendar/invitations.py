"""Calendar invitations sent with registration mails (iTIP REQUEST and CANCEL)."""

from models import Registration, RoundTable, TourStop, Workshop
from services.calendar import ical
from services.calendar.feed_items import online_link_for, workshop_location


def workshop_invitation(
    registration: Registration, method: str, sequence: int, url: str, description: str
) -> str:
    """REQUEST (confirmed seat) or CANCEL (seat given up, workshop cancelled), with the
    participant as ATTENDEE and the organiser address of the configuration."""
    workshop = registration.workshop
    zone = workshop.zone_name
    calendar = ical.new_calendar(method=method)
    event = ical.icalendar.Event()
    event.add("uid", workshop.uid)
    event.add("sequence", sequence)
    event.add("dtstamp", ical.utc(workshop.updated_at))
    ical.add_span(event, workshop.starts_at, workshop.ends_at, zone)
    event.add("summary", ical.one_line(workshop.title))
    event.add("description", ical.clean_text(description))
    place = workshop_location(workshop, online_link_for(registration))
    if place:
        event.add("location", place)
    event.add("url", url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("organizer", ical.organizer())
    attendee = ical.icalendar.vCalAddress(f"mailto:{registration.email}")
    attendee.params.update(
        {
            "cn": ical.one_line(registration.name),
            "role": "REQ-PARTICIPANT",
            "partstat": "DECLINED" if method == "CANCEL" else "ACCEPTED",
            "rsvp": "FALSE",
        }
    )
    event.add("attendee", attendee)
    calendar.add_component(event)
    ical.add_timezones(calendar, {zone})
    return calendar.to_ical().decode()


def engagement_invitation(
    events: list[tuple[RoundTable | TourStop | Workshop, str]],
    name: str,
    email: str,
    description: str,
) -> str:
    """A REQUEST updating the events of one person (a speaker) that moved: each with its
    UID, its current SEQUENCE (grown by the move) and its public place (never a meeting
    link), the person as ATTENDEE. events: (item, url)."""
    calendar = ical.new_calendar(method="REQUEST")
    zones: set[str] = set()
    for item, url in events:
        if isinstance(item, Workshop):
            zone, summary = item.zone_name, item.title
            place = workshop_location(item)
        elif isinstance(item, RoundTable):
            zone, summary = item.stop.territory.timezone, item.title
            place = ical.location(
                item.room, item.stop.venue_name, item.stop.address, item.stop.territory.name
            )
        else:
            zone, summary = item.territory.timezone, f"Étape : {item.territory.name}"
            place = ical.location(item.venue_name, item.address, item.territory.name)
        zones.add(zone)
        event = ical.icalendar.Event()
        event.add("uid", item.uid)
        event.add("sequence", item.sequence)
        event.add("dtstamp", ical.utc(item.updated_at))
        ical.add_span(event, item.starts_at, item.ends_at, zone)
        event.add("summary", ical.one_line(summary))
        event.add("description", ical.clean_text(description))
        if place:
            event.add("location", place)
        event.add("url", url)
        event.add("status", "CONFIRMED")
        event.add("organizer", ical.organizer())
        attendee = ical.icalendar.vCalAddress(f"mailto:{email}")
        attendee.params.update(
            {"cn": ical.one_line(name), "role": "REQ-PARTICIPANT", "rsvp": "FALSE"}
        )
        event.add("attendee", attendee)
        calendar.add_component(event)
    ical.add_timezones(calendar, zones)
    return calendar.to_ical().decode()
