"""Calendar invitations sent with registration mails (iTIP REQUEST and CANCEL)."""

from models import Registration
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
