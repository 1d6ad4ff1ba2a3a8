"""The demo tour from the source articles: complete, faithful, and idempotent."""

from datetime import date

from sqlalchemy import select

from extensions import db
from models import (
    Challenge,
    FeedOwner,
    Organisation,
    PrivateFeed,
    Registration,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    StopStatus,
    Territory,
    TerritoryChallenge,
    Tour,
    TourStop,
    User,
    Workshop,
)
from services.planning import tours


def _dump(app) -> dict:
    """Everything the seed writes, as plain comparable values."""
    with app.app_context():
        return {
            model.__tablename__: sorted(
                tuple(
                    str(getattr(row, column.key))
                    for column in model.__table__.columns
                    if column.key not in ("password_hash", "created_at", "updated_at")
                )
                for row in db.session.scalars(select(model))
            )
            for model in (
                Territory,
                Organisation,
                Challenge,
                TerritoryChallenge,
                Tour,
                TourStop,
                User,
                Speaker,
                RoundTable,
                RoundTableParticipant,
                StopSpeaker,
                Workshop,
                Registration,
            )
        }


def test_seed_demo_twice_leaves_the_same_data(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    after_first = _dump(app)
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    assert _dump(app) == after_first
    # Passwords are printed once, when the accounts are created, never again.
    assert "mot de passe" in first.output
    assert "mot de passe" not in second.output


def test_seed_if_empty_does_nothing_on_a_database_with_a_tour(app, world):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert "rien à charger" in result.output
    with app.app_context():
        assert db.session.scalar(select(Tour.slug)) == "tournee-test"


def test_seed_loads_twenty_territories_three_stops_seventeen_to_schedule(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.test_request_context():
        assert len(db.session.scalars(select(Territory)).all()) == 20
        tour = db.session.scalar(select(Tour))
        stops = tours.tour_stops(tour, include_drafts=False)
        assert [(s.territory.slug, s.local_start.date()) for s in stops] == [
            ("nantes-metropole", date(2019, 2, 25)),
            ("le-mans-sarthe", date(2019, 3, 4)),
            ("clermont-ferrand", date(2019, 4, 12)),
        ]
        assert all(s.status == StopStatus.CONFIRMED for s in stops)
        assert all("valeurs de démonstration" in s.description for s in stops)
        assert [s.venue_name for s in stops[:2]] == ["Solilab", "ESAT du Bois Joli"]
        assert stops[2].host_organisation.name == "CISCA"
        assert len(tours.unscheduled_territories(tour)) == 17


def test_seed_territories_as_the_articles_describe_them(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.app_context():
        mayotte = db.session.scalar(select(Territory).where(Territory.slug == "mayotte"))
        assert mayotte.timezone == "Indian/Mayotte"
        assert mayotte.kind_label == "Département d’outre-mer"
        assert mayotte.holiday_subdivision == "976"
        strasbourg = db.session.scalar(
            select(Territory).where(Territory.slug == "strasbourg-eurometropole")
        )
        assert strasbourg.holiday_subdivision == "6AE"
        nantes = db.session.scalar(select(Territory).where(Territory.slug == "nantes-metropole"))
        assert ("Les Ecossolies", "chef de file") in [
            (o.name, o.role) for o in nantes.organisations
        ]
        # Shared challenges join territories: reuse for Nantes and Bretagne, mobility for
        # Clermont-Ferrand and Le Mans – Sarthe.
        reuse = db.session.scalar(select(Challenge).where(Challenge.slug == "reemploi"))
        assert {t.slug for t in reuse.territories} == {"nantes-metropole", "region-bretagne"}
        mobility = db.session.scalar(
            select(Challenge).where(Challenge.slug == "mobilites-durables")
        )
        assert {t.slug for t in mobility.territories} == {"clermont-ferrand", "le-mans-sarthe"}
        # Territories the articles only name have no invented collective.
        roubaix = db.session.scalar(select(Territory).where(Territory.slug == "roubaix"))
        assert roubaix.organisations == [] and roubaix.challenge_links == []
        assert roubaix.collective_presentation == ""


def test_seed_creates_admin_with_password_from_environment(app, monkeypatch):
    app.config["ADMIN_PASSWORD"] = "un-mot-de-passe-choisi"
    try:
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    finally:
        app.config["ADMIN_PASSWORD"] = ""
    assert "un-mot-de-passe-choisi" in result.output
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == app.config["ADMIN_EMAIL"]))
        assert admin.is_admin
        assert admin.check_password("un-mot-de-passe-choisi")
        assert admin.password_hash.startswith("scrypt:")


def test_demo_home_page_shows_the_tour(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    page = client.get("/").get_data(as_text=True)
    assert "Tour des labellisations Territoires French Impact 2019" in page
    assert "Solilab" in page


def test_seed_builds_the_clermont_round_table_and_the_tour_speaker(app):
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.test_request_context():
        tour = db.session.scalar(select(Tour))
        stops = tours.tour_stops(tour, include_drafts=False)
        assert [[link.speaker.name for link in s.speakers] for s in stops] == [
            ["Christophe Itier"]
        ] * 3
        clermont = stops[2]
        (table,) = clermont.round_tables
        assert [(p.speaker.name, p.role.value) for p in table.participants] == [
            ("Nicolas Duracka", "moderator"),
            ("Mathias Bernard", "panelist"),
            ("Emmanuelle Perrone", "panelist"),
            ("Marion Canales", "panelist"),
            ("Olivier Bianchi", "panelist"),
        ]
        assert "valeurs de démonstration" in table.description
        assert clermont.starts_at <= table.starts_at < table.ends_at <= clermont.ends_at
        # Nobody's e-mail is invented.
        assert all(s.email == "" for s in db.session.scalars(select(Speaker)))


def test_demo_plan_has_no_planning_warning(app):
    from services.planning.warnings import tour_warnings

    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.test_request_context():
        tour = db.session.scalar(select(Tour))
        assert tour_warnings(tours.tour_stops(tour, include_drafts=True), tour.principal) == []


def test_users_commands_create_an_account_and_set_its_password(app):
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["users", "create", "--email", "Lea@Test.example", "--name", "Léa"],
        input="un-mot-de-passe-long\nun-mot-de-passe-long\n",
    )
    assert created.exit_code == 0, created.output
    assert "Compte créé : lea@test.example" in created.output
    short = runner.invoke(
        args=["users", "set-password", "lea@test.example"], input="court\ncourt\n"
    )
    assert short.exit_code != 0
    assert "au moins 10 caractères" in short.output
    changed = runner.invoke(
        args=["users", "set-password", "LEA@test.example"],
        input="nouveau-mot-de-passe\nnouveau-mot-de-passe\n",
    )
    assert changed.exit_code == 0, changed.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "lea@test.example"))
        assert user.check_password("nouveau-mot-de-passe")


def test_seed_adds_example_workshops_one_full_with_a_waiting_list(app, client):
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.test_request_context():
        from services.registration.registrations import confirmed_count, waitlist

        workshops = {w.title: w for w in db.session.scalars(select(Workshop))}
        assert len(workshops) == 3
        assert all("Exemple de démonstration" in w.description for w in workshops.values())
        assert all(len(w.territories) >= 2 for w in workshops.values())
        reuse = workshops["Structurer la filière du réemploi (exemple)"]
        assert {t.slug for t in reuse.territories} == {"nantes-metropole", "region-bretagne"}
        assert confirmed_count(reuse) == reuse.capacity
        assert len(waitlist(reuse)) == 3
    page = client.get("/workshops/").get_data(as_text=True)
    assert "Complet" in page
    # Registration is open for visitors of the demo.
    mobility = next(w for w in workshops if w.startswith("Mobilités"))
    with app.app_context():
        workshop_id = db.session.scalar(select(Workshop.id).where(Workshop.title == mobility))
    assert "Je m’inscris" in client.get(f"/workshops/{workshop_id}").get_data(as_text=True)


def test_demo_registrations_open_their_page_with_a_private_feed(app, client):
    """Written directly, they still get the link a registration through the service gets:
    their page shows it (without one, the page failed)."""
    app.test_cli_runner().invoke(args=["seed-demo"])
    with app.app_context():
        registrations = db.session.scalars(select(Registration)).all()
        assert registrations
        token = registrations[0].token
        feeds = db.session.scalars(
            select(PrivateFeed.email).where(PrivateFeed.owner == FeedOwner.PARTICIPANT)
        ).all()
        assert set(feeds) >= {r.email for r in registrations}
    assert client.get(f"/registrations/{token}").status_code == 200
