"""The iCalendar pieces feeds and invitations share: LOCATION and ORGANIZER."""

from services.calendar import ical


def test_location_joins_the_parts_that_are_not_empty_on_one_line():
    assert ical.location("Solilab", "8 rue Saint-Domingue\n44200  Nantes", "Nantes Métropole") == (
        "Solilab, 8 rue Saint-Domingue 44200 Nantes, Nantes Métropole"
    )
    assert ical.location("", None, "https://visio.example/atelier") == (
        "https://visio.example/atelier"
    )
    assert ical.location("", "  \n ", None) == ""


def test_location_leaves_out_control_characters():
    assert ical.location("Salle\x07 1", "Solilab\r\nNantes") == "Salle 1, Solilab Nantes"


def test_organizer_is_the_configured_address_and_name(app):
    saved = {key: app.config[key] for key in ("MAIL_ORGANIZER", "MAIL_ORGANIZER_NAME")}
    app.config.update(MAIL_ORGANIZER="tour@example.org", MAIL_ORGANIZER_NAME="Tournée\n  FI")
    try:
        with app.app_context():
            organizer = ical.organizer()
    finally:
        app.config.update(saved)
    assert str(organizer) == "mailto:tour@example.org"
    assert organizer.params["cn"] == "Tournée FI"
