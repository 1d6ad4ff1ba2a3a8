"""How hard a password is to guess: zxcvbn's estimate (Dropbox's estimator, ported to
Python), which knows common passwords, dictionary words and names, keyboard patterns,
repeats, sequences and dates, and is told the account's own e-mail and name.

Its hints are in English and untranslated: the warnings it gives are translated here, one
by one; one this table does not know (a newer zxcvbn) gives the general advice alone."""

import re
import threading

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

# zxcvbn's scale is 0 to 4; 3 is "safely unguessable" (about 10^10 guesses).
MIN_SCORE = 3
# zxcvbn refuses longer inputs (its matching grows fast with the length); the first 72
# characters of a long password are what it judges, which only errs on the side of "weak".
ESTIMATED_LENGTH = 72

WARNINGS = {
    "Straight rows of keys are easy to guess.": _l(
        "Les rangées de touches du clavier se devinent facilement."
    ),
    "Short keyboard patterns are easy to guess.": _l(
        "Les suites de touches voisines se devinent facilement."
    ),
    'Repeats like "aaa" are easy to guess.': _l(
        "Les répétitions comme « aaa » se devinent facilement."
    ),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': _l(
        "Les répétitions comme « abcabcabc » ne sont guère plus difficiles à deviner que « abc »."
    ),
    'Sequences like "abc" or "6543" are easy to guess.': _l(
        "Les suites comme « abc » ou « 6543 » se devinent facilement."
    ),
    "Recent years are easy to guess.": _l("Les années récentes se devinent facilement."),
    "Dates are often easy to guess.": _l("Les dates se devinent souvent facilement."),
    "This is a top-10 common password.": _l("C’est l’un des 10 mots de passe les plus courants."),
    "This is a top-100 common password.": _l("C’est l’un des 100 mots de passe les plus courants."),
    "This is a very common password.": _l("C’est un mot de passe très courant."),
    "This is similar to a commonly used password.": _l(
        "Il ressemble à un mot de passe très courant."
    ),
    "A word by itself is easy to guess.": _l("Un mot seul se devine facilement."),
    "Names and surnames by themselves are easy to guess.": _l(
        "Un prénom ou un nom seul se devine facilement."
    ),
    "Common names and surnames are easy to guess.": _l(
        "Les prénoms et noms courants se devinent facilement."
    ),
}

# zxcvbn keeps the user inputs of a call in a module-level dictionary: two threads
# estimating at once would mix up each other's.
_ESTIMATING = threading.Lock()
_WORDS = re.compile(r"[\W_]+")


def _user_inputs(values: list[str]) -> list[str]:
    """Each value whole and in its pieces: "camille.martin@x.org" → the address,
    "camille", "martin", "x", "org"; a name → each of its words."""
    inputs: list[str] = []
    for value in values:
        inputs.append(value)
        inputs.extend(piece for piece in _WORDS.split(value) if len(piece) > 1)
    return inputs


def password_weakness(password: str, personal: list[str]) -> str | None:
    """Why this password is too easy to guess, in French, or None when it is strong enough.
    `personal`: what an attacker knows of the account (its e-mail, its name)."""
    with _ESTIMATING:
        result = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=_user_inputs(personal))
    if result["score"] >= MIN_SCORE:
        return None
    reasons = [_("Ce mot de passe est trop facile à deviner.")]
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        reasons.append(_("Il reprend le nom ou l’adresse e-mail du compte."))
    warning = WARNINGS.get(result["feedback"]["warning"])
    if warning is not None:
        reasons.append(str(warning))
    reasons.append(
        _(
            "Choisissez plutôt une phrase de quatre mots ou plus sans lien entre eux, ou un mot "
            "de passe créé par un gestionnaire de mots de passe."
        )
    )
    return " ".join(reasons)
