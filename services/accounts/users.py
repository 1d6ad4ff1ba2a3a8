"""Organiser and admin accounts."""

import logging

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash

from extensions import db
from models import Role, Territory, User, normalise_email
from services.accounts.password_strength import password_weakness
from services.errors import InvalidInput

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 10
# A real hash to compare against when the email is unknown, so that timing does not tell
# which addresses have an account.
_UNKNOWN_USER_HASH = (
    "scrypt:32768:8:1$6JxnBYHSOaZHNGzT$ad40e2c154c02c15ff651491a8357b432a2e78c9432ba9990a4980f6"
    "5de4640946fce0b0104fe84169d6630469fedb52d6d4332fac0893afab8bcb761712acbd"
)


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    user = user_by_email(email)
    if user is None:
        check_password_hash(_UNKNOWN_USER_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def _check_password_strength(password: str, email: str, name: str) -> None:
    """At least MIN_PASSWORD_LENGTH characters, and hard to guess by zxcvbn's estimate
    (dictionaries, keyboard patterns, repeats, dates, and the account's own e-mail and
    name)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            {
                "password": [
                    _(
                        "Le mot de passe doit comporter au moins %(n)s caractères.",
                        n=MIN_PASSWORD_LENGTH,
                    )
                ]
            }
        )
    problem = password_weakness(password, [email, name])
    if problem:
        raise InvalidInput({"password": [problem]})


def create_user(
    email: str, display_name: str, password: str, role: Role, territories: list[Territory]
) -> User:
    if user_by_email(email) is not None:
        raise InvalidInput({"email": [_("Un compte existe déjà avec cette adresse e-mail.")]})
    _check_password_strength(password, email, display_name)
    user = User(email=email, display_name=display_name.strip(), role=role)
    user.set_password(password)
    user.territories = list(territories)
    db.session.add(user)
    db.session.flush()
    log.info("user %s created as %s", user.id, role)
    return user


def update_user(
    user: User,
    display_name: str,
    role: Role,
    territories: list[Territory],
    active: bool,
    by: User,
) -> User:
    """An admin edits an account. Nobody removes their own admin rights or deactivates
    their own account: the platform would be left without anyone to fix it."""
    if user.id == by.id and (role != Role.ADMIN or not active):
        raise InvalidInput(
            {
                "role": [
                    _(
                        "Vous ne pouvez pas retirer vos propres droits d’administration "
                        "ni désactiver votre compte."
                    )
                ]
            }
        )
    user.display_name = display_name.strip()
    user.role = role
    user.territories = list(territories)
    if user.active and not active:
        user.end_sessions()  # a deactivated account is signed out everywhere at once
    user.active = active
    db.session.flush()
    log.info(
        "user %s updated: %s, %s, territories %s",
        user.id,
        role,
        "active" if active else "inactive",
        sorted(t.id for t in user.territories),
    )
    return user


def set_password(user: User, password: str) -> None:
    _check_password_strength(password, user.email, user.display_name)
    user.set_password(password)
    db.session.flush()
    log.info("user %s password set", user.id)


def sign_out(user: User) -> None:
    """Logging out ends the session everywhere: a copied cookie does not outlive it."""
    user.end_sessions()
    db.session.flush()
    log.info("user %s signed out", user.id)


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.display_name)))


def territories_by_ids(ids: list[int]) -> list[Territory]:
    if not ids:
        return []
    found = list(db.session.scalars(select(Territory).where(Territory.id.in_(ids))))
    if len(found) != len(set(ids)):
        raise InvalidInput({"territories": [_("Territoire inconnu : choisissez dans la liste.")]})
    return found
