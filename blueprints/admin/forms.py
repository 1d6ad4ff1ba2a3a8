from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from blueprints.form_helpers import email_field, int_or_none
from models import Role


def role_choices():
    return [SelectChoice(role.value, role.label) for role in Role]


class UserForm(FlaskForm):
    display_name = StringField(
        _l("Nom affiché"),
        validators=[DataRequired(_l("Indiquez un nom.")), Length(max=200)],
    )
    role = SelectField(_l("Rôle"), choices=role_choices, validate_choice=True)
    territories = SelectMultipleField(_l("Territoires"), coerce=int_or_none, validate_choice=False)
    active = BooleanField(_l("Compte actif"), default=True)


class NewUserForm(UserForm):
    email = email_field(_l("Adresse e-mail"), _l("Indiquez une adresse e-mail."))
    password = PasswordField(
        _l("Mot de passe initial"),
        validators=[DataRequired(_l("Indiquez un mot de passe.")), Length(max=200)],
    )


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Nouveau mot de passe"), validators=[Optional(), Length(max=200)])
