// What ical.js (the iCalendar parser of Thunderbird) reads in an iCalendar file: each
// event's UID, its start and end in UTC and its SUMMARY, LOCATION and DESCRIPTION, and the
// calendar's NAME and X-WR-CALNAME.
// Reads the file on standard input, prints one JSON object; run by the tests.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
// The VTIMEZONE blocks of the file give the TZIDs their rules, as a client importing it does.
for (const block of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(block);
}

function instant(time) {
  if (time === null) return null;
  if (time.isDate) return time.toString();
  if (time.zone === ICAL.Timezone.localTimezone && time.timezone === undefined) {
    throw new Error(`floating time ${time.toString()}: its TZID has no VTIMEZONE`);
  }
  return new Date(time.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
}

const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    start: instant(event.startDate),
    end: instant(event.endDate),
    texts: [event.summary, event.location, event.description].map((text) => text ?? ""),
  };
});
console.log(
  JSON.stringify({
    events,
    name: calendar.getFirstPropertyValue("name"),
    x_wr_calname: calendar.getFirstPropertyValue("x-wr-calname"),
    errors: [],
  }),
);
