from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from blueprints.form_helpers import email_field
from models import TeamRole


def team_role_choices():
    return [SelectChoice(role.value, role.label) for role in TeamRole]


class InvitationForm(FlaskForm):
    email = email_field(_l("Adresse e-mail"), _l("Indiquez l’adresse e-mail de la personne."))
    role = SelectField(
        _l("Rôle dans l’équipe"),
        choices=team_role_choices,
        default=TeamRole.MEMBER.value,
        validate_choice=True,
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Rôle"), choices=team_role_choices, validate_choice=True)


class AcceptForm(FlaskForm):
    name = StringField(
        _l("Votre nom"),
        validators=[DataRequired(_l("Indiquez votre nom.")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        description=_l(
            "Au moins 10 caractères, difficile à deviner : une phrase de quatre mots, par exemple."
        ),
        validators=[DataRequired(_l("Choisissez un mot de passe.")), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )


class EmptyForm(FlaskForm):
    pass
