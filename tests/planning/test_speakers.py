"""Speakers: the public list and profiles, and what organisers do with the records."""

import re

import pytest
from sqlalchemy import func, select

from extensions import db
from models import (
    Availability,
    ParticipantRole,
    RoundTable,
    RoundTableParticipant,
    Speaker,
    StopSpeaker,
    StopStatus,
)
from tests.factories import (
    make_availability,
    make_roubaix_stop,
    make_round_table,
    make_speaker,
    make_stop_speaker,
)
from tests.helpers import login, post_form, text_of, utc

SECRET_EMAIL = "adresse.privee@exemple.org"


# Helpers ------------------------------------------------------------------------------------


def references_to(app, speaker_id: int) -> int:
    with app.app_context():
        tables = db.session.scalar(
            select(func.count(RoundTableParticipant.id)).where(
                RoundTableParticipant.speaker_id == speaker_id
            )
        )
        stops = db.session.scalar(
            select(func.count(StopSpeaker.id)).where(StopSpeaker.speaker_id == speaker_id)
        )
        windows = db.session.scalar(
            select(func.count(Availability.id)).where(Availability.speaker_id == speaker_id)
        )
        return tables + stops + windows


def speaker_exists(app, speaker_id: int) -> bool:
    with app.app_context():
        return db.session.get(Speaker, speaker_id) is not None


def speaker_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Speaker.id)))


def listed_names(response) -> list[str]:
    """The names in the list's table, in order."""
    return re.findall(
        r'class="fr-card__title fr-h6"><a href="/speakers/\d+">([^<]*)</a>', text_of(response)
    )


def speaker_form(**extra) -> dict:
    return {"name": "Camille Dupont", "title": "", "organisation": "", "biography": "", **extra}


# The Nantes stop is on 25 February 2019, 10:00–12:30 in Paris (09:00–11:30 UTC).
NANTES_TABLE = (utc(2019, 2, 25, 9, 30), utc(2019, 2, 25, 10, 30))  # 10:30–11:30 local


# Public list ------------------------------------------------------------------------------


def test_speaker_list_shows_24_cards_per_page_and_the_rest_on_page_two(app, client, world):
    for n in range(29):
        make_speaker(app, f"Intervenant {n:02d}", organisation="Structure")
    first = client.get("/speakers/")
    assert first.status_code == 200
    assert len(listed_names(first)) == 24
    assert listed_names(first)[0] == "Intervenant 00"
    html = first.get_data(as_text=True)
    assert 'class="fr-card fr-card--sm fr-card--no-arrow fr-enlarge-link' in html
    # The DSFR pagination: page 1 is the current one, page 2 and "next" lead to page two.
    nav = html.split('class="fr-pagination', 1)[1].split("</nav>", 1)[0]
    assert re.search(r'aria-current="page"[^>]*>1</a>', nav)
    assert 'href="/speakers/?page=2" title="Page 2">2</a>' in nav
    assert re.search(r'rel="next" href="/speakers/\?page=2"', nav)
    assert 'aria-disabled="true" role="link">Page précédente</a>' in nav
    second = client.get("/speakers/?page=2")
    assert listed_names(second) == [f"Intervenant {n}" for n in range(24, 29)]
    nav = text_of(second).split('class="fr-pagination', 1)[1].split("</nav>", 1)[0]
    assert re.search(r'aria-current="page"[^>]*>2</a>', nav)
    assert re.search(r'rel="prev" href="/speakers/\?page=1"', nav)
    assert "Page 2 sur 2." in text_of(second)
    assert "<title>Intervenant·es – page 2" in text_of(second)


def test_speaker_list_on_one_page_has_no_pagination(app, client, world):
    make_speaker(app, "Camille Martin")
    assert "fr-pagination" not in text_of(client.get("/speakers/"))


def test_speaker_search_filters_by_name_and_organisation_ignoring_case(app, client, world):
    make_speaker(app, "Camille Martin", organisation="Les Ecossolies")
    make_speaker(app, "Louis Bernard", organisation="France Active")
    make_speaker(app, "Nora Martinez", organisation="CRESS")
    assert listed_names(client.get("/speakers/?q=MARTIN")) == ["Camille Martin", "Nora Martinez"]
    assert listed_names(client.get("/speakers/?q=ecossolies")) == ["Camille Martin"]
    assert listed_names(client.get("/speakers/?q=france+ACTIVE")) == ["Louis Bernard"]


def test_speaker_search_pagination_links_keep_the_query(app, client, world):
    for n in range(26):
        make_speaker(app, f"Bénévole {n:02d}")
    make_speaker(app, "Quelqu’un d’autre")
    page = client.get("/speakers/?q=b%C3%A9n%C3%A9vole")
    assert len(listed_names(page)) == 24
    html = page.get_data(as_text=True)
    assert re.search(r'href="/speakers/\?q=b[^"]*&amp;page=2"', html)
    assert len(listed_names(client.get("/speakers/?q=bénévole&page=2"))) == 2


def test_speaker_search_without_match_says_so_with_the_query_escaped(app, client, world):
    make_speaker(app, "Camille Martin")
    response = client.get("/speakers/?q=<b>zzz</b>")
    assert response.status_code == 200
    assert "<b>zzz</b>" not in response.get_data(as_text=True)
    assert "Aucun·e intervenant·e ne correspond à « <b>zzz</b> »." in text_of(response)


def test_speaker_list_empty_state_when_there_are_none(client, world):
    assert "Aucun·e intervenant·e pour l’instant." in text_of(client.get("/speakers/"))


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "", "99999999999999999999"])
def test_speaker_list_malformed_page_is_400(client, world, page):
    response = client.get(f"/speakers/?page={page}")
    assert response.status_code == 400
    assert "Numéro de page invalide : indiquez un nombre entier à partir de 1" in text_of(response)


def test_speaker_list_page_past_the_end_links_back_to_page_one(app, client, world):
    make_speaker(app, "Camille Martin")
    response = client.get("/speakers/?q=martin&page=7")
    assert response.status_code == 200
    assert listed_names(response) == []
    assert "Cette page est vide" in text_of(response)
    assert 'href="/speakers/?q=martin&amp;page=1"' in response.get_data(as_text=True)


def test_speaker_list_new_button_only_for_organisers(client, world):
    assert "Nouvel·le intervenant·e" not in text_of(client.get("/speakers/"))
    login(client, world.roubaix_organiser)
    assert 'href="/board/speakers/new"' in text_of(client.get("/speakers/"))


# Public profile ---------------------------------------------------------------------------


def test_biography_sanitiser_removes_scripts_and_javascript_links(app, client, world):
    speaker_id = make_speaker(
        app,
        "Camille Martin",
        biography=(
            "Directrice **gras** et *italique*.\n\n"
            "<script>alert(1)</script>\n\n"
            '[x](javascript:alert(1)) et <a href="javascript:alert(2)">y</a> '
            '<img src=x onerror="alert(3)"> [site](https://example.org)'
        ),
    )
    html = client.get(f"/speakers/{speaker_id}").get_data(as_text=True)
    assert "<script>" not in html and "alert(1)</script>" not in html
    assert "alert(1)" not in html.replace("[x](javascript:alert(1))", "")  # the link's text
    assert 'href="javascript:' not in html.lower()
    assert "onerror" not in html
    assert "<strong>gras</strong>" in html
    assert "<em>italique</em>" in html
    assert 'href="https://example.org"' in html


def test_speaker_email_never_appears_on_public_pages(app, client, world):
    speaker_id = make_speaker(
        app, "Camille Martin", organisation="Les Ecossolies", email=SECRET_EMAIL
    )
    make_round_table(
        app,
        world.nantes_stop_id,
        "Entreprendre autrement",
        *NANTES_TABLE,
        [(speaker_id, ParticipantRole.PANELIST)],
    )
    make_stop_speaker(app, world.nantes_stop_id, speaker_id)
    for url in (
        "/speakers/",
        "/speakers/?q=martin",
        f"/speakers/{speaker_id}",
        f"/stops/{world.nantes_stop_id}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET_EMAIL not in text_of(response), url
        assert "adresse.privee" not in text_of(response), url


def test_organiser_sees_the_speaker_email_on_the_profile_only(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin", email=SECRET_EMAIL)
    login(client, world.roubaix_organiser)
    assert SECRET_EMAIL in text_of(client.get(f"/speakers/{speaker_id}"))
    assert SECRET_EMAIL not in text_of(client.get("/speakers/"))


def test_profile_of_unknown_speaker_is_404(client, world):
    assert client.get("/speakers/424242").status_code == 404


def test_profile_shows_title_organisation_and_territory_link(app, client, world):
    speaker_id = make_speaker(
        app,
        "Camille Martin",
        title="Directrice",
        organisation="Les Ecossolies",
        territory_id=world.territory["nantes"],
    )
    page = text_of(client.get(f"/speakers/{speaker_id}"))
    assert "Directrice, Les Ecossolies" in page
    assert 'href="/territories/nantes"' in page
    assert "Modifier la fiche" not in page


def test_profile_engagements_are_in_date_order_and_link_to_their_stops(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin")
    roubaix_id = make_roubaix_stop(app, world)
    # Entered out of order: draft in April, Roubaix in March, Nantes in February.
    make_stop_speaker(app, world.clermont_draft_id, speaker_id)
    make_stop_speaker(app, roubaix_id, speaker_id, ParticipantRole.HOST)
    make_round_table(
        app,
        world.nantes_stop_id,
        "Entreprendre autrement",
        *NANTES_TABLE,
        [(speaker_id, ParticipantRole.MODERATOR)],
    )

    public = text_of(client.get(f"/speakers/{speaker_id}"))
    nantes = public.index("lundi 25 février 2019, 10 h 30 – 11 h 30 (Europe/Paris)")
    roubaix = public.index("mardi 12 mars 2019, 14 h 00 – 16 h 00 (Europe/Paris")
    assert nantes < roubaix
    assert "Modération" in public and "table ronde « Entreprendre autrement »" in public
    assert "Accueil" in public
    # A round table's card leads to the table on its stop's page.
    assert re.search(rf'href="/stops/{world.nantes_stop_id}#table-ronde-\d+"', public)
    assert f'href="/stops/{roubaix_id}"' in public
    # The draft stop is the organisers' business only.
    assert f'href="/stops/{world.clermont_draft_id}"' not in public
    assert "vendredi 12 avril 2019" not in public

    login(client, world.nantes_organiser)
    organiser = text_of(client.get(f"/speakers/{speaker_id}"))
    clermont = organiser.index("vendredi 12 avril 2019")
    assert organiser.index("lundi 25 février 2019") < organiser.index("mardi 12 mars 2019")
    assert organiser.index("mardi 12 mars 2019") < clermont
    assert f'href="/stops/{world.clermont_draft_id}"' in organiser


def test_profile_leaves_out_cancelled_stops(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin")
    cancelled_id = make_roubaix_stop(app, world, StopStatus.CANCELLED)
    make_stop_speaker(app, cancelled_id, speaker_id)
    login(client, world.admin)
    page = text_of(client.get(f"/speakers/{speaker_id}"))
    assert f'href="/stops/{cancelled_id}"' not in page
    assert "Aucune intervention programmée" in page


def test_profile_actions_follow_the_permissions(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin", territory_id=world.territory["nantes"])
    login(client, world.roubaix_organiser)
    page = text_of(client.get(f"/speakers/{speaker_id}"))
    assert f"/board/speakers/{speaker_id}/edit" in page
    assert f"/board/speakers/{speaker_id}/merge" not in page
    assert f"/board/speakers/{speaker_id}/delete" not in page
    client.post("/logout", data={"csrf_token": ""})
    other = app.test_client()
    login(other, world.nantes_organiser)
    page = text_of(other.get(f"/speakers/{speaker_id}"))
    assert f"/board/speakers/{speaker_id}/merge" in page
    assert f"/board/speakers/{speaker_id}/delete" in page


# Creating and editing ---------------------------------------------------------------------


def test_organiser_creates_a_speaker_and_lands_on_the_profile(app, client, world):
    login(client, world.roubaix_organiser)
    response = post_form(
        client,
        "/board/speakers/new",
        speaker_form(
            name="  Camille Dupont ",
            title="Chargée de mission",
            email="Camille@Example.ORG",
            territory_id=world.territory["roubaix"],
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        speaker = db.session.scalar(select(Speaker))
        assert speaker.name == "Camille Dupont"
        assert speaker.email == "camille@example.org"
        assert speaker.territory_id == world.territory["roubaix"]
        assert response.headers["Location"] == f"/speakers/{speaker.id}"
    page = text_of(client.get(response.headers["Location"]))
    assert "Fiche de Camille Dupont créée." in page


def test_new_speaker_form_offers_territories_and_explains_markdown(client, world):
    login(client, world.admin)  # an organiser is offered only their own (test_speaker_territories)
    page = text_of(client.get("/board/speakers/new"))
    assert "Nantes Métropole" in page and "Mayotte" in page
    assert "*italique*, **gras**, [lien](https://…)" in page
    assert "Visible des seuls organisateurs" in page


INVALID = [
    ("missing_name", speaker_form(name="  "), "Indiquez le nom de l’intervenant·e."),
    ("bad_email", speaker_form(email="pas-une-adresse"), "Cette adresse e-mail n’est pas valide."),
    ("name_too_long", speaker_form(name="x" * 201), "200 caractères au plus."),
    ("biography_too_long", speaker_form(biography="x" * 5001), "5000 caractères au plus."),
    ("unknown_territory", speaker_form(territory_id="999999"), "Territoire inconnu"),
    ("territory_not_a_number", speaker_form(territory_id="nantes"), "Territoire inconnu"),
]


@pytest.mark.parametrize("case,form,message", INVALID, ids=[c[0] for c in INVALID])
def test_invalid_speaker_is_refused_with_french_message_and_nothing_written(
    app, client, world, case, form, message
):
    login(client, world.roubaix_organiser)
    response = post_form(client, "/board/speakers/new", form)
    assert response.status_code == 400
    assert message in text_of(response)
    assert speaker_count(app) == 0


def test_edit_form_shows_the_current_values_and_saves(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin", email=SECRET_EMAIL)
    login(client, world.roubaix_organiser)
    page = text_of(client.get(f"/board/speakers/{speaker_id}/edit"))
    assert 'value="Camille Martin"' in page
    assert SECRET_EMAIL in page
    response = post_form(
        client,
        f"/board/speakers/{speaker_id}/edit",
        speaker_form(name="Camille Martin-Durand", email=SECRET_EMAIL, version="1"),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/speakers/{speaker_id}"
    assert "Fiche de Camille Martin-Durand enregistrée." in text_of(
        client.get(response.headers["Location"])
    )


def test_edit_with_stale_version_is_409_and_keeps_the_input(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin")
    login(client, world.roubaix_organiser)
    # Someone else saves first.
    assert (
        post_form(
            client,
            f"/board/speakers/{speaker_id}/edit",
            speaker_form(name="Camille Martin (Ecossolies)", version="1"),
        ).status_code
        == 302
    )
    response = post_form(
        client,
        f"/board/speakers/{speaker_id}/edit",
        speaker_form(name="Camille Martin, ma version", version="1"),
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Cette fiche a été modifiée par quelqu’un d’autre" in page
    assert 'value="Camille Martin, ma version"' in page
    assert "Camille Martin (Ecossolies)" in page  # the current version, for comparison
    assert 'name="version" type="hidden" value="2"' in page
    with app.app_context():
        assert db.session.get(Speaker, speaker_id).name == "Camille Martin (Ecossolies)"


def test_edit_unknown_speaker_is_404(client, world):
    login(client, world.admin)
    assert client.get("/board/speakers/424242/edit").status_code == 404


# Permissions ------------------------------------------------------------------------------


@pytest.fixture
def nantes_pair(app, world) -> dict:
    """Two records of the same Nantes person, one availability window on the first."""
    kept = make_speaker(app, "Camille Martin", territory_id=world.territory["nantes"])
    duplicate = make_speaker(app, "C. Martin", territory_id=world.territory["nantes"])
    window = make_availability(app, kept, utc(2019, 3, 1), utc(2019, 3, 2))
    nantes = world.territory["nantes"]
    return {"kept": kept, "duplicate": duplicate, "window": window, "nantes": nantes}


def _routes(pair):
    """name: (url, form data, whether an organiser of another territory may use it). The
    edit keeps the speaker in Nantes: moving it out is refused (test_speaker_territories)."""
    kept = pair["kept"]
    return {
        "new": ("/board/speakers/new", speaker_form(), True),
        "edit": (
            f"/board/speakers/{kept}/edit",
            speaker_form(version="1", territory_id=pair["nantes"]),
            True,
        ),
        "add_availability": (
            f"/board/speakers/{kept}/availability",
            {"kind": "available", "first_day": "2019-02-25"},
            True,
        ),
        "remove_availability": (
            f"/board/speakers/{kept}/availability/{pair['window']}/delete",
            {"confirmation": "oui"},
            True,
        ),
        "merge": (f"/board/speakers/{kept}/merge", {"duplicate_id": pair["duplicate"]}, False),
        "delete": (f"/board/speakers/{kept}/delete", {}, False),
    }


ROUTES = ["new", "edit", "add_availability", "remove_availability", "merge", "delete"]


@pytest.mark.parametrize("route", ROUTES)
def test_speaker_route_sends_anonymous_to_login(app, client, world, nantes_pair, route):
    url, data, _ = _routes(nantes_pair)[route]
    response = post_form(client, url, data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    if route in ("new", "edit", "merge", "delete"):
        assert client.get(url).headers["Location"].startswith("/login?next=")
    assert speaker_count(app) == 2
    assert references_to(app, nantes_pair["kept"]) == 1


@pytest.mark.parametrize("route", ROUTES)
def test_speaker_route_for_organiser_of_another_territory(app, client, world, nantes_pair, route):
    url, data, allowed = _routes(nantes_pair)[route]
    login(client, world.roubaix_organiser)
    response = post_form(client, url, data)
    if allowed:
        assert response.status_code == 302, text_of(response)
    else:
        assert response.status_code == 403
        assert "Accès refusé" in text_of(response)
        assert client.get(url).status_code == 403
        assert speaker_count(app) == 2


@pytest.mark.parametrize("route", ROUTES)
def test_speaker_route_allowed_to_organiser_of_the_speaker_territory(
    app, client, world, nantes_pair, route
):
    url, data, _ = _routes(nantes_pair)[route]
    login(client, world.nantes_organiser)
    response = post_form(client, url, data)
    assert response.status_code == 302, text_of(response)


@pytest.mark.parametrize("route", ROUTES)
def test_speaker_route_allowed_to_admin(app, client, world, nantes_pair, route):
    url, data, _ = _routes(nantes_pair)[route]
    login(client, world.admin)
    if route in ("new", "edit", "merge", "delete"):
        assert client.get(url).status_code == 200
    response = post_form(client, url, data)
    assert response.status_code == 302, text_of(response)


def test_speaker_without_territory_may_be_removed_by_admins_only(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin")
    login(client, world.nantes_organiser)
    assert post_form(client, f"/board/speakers/{speaker_id}/delete", {}).status_code == 403
    assert speaker_exists(app, speaker_id)


def test_merge_needs_the_right_to_remove_the_duplicate_too(app, client, world):
    kept = make_speaker(app, "Camille Martin", territory_id=world.territory["nantes"])
    duplicate = make_speaker(app, "C. Martin", territory_id=world.territory["roubaix"])
    login(client, world.nantes_organiser)
    response = post_form(client, f"/board/speakers/{kept}/merge", {"duplicate_id": duplicate})
    assert response.status_code == 403
    assert speaker_exists(app, duplicate)


# Merging ----------------------------------------------------------------------------------


def test_merge_keeps_every_engagement_and_removes_the_duplicate(app, client, world):
    kept = make_speaker(app, "Camille Martin", territory_id=world.territory["nantes"], title="")
    duplicate = make_speaker(
        app,
        "C. Martin",
        territory_id=world.territory["nantes"],
        title="Directrice",
        email=SECRET_EMAIL,
    )
    roubaix_id = make_roubaix_stop(app, world)
    make_round_table(
        app,
        world.nantes_stop_id,
        "Entreprendre autrement",
        *NANTES_TABLE,
        [(kept, ParticipantRole.MODERATOR)],
    )
    make_round_table(
        app,
        roubaix_id,
        "Réemploi et économie circulaire",
        utc(2019, 3, 12, 13),
        utc(2019, 3, 12, 14),
        [(duplicate, ParticipantRole.PANELIST)],
    )
    make_stop_speaker(app, world.nantes_stop_id, duplicate, ParticipantRole.KEYNOTE)
    make_availability(app, duplicate, utc(2019, 4, 1), utc(2019, 4, 2), note="Congés")

    login(client, world.nantes_organiser)
    page = text_of(client.get(f"/board/speakers/{kept}/merge"))
    assert "Fiche en double à fusionner dans celle-ci" in page
    assert "C. Martin" in page
    assert "supprime ensuite la fiche en double" in page

    response = post_form(client, f"/board/speakers/{kept}/merge", {"duplicate_id": duplicate})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/speakers/{kept}"
    profile = text_of(client.get(response.headers["Location"]))
    assert "Fiches fusionnées" in profile
    assert "table ronde « Entreprendre autrement »" in profile
    assert "table ronde « Réemploi et économie circulaire »" in profile
    assert "Discours" in profile  # the stop-wide listing
    assert "Congés" in profile
    assert "Directrice" in profile and SECRET_EMAIL in profile  # empty fields filled
    assert client.get(f"/speakers/{duplicate}").status_code == 404
    assert references_to(app, duplicate) == 0
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count(RoundTableParticipant.id)).where(
                    RoundTableParticipant.speaker_id == kept
                )
            )
            == 2
        )
        assert (
            db.session.scalar(
                select(func.count(StopSpeaker.id)).where(StopSpeaker.speaker_id == kept)
            )
            == 1
        )


def test_merge_of_two_people_at_the_same_round_table_keeps_one_listing(app, client, world):
    kept = make_speaker(app, "Camille Martin", territory_id=world.territory["nantes"])
    duplicate = make_speaker(app, "C. Martin", territory_id=world.territory["nantes"])
    table_id = make_round_table(
        app,
        world.nantes_stop_id,
        "Entreprendre autrement",
        *NANTES_TABLE,
        [(kept, ParticipantRole.MODERATOR), (duplicate, ParticipantRole.PANELIST)],
    )
    login(client, world.admin)
    response = post_form(client, f"/board/speakers/{kept}/merge", {"duplicate_id": duplicate})
    assert response.status_code == 302
    with app.app_context():
        table = db.session.get(RoundTable, table_id)
        assert [p.speaker_id for p in table.participants] == [kept]


@pytest.mark.parametrize("choice", ["", "424242", "abc", "same"])
def test_merge_with_unknown_or_same_record_is_400(app, client, world, choice):
    kept = make_speaker(app, "Camille Martin", territory_id=world.territory["nantes"])
    login(client, world.admin)
    response = post_form(
        client,
        f"/board/speakers/{kept}/merge",
        {"duplicate_id": kept if choice == "same" else choice},
    )
    assert response.status_code == 400
    page = text_of(response)
    if choice == "same":
        assert "Choisissez une autre fiche que celle-ci." in page
    else:
        assert "Choisissez dans la liste la fiche en double à fusionner." in page
    assert speaker_exists(app, kept)


# Deleting ---------------------------------------------------------------------------------


def test_deleting_a_booked_speaker_asks_for_confirmation(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin", territory_id=world.territory["nantes"])
    other_id = make_speaker(app, "Louis Bernard")
    table_id = make_round_table(
        app,
        world.nantes_stop_id,
        "Entreprendre autrement",
        *NANTES_TABLE,
        [(other_id, ParticipantRole.MODERATOR), (speaker_id, ParticipantRole.PANELIST)],
    )
    make_stop_speaker(app, world.clermont_draft_id, speaker_id)
    login(client, world.nantes_organiser)
    url = f"/board/speakers/{speaker_id}/delete"

    page = text_of(client.get(url))
    assert "programmée 2 fois" in page
    assert "table ronde « Entreprendre autrement »" in page
    assert f'href="/stops/{world.clermont_draft_id}"' in page
    assert "Je confirme" in page

    refused = post_form(client, url, {})
    assert refused.status_code == 400
    assert "Cochez la case pour confirmer" in text_of(refused)
    assert speaker_exists(app, speaker_id)
    assert references_to(app, speaker_id) == 2

    response = post_form(client, url, {"confirm": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/speakers/"
    assert "Fiche de Camille Martin supprimée." in text_of(client.get("/speakers/"))
    assert not speaker_exists(app, speaker_id)
    assert references_to(app, speaker_id) == 0
    with app.app_context():
        table = db.session.get(RoundTable, table_id)
        assert table is not None
        assert [p.speaker_id for p in table.participants] == [other_id]


def test_deleting_a_speaker_listed_only_at_a_cancelled_stop_still_asks(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin")
    cancelled_id = make_roubaix_stop(app, world, StopStatus.CANCELLED)
    make_stop_speaker(app, cancelled_id, speaker_id)
    login(client, world.admin)
    url = f"/board/speakers/{speaker_id}/delete"
    assert "Et une mention à une étape annulée." in text_of(client.get(url))
    assert post_form(client, url, {}).status_code == 400
    assert post_form(client, url, {"confirm": "y"}).status_code == 302
    assert references_to(app, speaker_id) == 0


def test_deleting_an_unbooked_speaker_needs_no_checkbox(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin")
    login(client, world.admin)
    page = text_of(client.get(f"/board/speakers/{speaker_id}/delete"))
    assert "n’est programmée nulle part" in page
    assert "Je confirme" not in page
    response = post_form(client, f"/board/speakers/{speaker_id}/delete", {})
    assert response.status_code == 302
    assert not speaker_exists(app, speaker_id)


# Availability -----------------------------------------------------------------------------


def test_unavailable_day_over_an_engagement_warns_organisers_until_removed(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin")
    make_round_table(
        app,
        world.nantes_stop_id,
        "Entreprendre autrement",
        *NANTES_TABLE,
        [(speaker_id, ParticipantRole.MODERATOR)],
    )
    warning = "a indiqué être indisponible"
    login(client, world.roubaix_organiser)
    assert warning not in text_of(client.get(f"/speakers/{speaker_id}"))

    response = post_form(
        client,
        f"/board/speakers/{speaker_id}/availability",
        {"kind": "unavailable", "first_day": "2019-02-25", "note": "Conseil d’administration"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/board/speakers/{speaker_id}/edit#disponibilites"
    edit_page = text_of(client.get(response.headers["Location"]))
    assert "Disponibilité de Camille Martin ajoutée." in edit_page
    assert "lundi 25 février 2019 (journée entière) (Europe/Paris)" in edit_page
    assert "Conseil d’administration" in edit_page

    organiser_view = text_of(client.get(f"/speakers/{speaker_id}"))
    assert f"Camille Martin {warning} pour « Entreprendre autrement »" in organiser_view
    visitor = app.test_client()
    public_view = text_of(visitor.get(f"/speakers/{speaker_id}"))
    assert warning not in public_view
    assert "Conseil d’administration" not in public_view

    with app.app_context():
        window = db.session.scalar(select(Availability))
        assert (window.starts_at, window.ends_at) == (utc(2019, 2, 24, 23), utc(2019, 2, 25, 23))
        window_id = window.id
    removed = post_form(
        client,
        f"/board/speakers/{speaker_id}/availability/{window_id}/delete",
        {"confirmation": "oui"},
    )
    assert removed.status_code == 302
    assert "Disponibilité de Camille Martin retirée." in text_of(
        client.get(removed.headers["Location"])
    )
    assert warning not in text_of(client.get(f"/speakers/{speaker_id}"))


def test_availability_with_hours_over_several_days_in_the_speaker_zone(app, client, world):
    speaker_id = make_speaker(app, "Zaïna Ali", territory_id=world.territory["mayotte"])
    login(client, world.admin)
    response = post_form(
        client,
        f"/board/speakers/{speaker_id}/availability",
        {
            "kind": "available",
            "first_day": "2019-04-26",
            "last_day": "2019-04-28",
            "start_time": "08:00",
            "end_time": "18:00",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        window = db.session.scalar(select(Availability))
        assert (window.starts_at, window.ends_at) == (utc(2019, 4, 26, 5), utc(2019, 4, 28, 15))
    page = text_of(client.get(f"/board/speakers/{speaker_id}/edit"))
    assert (
        "vendredi 26 avril 2019, 8 h 00 – dimanche 28 avril 2019, 18 h 00 (Indian/Mayotte)" in page
    )


INVALID_WINDOWS = [
    ("missing_first_day", {"kind": "unavailable", "first_day": ""}, "Indiquez le premier jour."),
    (
        "unknown_kind",
        {"kind": "peut-être", "first_day": "2019-02-25"},
        "Choisissez disponible ou indisponible.",
    ),
    (
        "last_day_before_first",
        {"kind": "unavailable", "first_day": "2019-02-25", "last_day": "2019-02-20"},
        "La fin doit être postérieure au début.",
    ),
    (
        "end_before_start",
        {
            "kind": "available",
            "first_day": "2019-02-25",
            "start_time": "14:00",
            "end_time": "09:00",
        },
        "La fin doit être postérieure au début.",
    ),
    (
        "first_day_of_the_calendar",
        {"kind": "unavailable", "first_day": "0001-01-01", "start_time": "00:00"},
        "Indiquez une date comprise entre 1900 et 2999.",
    ),
    (
        "last_day_of_the_calendar",
        {"kind": "unavailable", "first_day": "2019-02-25", "last_day": "9999-12-31"},
        "Indiquez une date comprise entre 1900 et 2999.",
    ),
    (
        "time_skipped_by_clock_change",
        {"kind": "available", "first_day": "2019-03-31", "start_time": "02:30"},
        "L’heure 2 h 30 n’existe pas le 31 mars 2019 en Europe/Paris",
    ),
]


@pytest.mark.parametrize("case,form,message", INVALID_WINDOWS, ids=[c[0] for c in INVALID_WINDOWS])
def test_invalid_availability_is_refused_on_the_edit_page(app, client, world, case, form, message):
    speaker_id = make_speaker(app, "Camille Martin")
    login(client, world.roubaix_organiser)
    response = post_form(client, f"/board/speakers/{speaker_id}/availability", form)
    assert response.status_code == 400
    page = text_of(response)
    assert message in page
    assert 'value="Camille Martin"' in page  # still the edit page, speaker form filled
    assert references_to(app, speaker_id) == 0


def test_removing_an_unknown_availability_is_400(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin")
    other_id = make_speaker(app, "Louis Bernard")
    window_id = make_availability(app, other_id, utc(2019, 3, 1), utc(2019, 3, 2))
    login(client, world.roubaix_organiser)
    # Another speaker's window cannot be removed through this one.
    response = post_form(
        client,
        f"/board/speakers/{speaker_id}/availability/{window_id}/delete",
        {"confirmation": "oui"},
    )
    assert response.status_code == 400
    assert "Cette disponibilité n’existe pas ou plus." in text_of(response)
    assert references_to(app, other_id) == 1


def test_speaker_forms_refuse_posts_without_csrf_token(app, client, world):
    speaker_id = make_speaker(app, "Camille Martin")
    login(client, world.admin)
    response = client.post(f"/board/speakers/{speaker_id}/delete", data={"confirm": "y"})
    assert response.status_code == 400
    assert "jeton CSRF" in text_of(response)
    assert speaker_exists(app, speaker_id)


def test_search_ignores_accents_and_case_on_every_database(app, client):
    with app.app_context():
        db.session.add(Speaker(name="Élise Étienne", organisation="Coopérative Œuvre"))
        db.session.add(Speaker(name="Bruno Dupont"))
        db.session.commit()
    for query in ("élise", "ELISE", "Élise", "etienne", "oeuvre"):
        page = text_of(client.get("/speakers/", query_string={"q": query}))
        assert "Élise Étienne" in page, query
        assert "Bruno Dupont" not in page, query


def test_search_wildcards_are_taken_literally(app, client):
    with app.app_context():
        db.session.add(Speaker(name="Bruno Dupont"))
        db.session.commit()
    for query in ("%", "_", "\\"):
        page = text_of(client.get("/speakers/", query_string={"q": query}))
        assert "Bruno Dupont" not in page, query
