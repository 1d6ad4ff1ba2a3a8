from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from blueprints.form_helpers import email_field, optional_id_field
from services.registration.registrations import RegistrationFields
from services.text import has_control_characters


def one_line(form: FlaskForm, field: Field) -> None:
    """No line break or control character: the name goes into mail headers (the service
    refuses them too, for callers without this form)."""
    if isinstance(field.data, str) and has_control_characters(field.data):
        raise ValidationError(
            _l("Écrivez-le sur une seule ligne, sans tabulation ni caractère de contrôle.")
        )


class RegistrationForm(FlaskForm):
    name = StringField(
        _l("Nom et prénom"),
        validators=[DataRequired(_l("Indiquez votre nom.")), Length(max=200), one_line],
        render_kw={"autocomplete": "name"},
    )
    email = email_field(_l("Adresse e-mail"), _l("Indiquez votre adresse e-mail."))
    organisation = StringField(
        _l("Structure (facultatif)"),
        validators=[Length(max=200), one_line],
        render_kw={"autocomplete": "organization"},
    )
    territory_id = optional_id_field(
        _l("Territoire (facultatif)"), _l("Territoire inconnu : choisissez dans la liste.")
    )
    consent = BooleanField(
        _l("J’accepte que mes données soient traitées pour gérer mon inscription."),
        validators=[
            DataRequired(
                _l("Votre accord est nécessaire pour traiter votre inscription (voir la notice).")
            )
        ],
    )

    def to_fields(self, locale: str) -> RegistrationFields:
        return RegistrationFields(
            name=self.name.data or "",
            email=self.email.data or "",
            organisation=self.organisation.data or "",
            territory_id=self.territory_id.data,
            consent=bool(self.consent.data),
            locale=locale,
        )


class LostLinkForm(FlaskForm):
    email = email_field(_l("Adresse e-mail de l’inscription"), _l("Indiquez votre adresse e-mail."))
