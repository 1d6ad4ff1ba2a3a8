from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from blueprints.form_helpers import email_field


class LoginForm(FlaskForm):
    email = email_field(_l("Adresse e-mail"), _l("Indiquez votre adresse e-mail."))
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe.")), Length(max=200)],
    )
