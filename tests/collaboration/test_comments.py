"""Internal comments: who reads and writes them on each kind of object, mentions of those
who may read, edits kept, delete confirmed, never on anything public."""

import re

import pytest
from sqlalchemy import select

from extensions import db
from models import Comment, CommentMention, User
from tests.collaboration.conftest import ROLES, switch_to
from tests.factories import make_round_table, make_workshop
from tests.helpers import login, post_form, text_of

UNIQUE = "Réserver-la-salle-Zeta-7781"

READ = {"admin": 200, "coordinator": 200, "lead": 200, "member": 200, "observer": 200, "other": 200}
# The thread itself: in the page for these roles only.
SEES_THREAD = {"admin", "coordinator", "lead", "member", "observer"}
WRITE = {
    "admin": 302,
    "coordinator": 302,
    "lead": 302,
    "member": 302,
    "observer": 403,
    "other": 403,
}


def _comment_on(client, kind, target_id, body=UNIQUE):
    return post_form(client, f"/board/comments/{kind}/{target_id}", {"body": body})


def _ids(app, model, **where):
    with app.app_context():
        query = select(model.id)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(db.session.scalars(query))


def _user(app, email) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


@pytest.fixture
def targets(app, world, team):
    return {
        "stop": (team.stop_id, f"/board/stops/{team.stop_id}/programme"),
        "round_table": (
            (table := make_round_table(app, team.stop_id, "Table de Roubaix", "14:30", "15:30")),
            f"/board/round-tables/{table}/edit",
        ),
        "workshop": (
            (w := make_workshop(app, world, host="roubaix", territories=("roubaix",))),
            f"/board/workshops/{w}/edit",
        ),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["stop", "round_table", "workshop"])
def test_each_role_on_each_thread(app, client, team, targets, role, kind):
    target_id, page = targets[kind]
    login(client, getattr(team, role))
    response = _comment_on(client, kind, target_id, f"{UNIQUE} {role}")
    assert response.status_code == WRITE[role]
    if response.status_code == 302:
        assert re.search(r"#commentaire-\d+$", response.location)
    shown = client.get(page)
    if shown.status_code == 200:  # the workshop's edit page is its managers' only
        assert ("Discussion interne" in text_of(shown)) == (role in SEES_THREAD)
    switch_to(client, team.lead)  # who sees the thread in full
    assert (f"{UNIQUE} {role}" in text_of(client.get(page))) == (WRITE[role] == 302)


def test_visitors_go_to_login(client, team):
    for response in (
        post_form(client, f"/board/comments/stop/{team.stop_id}", {"body": "x"}),
        client.get("/board/comments/1"),
        client.get(f"/board/mentions.json?cible=stop&id={team.stop_id}"),
    ):
        assert response.status_code == 302 and "/login" in response.location


def test_mentions_notify_only_who_may_read(app, client, team):
    login(client, team.lead)
    body = (
        "Merci @[Mehdi Membre] et @[Olga Observatrice], voir avec @[Coralie Coordination] ; "
        "pas @[Nadia Nantes] (autre territoire) ni @[Personne Inconnue]."
    )
    assert _comment_on(client, "stop", team.stop_id, body).status_code == 302
    with app.app_context():
        mentioned = set(
            db.session.scalars(
                select(User.email).join(CommentMention, CommentMention.user_id == User.id)
            )
        )
    assert mentioned == {team.member, team.observer, team.coordinator}
    page = text_of(client.get(f"/board/stops/{team.stop_id}/programme"))
    assert "@Mehdi Membre" in page


def test_mention_completion_lists_readers_only(app, client, team):
    login(client, team.member)
    url = f"/board/mentions.json?cible=stop&id={team.stop_id}&q="
    names = {p["name"] for p in client.get(url).get_json()}
    assert {"Rémi Roubaix", "Olga Observatrice", "Coralie Coordination", "Admin"} <= names
    assert "Nadia Nantes" not in names
    assert [p["name"] for p in client.get(url + "olg").get_json()] == ["Olga Observatrice"]
    bad = client.get("/board/mentions.json?cible=planete&id=1")
    assert bad.status_code == 400 and "cible" in bad.get_json()["error"]
    assert client.get("/board/mentions.json?cible=stop&id=999999").status_code == 404
    switch_to(client, team.other)
    refused = client.get(url)
    assert refused.status_code == 403 and refused.get_json()["error"]


def test_edit_keeps_history_and_only_the_author_edits(app, client, team):
    login(client, team.member)
    _comment_on(client, "stop", team.stop_id, "Première version")
    (comment_id,) = _ids(app, Comment)
    assert client.get(f"/board/comments/{comment_id}/edit").status_code == 200
    edited = post_form(client, f"/board/comments/{comment_id}/edit", {"body": "Seconde *version*"})
    assert edited.status_code == 302 and edited.location.endswith(f"#commentaire-{comment_id}")
    page = text_of(client.get(f"/board/stops/{team.stop_id}/programme"))
    assert "modifié" in page and "Première version" in page and "Seconde" in page
    empty = post_form(client, f"/board/comments/{comment_id}/edit", {"body": "   "})
    assert empty.status_code == 400 and "Écrivez votre commentaire" in text_of(empty)
    permalink = client.get(f"/board/comments/{comment_id}")
    assert permalink.location.endswith(
        f"/board/stops/{team.stop_id}/programme#commentaire-{comment_id}"
    )
    switch_to(client, team.lead)
    assert (
        post_form(client, f"/board/comments/{comment_id}/edit", {"body": "Pirate"}).status_code
        == 403
    )
    assert (
        post_form(
            client, f"/board/comments/{comment_id}/delete", {"confirmation": "oui"}
        ).status_code
        == 403
    )
    switch_to(client, team.other)
    assert client.get(f"/board/comments/{comment_id}").status_code == 403


def test_delete_asks_first(app, client, team):
    login(client, team.member)
    _comment_on(client, "stop", team.stop_id, "À supprimer")
    (comment_id,) = _ids(app, Comment)
    asked = post_form(client, f"/board/comments/{comment_id}/delete", {})
    assert asked.status_code == 200 and "Supprimer votre commentaire" in text_of(asked)
    assert _ids(app, Comment) == [comment_id]
    done = post_form(client, f"/board/comments/{comment_id}/delete", {"confirmation": "oui"})
    assert done.status_code == 302 and _ids(app, Comment) == []


def test_bad_input_is_refused_in_french(app, client, team):
    login(client, team.lead)
    empty = _comment_on(client, "stop", team.stop_id, "")
    assert empty.status_code == 400 and "Écrivez votre commentaire" in text_of(empty)
    long = _comment_on(client, "stop", team.stop_id, "x" * 10_001)
    assert long.status_code == 400
    assert _comment_on(client, "planete", team.stop_id).status_code == 404
    assert _comment_on(client, "stop", 2**31).status_code == 404
    script = _comment_on(
        client, "stop", team.stop_id, "<script>alert(1)</script>\n\n**ok** [x](javascript:alert(1))"
    )
    assert script.status_code == 302
    page = client.get(f"/board/stops/{team.stop_id}/programme").get_data(as_text=True)
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert "<strong>ok</strong>" in page
    assert _ids(app, Comment) and len(_ids(app, Comment)) == 1


def test_comments_are_never_public(app, client, world, team, targets):
    login(client, team.lead)
    for kind, (target_id, _page) in targets.items():
        assert _comment_on(client, kind, target_id, f"{UNIQUE} {kind}").status_code == 302
    workshop_id = targets["workshop"][0]
    public = [
        "/",
        f"/tours/{world.tour_slug}/",
        f"/stops/{team.stop_id}",
        "/territories/roubaix",
        f"/workshops/{workshop_id}",
        "/workshops/",
        f"/calendar/tours/{world.tour_slug}.ics",
        "/calendar/territories/roubaix.ics",
        f"/calendar/workshops/{workshop_id}.ics",
        f"/tours/{world.tour_slug}/programme.pdf",
        f"/stops/{team.stop_id}/programme.pdf",
        f"/tours/{world.tour_slug}/schedule.json",
        f"/tours/{world.tour_slug}/schedule.xml",
        f"/workshops/{workshop_id}/sign-in-sheet.pdf",
    ]
    from tests.helpers import pdf_texts, read_pdf
    from tests.jobs.runner import ConsumerBesideTheClient

    reader = ConsumerBesideTheClient(app, client)  # the tour programme is rendered by a job
    for path in public:
        response = reader.get(path)
        assert response.status_code in (200, 404), path
        if response.mimetype == "application/pdf":
            text = " ".join(pdf_texts(read_pdf(response)))
        else:
            text = response.get_data(as_text=True)
        assert UNIQUE not in text, path
