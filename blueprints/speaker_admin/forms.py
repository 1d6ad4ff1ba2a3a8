from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from blueprints.form_helpers import PlausibleDay, int_or_none, optional_id_field
from models import AvailabilityKind
from services.planning.speakers import SpeakerFields


def _at_most(limit: int) -> Length:
    return Length(
        max=limit,
        message=_l("%(limit)s caractères au plus.", limit=limit),
    )


class SpeakerForm(FlaskForm):
    name = StringField(
        _l("Nom"),
        validators=[DataRequired(_l("Indiquez le nom de l’intervenant·e.")), _at_most(200)],
    )
    title = StringField(_l("Fonction"), validators=[_at_most(300)])
    organisation = StringField(_l("Structure"), validators=[_at_most(200)])
    biography = TextAreaField(_l("Biographie"), validators=[_at_most(5000)], render_kw={"rows": 8})
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[
            Optional(),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
            _at_most(254),
        ],
    )
    territory_id = optional_id_field(
        _l("Territoire"), _l("Territoire inconnu : choisissez un territoire de la liste.")
    )
    version = HiddenField()

    def to_fields(self) -> SpeakerFields:
        return SpeakerFields(
            name=self.name.data or "",
            title=self.title.data or "",
            organisation=self.organisation.data or "",
            biography=self.biography.data or "",
            email=self.email.data or "",
            territory_id=self.territory_id.data,
        )

    def expected_version(self) -> int | None:
        return int_or_none(self.version.data)


def availability_kind_choices() -> list[SelectChoice]:
    return [SelectChoice(kind.value, kind.label) for kind in AvailabilityKind]


class AvailabilityForm(FlaskForm):
    kind = SelectField(
        _l("Type"),
        choices=availability_kind_choices,
        validate_choice=False,
        validators=[DataRequired(_l("Choisissez disponible ou indisponible."))],
    )
    first_day = DateField(
        _l("Premier jour"),
        validators=[DataRequired(_l("Indiquez le premier jour.")), PlausibleDay()],
    )
    last_day = DateField(
        _l("Dernier jour (vide : le même jour)"), validators=[Optional(), PlausibleDay()]
    )
    start_time = TimeField(_l("De (vide : toute la journée)"), validators=[Optional()])
    end_time = TimeField(_l("À (vide : toute la journée)"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[_at_most(300)])

    def validate_kind(self, field) -> None:
        if field.data not in {kind.value for kind in AvailabilityKind}:
            raise ValidationError(_l("Choisissez disponible ou indisponible."))

    def chosen_kind(self) -> AvailabilityKind:
        return AvailabilityKind(self.kind.data)


class MergeForm(FlaskForm):
    duplicate_id = SelectField(
        _l("Fiche en double à fusionner dans celle-ci"),
        coerce=int_or_none,
        validate_choice=False,
    )


class DeleteForm(FlaskForm):
    confirm = BooleanField(
        _l("Je confirme : supprimer cette fiche et retirer la personne des programmes ci-dessus.")
    )
