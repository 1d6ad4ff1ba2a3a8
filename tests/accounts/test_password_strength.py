"""Passwords must be hard to guess, not only long: zxcvbn's estimate, told the account's
e-mail and name, with the reason in French, on every way an account gets a password."""

import pytest
from sqlalchemy import select

from extensions import db
from models import Role, User
from services.accounts.users import create_user, set_password
from services.errors import InvalidInput
from tests.helpers import PASSWORD, login, post_form, text_of

TOO_EASY = "Ce mot de passe est trop facile à deviner."


def _new_user(**overrides) -> dict:
    data = {
        "email": "claire.dubreuil@test.example",
        "display_name": "Claire Dubreuil",
        "role": "organiser",
        "password": "un-mot-de-passe-long",
    }
    return {**data, **overrides}


@pytest.mark.parametrize(
    "password,reason",
    [
        ("aaaaaaaaaa", "Les répétitions comme « aaa » se devinent facilement."),
        ("1234567890", "C’est l’un des 100 mots de passe les plus courants."),
        ("password12", "C’est un mot de passe très courant."),
        ("azertyuiop12", "Il ressemble à un mot de passe très courant."),
    ],
)
def test_long_but_guessable_password_is_refused_with_the_reason_in_french(
    app, client, world, password, reason
):
    login(client, world.admin)
    response = post_form(client, "/admin/users/new", _new_user(password=password))
    assert response.status_code == 400
    page = text_of(response)
    assert TOO_EASY in page and reason in page
    assert "quatre mots ou plus sans lien entre eux" in page
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email.like("claire%"))) is None


def test_password_made_of_the_account_name_is_refused(app, client, world):
    # Strong for zxcvbn on its own (score 4), easy once it knows whose account it is.
    login(client, world.admin)
    response = post_form(client, "/admin/users/new", _new_user(password="dubreuilclaire"))
    assert response.status_code == 400
    assert "Il reprend le nom ou l’adresse e-mail du compte." in text_of(response)


def test_set_password_judges_against_the_accounts_own_name_and_address(app, world):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world.roubaix_organiser))
        # "Rémi Roubaix", roubaix@test.example: strong enough for zxcvbn on its own (3).
        with pytest.raises(InvalidInput) as refused:
            set_password(user, "roubaixrémi")
        assert refused.value.errors["password"][0].startswith(TOO_EASY)
        db.session.rollback()


def test_the_test_password_and_a_passphrase_are_accepted(app, world):
    with app.app_context():
        create_user("a@test.example", "A", PASSWORD, Role.ORGANISER, [])
        user = create_user(
            "b@test.example", "B", "girafe bouilloire minuit phare", Role.ORGANISER, []
        )
        assert user.check_password("girafe bouilloire minuit phare")
        db.session.rollback()


def test_very_long_password_is_judged_on_its_start_without_error(app, world):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == world.admin))
        set_password(user, "girafe bouilloire minuit phare " * 10)
        with pytest.raises(InvalidInput):
            set_password(user, "a" * 300)
        db.session.rollback()


def test_users_command_refuses_a_guessable_password_in_french(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create", "--email", "lea@test.example", "--name", "Léa"],
        input="password12\npassword12\n",
    )
    assert result.exit_code != 0
    assert TOO_EASY in result.output
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "lea@test.example")) is None
