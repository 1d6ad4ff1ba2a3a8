"""Logging in: real password hashes, throttling, a safe `next`."""

import pytest
from sqlalchemy import select

from extensions import db
from models import Role, User
from services.accounts.users import create_user
from tests.helpers import PASSWORD, csrf_token, login, post_form, text_of


def test_login_with_real_scrypt_hash_lands_on_the_board(app, client, world):
    with app.app_context():
        create_user("Camille@Test.example", "Camille", "un-vrai-mot-de-passe", Role.ORGANISER, [])
        db.session.commit()
        stored = db.session.scalar(select(User).where(User.email == "camille@test.example"))
        assert stored.password_hash.startswith("scrypt:")
        assert "un-vrai-mot-de-passe" not in stored.password_hash
    response = post_form(
        client, "/login", {"email": "CAMILLE@test.example", "password": "un-vrai-mot-de-passe"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/board/"


def test_wrong_password_is_refused_with_french_message(client, world):
    response = post_form(client, "/login", {"email": world.admin, "password": "pas-le-bon"})
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in text_of(response)


def test_unknown_email_gets_the_same_message(client, world):
    response = post_form(client, "/login", {"email": "personne@test.example", "password": "x"})
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in text_of(response)


def test_malformed_email_is_refused(client, world):
    response = post_form(client, "/login", {"email": "pas-une-adresse", "password": "x"})
    assert response.status_code == 400
    assert "Cette adresse e-mail n’est pas valide." in text_of(response)


def test_deactivated_account_cannot_log_in(app, client, world):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world.nantes_organiser))
        user.active = False
        db.session.commit()
    response = post_form(client, "/login", {"email": world.nantes_organiser, "password": PASSWORD})
    assert response.status_code == 401


def test_login_attempts_are_throttled(client, world):
    token = csrf_token(client)
    statuses = [
        client.post(
            "/login", data={"email": world.admin, "password": "faux", "csrf_token": token}
        ).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    refused = client.post(
        "/login", data={"email": world.admin, "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 429
    assert "Trop de tentatives" in text_of(refused)


def test_throttling_counts_per_account_across_addresses(client, world):
    token = csrf_token(client)
    for i in range(5):
        client.post(
            "/login",
            data={"email": world.admin, "password": "faux", "csrf_token": token},
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
        )
    response = client.post(
        "/login",
        data={"email": world.admin, "password": PASSWORD, "csrf_token": token},
        environ_base={"REMOTE_ADDR": "10.0.0.99"},
    )
    assert response.status_code == 429


def test_next_parameter_on_this_site_is_followed(client, world):
    response = post_form(
        client, "/login?next=/territories/roubaix", {"email": world.admin, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/territories/roubaix"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil",
    ],
)
def test_next_parameter_to_another_site_is_ignored(client, world, next_url):
    response = client.post(
        "/login",
        query_string={"next": next_url},
        data={"email": world.admin, "password": PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/board/"


def test_login_page_redirects_when_already_logged_in(client, world):
    login(client, world.admin)
    assert client.get("/login").headers["Location"] == "/board/"


def test_responses_carry_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
