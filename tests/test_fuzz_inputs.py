"""Every route and every form, fuzzed with Hypothesis: whatever a visitor or an admin sends
(ids beyond the database's integers, negative numbers, NUL and other control characters, very
long text, days at the calendar's edges), the server answers below 500, and a refused request
(4xx) leaves every table as it was.

The routes come from the app's url_map and the form fields from the WTForms classes; the
tables below only say what kind of row an id names and which form a route reads, and fail
loudly when a new route or field is not described. Most values of an example are plausible
(existing ids, days of the tour) so that the request reaches the services; one or two are
hostile. Examples are derandomized: the same on every run and on both databases."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from sqlalchemy import select
from werkzeug.routing import IntegerConverter, PathConverter, Rule
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    Field,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TimeField,
)
from wtforms.csrf.core import CSRFTokenField

from blueprints.admin.forms import NewUserForm, PasswordForm, UserForm
from blueprints.auth.forms import LoginForm
from blueprints.board.forms import StopForm, StopStatusForm
from blueprints.board.task_forms import ChecklistItemForm, TaskForm, TaskStatusForm
from blueprints.board.wish_forms import BlackoutForm, DateOptionForm, VisitDurationForm
from blueprints.form_helpers import int_or_none
from blueprints.round_tables.forms import MoveForm, RoundTableForm, SpeakerRoleForm
from blueprints.speaker_admin.forms import AvailabilityForm, DeleteForm, MergeForm, SpeakerForm
from blueprints.workshop_admin.forms import AttendanceForm, WorkshopForm
from blueprints.workshops.forms import LostLinkForm, RegistrationForm
from extensions import db
from models import (
    Availability,
    AvailabilityKind,
    Blackout,
    Challenge,
    ChecklistItem,
    DateOption,
    Organisation,
    PrivateFeed,
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
    Workshop,
)
from services.demo.seed import seed_demo
from services.registration import registrations
from tests.helpers import csrf_token

ADMIN_EMAIL, PASSWORD = "admin@fuzz.example", "mot-de-passe-du-fuzz"


# Derandomized (a failure reproduces, on both databases); no example database written in the
# work tree; no deadline, since a PDF takes longer than Hypothesis' default.
def fuzzing(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- hostile values ------------------------------------------------------------------------

EDGE_INTS = [
    0,
    -1,
    2**31 - 1,
    2**31,
    -(2**31) - 1,
    2**32,
    2**53 + 1,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    2**64,
    10**40,
]
hostile_ints = st.one_of(
    st.sampled_from(EDGE_INTS).map(str),
    st.integers().map(str),
    st.sampled_from(["", " 1", "1.5", "1e3", "0x10", "٣", "１２", "9" * 5000, "-0", "None"]),
)
EDGE_TEXTS = [
    "\x00",
    "a\x00b",
    "\x01",
    "\x08",
    "\x1b[31m",
    "\x1f",
    "\x7f",
    "\t",
    "ligne\r\nautre ligne",
    "x" * 20_000,
    "é" * 3000,
    " ",
    "None",
    "%00",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "'; DROP TABLE territories; --",
    "\u202eàl’envers",
    "\ud7ff\ufffd🙂",
]
hostile_texts = st.one_of(st.sampled_from(EDGE_TEXTS), st.text(max_size=40))
EDGE_DAYS = [
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "1900-01-01",
    "2999-12-31",
    "3000-01-01",
    "2019-02-30",
    "2019-13-01",
    "20190225",
    "2019-02-25\x00",
]
hostile_days = st.one_of(
    st.sampled_from(EDGE_DAYS), st.dates().map(date.isoformat), hostile_texts, hostile_ints
)
EDGE_TIMES = ["00:00", "23:59", "02:30", "24:00", "25:61", "12", "12:00:00", "-1:00"]
hostile_times = st.one_of(
    st.sampled_from(EDGE_TIMES), st.times().map(lambda t: t.strftime("%H:%M")), hostile_texts
)
hostile_floats = st.one_of(
    st.sampled_from(["nan", "inf", "-inf", "1e308", "1e309", "-91", "181", "0"]),
    st.floats().map(str),
    hostile_texts,
)
hostile_values = st.one_of(hostile_ints, hostile_texts, hostile_days)


def one_or_more(values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(values, min_size=1, max_size=3)


# --- the world the requests meet -----------------------------------------------------------


@dataclass
class Known:
    """What exists, to draw plausible values from: ids by model, slugs and tokens."""

    ids: dict[type, list[int]]
    slugs: list[str]
    tokens: list[str]
    territory_slugs: list[str]  # the first one's territory has a date option and a blackout

    def ids_of(self, model: type) -> st.SearchStrategy[str]:
        return st.sampled_from(self.ids[model] or [1]).map(str)


def build_known_world(app: Flask) -> Known:
    """The demo tour (stops, round tables, speakers, workshops, registrations, accounts), one
    registration made through the service (it has a private feed) and one availability."""
    with app.test_request_context():
        seed_demo(ADMIN_EMAIL, PASSWORD, PASSWORD)
        workshop = db.session.scalars(select(Workshop).order_by(Workshop.id)).first()
        assert workshop is not None
        registrations.register(
            workshop.id,
            registrations.RegistrationFields(
                name="Camille Martin", email="camille@example.org", consent=True
            ),
            datetime.now(UTC),
        )
        speaker = db.session.scalars(select(Speaker).order_by(Speaker.id)).first()
        assert speaker is not None
        now = datetime.now(UTC)
        db.session.add(
            Availability(
                speaker=speaker,
                kind=AvailabilityKind.UNAVAILABLE,
                starts_at=now,
                ends_at=now + timedelta(1),
            )
        )
        tour = db.session.scalars(select(Tour).order_by(Tour.id)).first()
        territory = db.session.scalars(select(Territory).order_by(Territory.id)).first()
        assert tour is not None and territory is not None
        db.session.add_all(
            [
                DateOption(
                    tour=tour,
                    territory=territory,
                    starts_at=datetime.combine(tour.start_date, datetime.min.time(), UTC),
                    ends_at=datetime.combine(tour.start_date, datetime.max.time(), UTC),
                    rank=1,
                ),
                Blackout(
                    tour=tour,
                    territory=territory,
                    first_day=tour.end_date,
                    last_day=tour.end_date,
                ),
            ]
        )
        db.session.commit()
        models = [
            Availability,
            Blackout,
            Challenge,
            ChecklistItem,
            Task,
            DateOption,
            Organisation,
            Registration,
            RoundTable,
            RoundTableParticipant,
            Speaker,
            StopSpeaker,
            Territory,
            TourStop,
            User,
            Workshop,
        ]
        ids = {model: list(db.session.scalars(select(model.id))) for model in models}
        # Editing the admin's own account could lock the fuzzing admin out: other accounts.
        admin_id = db.session.scalar(select(User.id).where(User.email == ADMIN_EMAIL))
        ids[User] = [i for i in ids[User] if i != admin_id]
        slugs = [
            *db.session.scalars(select(Tour.slug)),
            *db.session.scalars(select(Territory.slug)),
            *db.session.scalars(select(Challenge.slug)),
        ]
        tokens = [
            *db.session.scalars(select(Registration.token)),
            *db.session.scalars(select(PrivateFeed.token)),
        ]
        territory_slugs = list(db.session.scalars(select(Territory.slug).order_by(Territory.id)))
        return Known(ids=ids, slugs=slugs, tokens=tokens, territory_slugs=territory_slugs)


def snapshot(app: Flask) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with app.app_context(), db.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }


def send(app: Flask, client: FlaskClient, method: str, url: str, **kwargs):
    """The request, checked: no server error, and nothing written when it is refused."""
    if currently_in_test_context():
        note(f"{method} {url} {kwargs}")
    before = snapshot(app)
    response = client.open(url, method=method, **kwargs)
    response.close()  # a static file's handle, for one
    assert response.status_code < 500, f"{method} {url}: {response.status_code}"
    if response.status_code >= 400:
        assert snapshot(app) == before, f"{method} {url} refused with {response.status_code}"
    return response


def signed_in_client(app: Flask, role: str) -> FlaskClient:
    client = app.test_client()
    if role == "admin":
        response = client.post(
            "/login",
            data={"email": ADMIN_EMAIL, "password": PASSWORD, "csrf_token": csrf_token(client)},
        )
        assert response.status_code == 302
    return client


# --- URL parameters and query strings ------------------------------------------------------

# The row an id of a URL names, by the parameter's name.
URL_IDS = {
    "availability_id": Availability,
    "item_id": ChecklistItem,
    "task_id": Task,
    "blackout_id": Blackout,
    "option_id": DateOption,
    "link_id": StopSpeaker,
    "participant_id": RoundTableParticipant,
    "registration_id": Registration,
    "speaker_id": Speaker,
    "stop_id": TourStop,
    "table_id": RoundTable,
    "user_id": User,
    "workshop_id": Workshop,
}
STATIC_FILES = ["css/site.css", "js/map.js", "../app.py", "css/\x00.css", "nope"]


def is_int(rule: Rule, name: str) -> bool:
    return isinstance(rule._converters[name], IntegerConverter)


def known_texts(known: Known, name: str) -> list[str]:
    """Real values of a text parameter; a calendar-renewal proof is drawn from tokens (a real
    one is signed and mailed; any other string must be refused)."""
    return {
        "slug": known.slugs,
        "territory_slug": known.territory_slugs,
        "token": known.tokens,
        "proof": known.tokens,
    }[name]


def url_value(rule: Rule, name: str, known: Known, plausible: bool) -> st.SearchStrategy[str]:
    if is_int(rule, name):
        return known.ids_of(URL_IDS[name]) if plausible else hostile_ints
    if isinstance(rule._converters[name], PathConverter):
        return st.sampled_from(STATIC_FILES) if plausible else hostile_texts
    real = st.sampled_from(known_texts(known, name))
    return real if plausible else hostile_texts


def url_of(rule: Rule, values: dict[str, str]) -> str:
    """The rule's path with these values, each quoted as one path segment."""
    path = rule.rule
    for name, value in values.items():
        converter = rule._converters[name]
        prefix = "int:" if is_int(rule, name) else ""
        prefix = "path:" if isinstance(converter, PathConverter) else prefix
        path = path.replace(f"<{prefix}{name}>", quote(value, safe="/" if prefix else ""))
    return path


QUERY_VALUES: dict[str, Callable[[Known], st.SearchStrategy[str]]] = {
    "mois": lambda known: st.one_of(
        st.sampled_from(["2019-03", "0001-01", "9999-12", "2019-13", "2019-", "-", "1899-12"]),
        hostile_values,
    ),
    "page": lambda known: st.one_of(st.sampled_from(["1", "2", "1000001"]), hostile_ints),
    "q": lambda known: st.one_of(st.sampled_from(["nantes", "Itier", "%", "_"]), hostile_texts),
    "format": lambda known: st.sampled_from(["html", "pdf", "docx", "\x00", ""]),
    "defi": lambda known: st.one_of(known.ids_of(Challenge), hostile_values),
    "territoire": lambda known: st.one_of(st.sampled_from(known.slugs), hostile_texts),
    "next": lambda known: st.one_of(
        st.sampled_from(["/", "//evil.example/", "https://evil.example/", "/\x00"]), hostile_texts
    ),
}


def query_strings(known: Known) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries(
        {}, optional={name: value(known) for name, value in QUERY_VALUES.items()}
    )


def fuzzed_routes(app: Flask, role: str) -> list[tuple[Rule, str]]:
    routes = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            # The fuzzing admin stays signed in (visitors try /logout).
            if not (role == "admin" and rule.endpoint == "auth.logout"):
                routes.append((rule, method))
    return routes


@pytest.mark.parametrize("role", ["visitor", "admin"])
def test_fuzz_url_parameters_never_fail_the_server(app, role):
    known = build_known_world(app)
    client = signed_in_client(app, role)
    routes = fuzzed_routes(app, role)
    statuses: list[int] = []

    @fuzzing(max_examples=150)
    @given(data=st.data())
    def request_any_route(data):
        rule, method = data.draw(st.sampled_from(routes), label="route")
        hostile = data.draw(st.sets(st.sampled_from(sorted(rule.arguments) or [""])))
        values = {
            name: data.draw(url_value(rule, name, known, name not in hostile), label=name)
            for name in rule.arguments
        }
        query = data.draw(query_strings(known), label="query")
        form = {"csrf_token": csrf_token(client)} if method == "POST" else None
        response = send(app, client, method, url_of(rule, values), query_string=query, data=form)
        statuses.append(response.status_code)

    request_any_route()
    # send() checked each request; this says the examples ran and none failed the server.
    assert statuses and max(statuses) < 500


# The values every URL parameter and query string meets in the sweep below, whatever the
# luck of the draw: past PostgreSQL's INTEGER, past SQLite's, and control characters.
SWEPT_IDS = [str(2**31), str(2**63), "9" * 40]
SWEPT_TEXTS = ["\x00", "a\x00b", "\x1f"]
SWEPT_QUERIES = [
    dict.fromkeys(QUERY_VALUES, "\x00"),
    {"mois": "0001-01", "page": str(2**31), "defi": str(2**31), "format": "html"},
    {"mois": "9999-12", "page": str(2**63), "defi": str(2**63), "territoire": "\x1f"},
]


def first_known(rule: Rule, name: str, known: Known) -> str:
    if is_int(rule, name):
        return str((known.ids[URL_IDS[name]] or [1])[0])
    if isinstance(rule._converters[name], PathConverter):
        return STATIC_FILES[0]
    return known_texts(known, name)[0]


@pytest.mark.parametrize("role", ["visitor", "admin"])
def test_edge_values_in_every_url_never_fail_the_server(app, role):
    """Each parameter of each route in turn, the others real; each GET route with the
    swept query strings."""
    known = build_known_world(app)
    client = signed_in_client(app, role)
    for rule, method in fuzzed_routes(app, role):
        real = {name: first_known(rule, name, known) for name in rule.arguments}
        form = {"csrf_token": csrf_token(client)} if method == "POST" else None
        for name in sorted(rule.arguments):
            for value in SWEPT_IDS if is_int(rule, name) else SWEPT_TEXTS:
                response = send(app, client, method, url_of(rule, {**real, name: value}), data=form)
                assert response.status_code in (302, 400, 404), (rule.rule, name, value)
        if method == "GET" and rule.endpoint != "static":
            for query in SWEPT_QUERIES:
                send(app, client, method, url_of(rule, real), query_string=query)


# --- forms ---------------------------------------------------------------------------------

# The row an id chosen in a form names, by the field's name.
FORM_IDS = {
    "owner_id": User,
    "challenge_id": Challenge,
    "duplicate_id": Speaker,
    "facilitator_ids": Speaker,
    "host_organisation_id": Organisation,
    "host_territory_id": Territory,
    "speaker_id": Speaker,
    "stop_id": TourStop,
    "territories": Territory,
    "territory_id": Territory,
    "territory_ids": Territory,
}
TOUR_DAYS = st.dates(date(2019, 2, 1), date(2019, 12, 31)).map(date.isoformat)
CLOCKS = st.sampled_from(["09:00", "10:00", "12:30", "14:00", "16:00", "17:30"])
WORDS = st.sampled_from(["Solilab", "Table ronde", "Réemploi solidaire", "Nadia", "Itier"])
EMAILS = st.sampled_from(["camille@example.org", "nadia@example.org", ADMIN_EMAIL])


def kind_of(field: Field) -> str:
    """What a field reads, for the tables of values below."""
    if isinstance(field, SelectField | SelectMultipleField) and field.coerce is not str:
        # Every id chosen in a form goes through the one guard of ids.
        assert field.coerce is int_or_none, f"{field.name}: coerce=int_or_none"
        assert field.short_name in FORM_IDS, f"{field.name}: add it to FORM_IDS"
        return "ids" if isinstance(field, SelectMultipleField) else "id"
    kinds = [
        (SelectField, "choice"),
        (BooleanField, "boolean"),
        (DateField, "day"),
        (TimeField, "time"),
        (IntegerField, "integer"),
        (FloatField, "float"),
        (EmailField, "email"),
        (HiddenField, "version"),
        (PasswordField, "password"),
        (StringField, "text"),  # and TextAreaField, a StringField
    ]
    return next(kind for field_class, kind in kinds if isinstance(field, field_class))


def plausible_values(field: Field, known: Known) -> st.SearchStrategy[str]:
    """What a person would send: what the page offers, days of the tour."""
    kind = kind_of(field)
    if field.short_name == "online_url":
        return st.sampled_from(["", ONLINE_URL])
    if field.short_name in OPTIONAL_IDS:
        return st.just("") | known.ids_of(FORM_IDS[field.short_name])
    if kind in ("id", "ids"):
        return known.ids_of(FORM_IDS[field.short_name])
    if kind == "choice":
        return st.sampled_from([choice[0] for choice in field.iter_choices()])
    return {
        "boolean": st.just("y"),
        "day": TOUR_DAYS,
        "time": CLOCKS,
        "integer": st.integers(0, 40).map(str),
        "float": st.floats(-12, 50).map(lambda f: f"{f:.4f}"),
        "email": EMAILS,
        "version": st.sampled_from([CURRENT_VERSION, "1"]),
        "password": st.just(PASSWORD),
        "text": WORDS,
    }[kind]


HOSTILE = {
    "day": hostile_days,
    "time": hostile_times,
    "float": hostile_floats,
    "integer": hostile_ints,
    "id": hostile_values,
    "ids": hostile_values,
    "version": hostile_values,
}


# Values that only some fields take, by name.
OPTIONAL_IDS = {"host_organisation_id", "stop_id"}  # none: a valid choice
ONLINE_URL = "https://visio.example.org/atelier"


def baseline_value(field: Field, known: Known) -> list[str]:
    """One valid value: the first ids of their kind, a day of the tour, a morning; the
    version of the edited row is filled in when the request is sent (CURRENT_VERSION)."""
    kind, name = kind_of(field), field.short_name
    if name in OPTIONAL_IDS:
        return []
    if name == "online_url":
        return [ONLINE_URL]
    if kind in ("id", "ids"):
        ids = [str(i) for i in known.ids[FORM_IDS[name]]]
        if name == "duplicate_id":  # another record than the first, merged into it
            return ids[-1:]
        return ids[:2] if kind == "ids" else ids[:1]
    if kind == "choice":
        return [next(str(c[0]) for c in field.iter_choices() if str(c[0]))]
    ends = field.short_name in ("end_time", "closes_time")
    return [
        {
            "boolean": "y",
            "day": "2019-06-12",
            "time": "16:00" if ends else "10:00",
            "integer": "10",
            "float": "45.5",
            "email": "dominique@example.org",
            "version": CURRENT_VERSION,
            "password": PASSWORD,
            "text": "Solilab",
        }[kind]
    ]


# Stands for the version of the row being edited, read when the request is sent: an edit
# from another version is refused before the rest of the form is looked at.
CURRENT_VERSION = "<current version>"


def with_current_version(app: Flask, rule: Rule, values: dict[str, str], form: dict) -> dict:
    if CURRENT_VERSION not in form.get("version", []):
        return form
    versioned = [name for name in sorted(rule.arguments) if hasattr(URL_IDS.get(name), "version")]
    if not versioned:  # a new row: the form has no version yet
        return {**form, "version": []}
    with app.app_context():
        edited = db.session.get(URL_IDS[versioned[0]], int(values[versioned[0]]))
        version = str(edited.version) if edited is not None else "1"
    return {**form, "version": [version]}


# The values each field meets in the sweep, whatever the luck of the draw.
SWEPT = {
    "day": ["0001-01-01", "9999-12-31"],
    "integer": [str(2**31), str(2**63)],
    "float": ["nan", "1e309"],
    "id": [str(2**31), str(2**63)],
    "ids": [str(2**31), str(2**63)],
    "version": [str(2**31), str(2**63)],
}
SWEPT_TEXT = ["\x00", "x" * 20_000]


@dataclass(frozen=True)
class FormTarget:
    endpoint: str
    role: str
    forms: tuple[tuple[type[FlaskForm], str], ...]  # the forms it reads, with their prefix
    extra: tuple[str, ...] = ()  # fields the view reads from request.form itself


FORM_TARGETS = [
    FormTarget("auth.login", "visitor", ((LoginForm, ""),)),
    FormTarget("public.set_language", "visitor", (), ("lang", "next")),
    FormTarget("workshops.detail", "visitor", ((RegistrationForm, ""),)),
    FormTarget("workshops.lost_link", "visitor", ((LostLinkForm, ""),)),
    FormTarget("admin.new_user", "admin", ((NewUserForm, ""),)),
    FormTarget("admin.edit_user", "admin", ((UserForm, ""), (PasswordForm, "pw"))),
    FormTarget("board.new_stop", "admin", ((StopForm, ""),)),
    FormTarget("board.edit_stop", "admin", ((StopForm, ""),)),
    FormTarget("board.change_stop_status", "admin", ((StopStatusForm, ""),)),
    FormTarget("board.add_date_option", "admin", ((DateOptionForm, ""),)),
    FormTarget("board.add_blackout", "admin", ((BlackoutForm, ""),)),
    FormTarget("board.set_visit_duration", "admin", ((VisitDurationForm, ""),)),
    FormTarget("round_tables.new", "admin", ((RoundTableForm, ""),)),
    FormTarget("round_tables.edit", "admin", ((RoundTableForm, ""),)),
    FormTarget("round_tables.add_stop_speaker", "admin", ((SpeakerRoleForm, "stop"),)),
    FormTarget("round_tables.add_participant", "admin", ((SpeakerRoleForm, "participant"),)),
    FormTarget("round_tables.move_participant", "admin", ((MoveForm, ""),)),
    FormTarget("speaker_admin.new", "admin", ((SpeakerForm, ""),)),
    FormTarget("speaker_admin.edit", "admin", ((SpeakerForm, ""),)),
    FormTarget("speaker_admin.add_availability", "admin", ((AvailabilityForm, ""),)),
    FormTarget("speaker_admin.merge", "admin", ((MergeForm, ""),)),
    FormTarget("speaker_admin.delete", "admin", ((DeleteForm, ""),)),
    FormTarget("workshop_admin.new", "admin", ((WorkshopForm, ""),), ("suggest",)),
    FormTarget("workshop_admin.edit", "admin", ((WorkshopForm, ""),), ("suggest",)),
    FormTarget("workshop_admin.attendance", "admin", ((AttendanceForm, ""),)),
    FormTarget("board.add_checklist_item", "admin", ((ChecklistItemForm, ""),)),
    FormTarget("board.update_checklist_item", "admin", ((ChecklistItemForm, ""),)),
    FormTarget("board.add_task", "admin", ((TaskForm, "new-task"),)),
    FormTarget("board.edit_task", "admin", ((TaskForm, ""),)),
    FormTarget("board.change_task_status", "admin", ((TaskStatusForm, ""),), ("retour",)),
]
# What a browser sends for the fields a view reads itself (no "suggest": it only redraws).
EXTRA_FIELDS = {
    "lang": ["fr", "en"],
    "next": ["/", "/workshops/"],
    "suggest": [],
    "retour": ["mes-taches", ""],
}


@dataclass(frozen=True)
class FieldValues:
    """A field of a form: one valid value, what a person would send, what an attacker
    might, and the values of the sweep."""

    name: str
    baseline: list[str]
    plausible: st.SearchStrategy[list[str]]
    hostile: st.SearchStrategy[list[str]]
    swept: list[str]


def field_values(field: Field, known: Known) -> FieldValues:
    kind = kind_of(field)
    plausible = plausible_values(field, known)
    hostile = HOSTILE.get(kind, hostile_texts)
    return FieldValues(
        field.name,
        baseline_value(field, known),
        st.lists(plausible, min_size=1, max_size=3, unique=True)
        if kind == "ids"
        else plausible.map(lambda value: [value]),
        # Edge values first and as often as the rest: they are what breaks.
        st.one_of(
            st.just([]),
            one_or_more(st.sampled_from(SWEPT.get(kind, SWEPT_TEXT))),
            one_or_more(hostile),
        ),
        SWEPT.get(kind, SWEPT_TEXT),
    )


def form_fields(app: Flask, target: FormTarget, known: Known) -> list[FieldValues]:
    with app.test_request_context(method="POST"):
        fields = [
            field_values(field, known)
            for form_class, prefix in target.forms
            for field in form_class(formdata=None, prefix=prefix)
            if not isinstance(field, CSRFTokenField)
        ]
    return fields + [
        FieldValues(
            name,
            EXTRA_FIELDS[name][:1],
            st.sampled_from(EXTRA_FIELDS[name] or [""]).map(lambda v: [v] if v else []),
            st.one_of(st.just([]), one_or_more(hostile_texts)),
            SWEPT_TEXT,
        )
        for name in target.extra
    ]


def form_data(data: st.DataObject, fields: list[FieldValues]) -> dict[str, list[str] | str]:
    """Plausible values, except for one to three fields that get hostile ones."""
    names = [field.name for field in fields]
    hostile = data.draw(
        st.sets(st.sampled_from(names), min_size=1, max_size=3), label="hostile fields"
    )
    values: dict[str, list[str] | str] = {}
    for field in fields:
        strategy = field.hostile if field.name in hostile else field.plausible
        values[field.name] = data.draw(strategy, label=field.name)
    return values


def target_rule(app: Flask, target: FormTarget) -> Rule:
    return next(r for r in app.url_map.iter_rules() if r.endpoint == target.endpoint)


def test_fuzz_form_targets_cover_every_form_route(app):
    """A new route that reads a form must be added to FORM_TARGETS."""
    posting = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    buttons = {  # POST routes that read no field but the CSRF token
        "auth.logout",
        "workshops.renew_calendar",
        "workshops.request_calendar_link",
        "board.regenerate_calendar",
        "board.remove_blackout",
        "board.delete_checklist_item",
        "board.delete_task",
        "board.remove_date_option",
        "round_tables.delete",
        "round_tables.remove_participant",
        "round_tables.remove_stop_speaker",
        "speaker_admin.regenerate_calendar",
        "speaker_admin.remove_availability",
        "workshop_admin.anonymise",
        "workshop_admin.cancel",
        "workshop_admin.cancel_registration",
        "workshop_admin.open",
        "workshop_admin.promote",
        "workshops.cancel_registration",
        "workshops.register_again",
        "workshops.regenerate_calendar",
    }
    assert posting - buttons == {target.endpoint for target in FORM_TARGETS}


@pytest.mark.parametrize("target", FORM_TARGETS, ids=lambda target: target.endpoint)
def test_edge_values_in_every_form_field_never_fail_the_server(app, target):
    """Each field in turn gets each swept value, the others a valid one."""
    known = build_known_world(app)
    client = signed_in_client(app, target.role)
    rule = target_rule(app, target)
    values = {name: first_known(rule, name, known) for name in rule.arguments}
    fields = form_fields(app, target, known)
    baseline = {field.name: field.baseline for field in fields}
    statuses = []
    for field in fields:
        for value in field.swept:
            form = {**baseline, field.name: [value], "csrf_token": csrf_token(client)}
            form = with_current_version(app, rule, values, form)
            statuses.append(send(app, client, "POST", url_of(rule, values), data=form).status_code)
    assert statuses and max(statuses) < 500  # every field met its edge values


@pytest.mark.parametrize("target", FORM_TARGETS, ids=lambda target: target.endpoint)
def test_fuzz_forms_never_fail_the_server(app, target):
    known = build_known_world(app)
    client = signed_in_client(app, target.role)
    rule = target_rule(app, target)
    fields = form_fields(app, target, known)
    statuses: list[int] = []

    @fuzzing(max_examples=25)
    @given(data=st.data())
    def post_the_form(data):
        values = {
            name: data.draw(url_value(rule, name, known, plausible=True), label=name)
            for name in rule.arguments
        }
        form = form_data(data, fields)
        form["csrf_token"] = csrf_token(client)
        form = with_current_version(app, rule, values, form)
        statuses.append(send(app, client, "POST", url_of(rule, values), data=form).status_code)

    post_the_form()
    assert statuses and max(statuses) < 500
