/* What libical (the parser of Evolution and of many CalDAV servers) reads in an iCalendar
 * file: each event's UID, its start and end in UTC and its SUMMARY, LOCATION and
 * DESCRIPTION, the calendar's NAME and X-WR-CALNAME, and every X-LIC-ERROR that parsing
 * and icalrestriction_check() leave.
 * Reads the file on standard input, prints one JSON object; compiled by the tests. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_string(const char *text)
{
    const unsigned char *c;
    putchar('"');
    for (c = (const unsigned char *)(text ? text : ""); *c; c++) {
        if (*c == '"' || *c == '\\')
            printf("\\%c", *c);
        else if (*c < 0x20)
            printf("\\u%04x", *c);
        else
            putchar(*c);
    }
    putchar('"');
}

static void json_instant(struct icaltimetype t)
{
    if (icaltime_is_null_time(t)) {
        printf("null");
        return;
    }
    if (t.is_date) {
        printf("\"%04d-%02d-%02d\"", t.year, t.month, t.day);
        return;
    }
    t = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
    printf("\"%04d-%02d-%02dT%02d:%02d:%02dZ\"", t.year, t.month, t.day, t.hour, t.minute,
           t.second);
}

static int print_errors(icalcomponent *component, int count)
{
    icalproperty *p;
    icalcomponent *child;
    for (p = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
        printf(count++ ? ", " : "");
        json_string(icalproperty_get_xlicerror(p));
    }
    for (child = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT); child;
         child = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT))
        count = print_errors(child, count);
    return count;
}

/* The decoded value of an X- property: TEXT when it says VALUE=TEXT, else libical's own. */
static const char *x_property(icalcomponent *component, const char *name)
{
    icalproperty *p;
    icalvalue *value;
    for (p = icalcomponent_get_first_property(component, ICAL_X_PROPERTY); p;
         p = icalcomponent_get_next_property(component, ICAL_X_PROPERTY)) {
        if (strcmp(icalproperty_get_x_name(p), name) != 0)
            continue;
        value = icalproperty_get_value(p);
        if (value && icalvalue_isa(value) == ICAL_TEXT_VALUE)
            return icalvalue_get_text(value);
        return icalproperty_get_x(p);
    }
    return NULL;
}

int main(void)
{
    size_t size = 0, used = 0, read;
    char *text = NULL;
    icalcomponent *calendar, *event;
    icalproperty *name;
    int count = 0;

    do {
        if (used + 4096 > size)
            text = realloc(text, size = 2 * size + 4096);
        read = fread(text + used, 1, size - used - 1, stdin);
        used += read;
    } while (read > 0);
    text[used] = '\0';

    calendar = icalparser_parse_string(text);
    if (calendar == NULL || icalcomponent_isa(calendar) != ICAL_VCALENDAR_COMPONENT) {
        fprintf(stderr, "libical: no VCALENDAR\n");
        return 1;
    }
    icalrestriction_check(calendar);

    printf("{\"events\": [");
    for (event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); event;
         event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        printf(count++ ? ", {\"uid\": " : "{\"uid\": ");
        json_string(icalcomponent_get_uid(event));
        printf(", \"start\": ");
        json_instant(icalcomponent_get_dtstart(event));
        printf(", \"end\": ");
        json_instant(icalcomponent_get_dtend(event));
        printf(", \"texts\": [");
        json_string(icalcomponent_get_summary(event));
        printf(", ");
        json_string(icalcomponent_get_location(event));
        printf(", ");
        json_string(icalcomponent_get_description(event));
        printf("]}");
    }
    name = icalcomponent_get_first_property(calendar, ICAL_NAME_PROPERTY);
    printf("], \"name\": ");
    if (name)
        json_string(icalproperty_get_name(name));
    else
        printf("null");
    printf(", \"x_wr_calname\": ");
    if (x_property(calendar, "X-WR-CALNAME"))
        json_string(x_property(calendar, "X-WR-CALNAME"));
    else
        printf("null");
    printf(", \"errors\": [");
    print_errors(calendar, 0);
    printf("]}\n");
    icalcomponent_free(calendar);
    free(text);
    return 0;
}
