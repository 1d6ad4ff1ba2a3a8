"""Form fields shared by several blueprints."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length


def email_field(label: str, missing_message: str) -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired(missing_message),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
            Length(max=254),
        ],
    )
