"""One address cannot fill a workshop with invented e-mails: registrations to one workshop
from one address are limited, whatever the global registration limit."""

from sqlalchemy import func, select

from extensions import db
from models import Registration
from tests.factories import make_workshop, register


def test_one_address_registers_at_most_ten_times_an_hour_to_one_workshop(app, client, world):
    crowded = make_workshop(app, world, capacity=50)
    other = make_workshop(app, world, title="Un autre atelier", capacity=50)
    for n in range(10):
        assert register(client, crowded, f"invente-{n}@example.org").status_code == 302
    refused = register(client, crowded, "invente-10@example.org")
    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.get_data(as_text=True)
    with app.app_context():
        count = select(func.count(Registration.id)).where(Registration.workshop_id == crowded)
        assert db.session.scalar(count) == 10
    # The same address may still register to another workshop.
    assert register(client, other, "invente-10@example.org").status_code == 302
