from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from blueprints.form_helpers import PlausibleDay, int_or_none, optional_id_field
from models import ParticipantRole
from services.planning.round_tables import RoundTableFields


class RoundTableForm(FlaskForm):
    title = StringField(
        _l("Titre"),
        validators=[DataRequired(_l("Indiquez le titre de la table ronde.")), Length(max=300)],
    )
    challenge_id = optional_id_field(
        _l("Défi abordé"), _l("Défi inconnu : choisissez un défi de la liste.")
    )
    day = DateField(
        _l("Date (par défaut, celle de l’étape)"), validators=[Optional(), PlausibleDay()]
    )
    start_time = TimeField(_l("Début"), validators=[DataRequired(_l("Indiquez l’heure de début."))])
    end_time = TimeField(_l("Fin"), validators=[DataRequired(_l("Indiquez l’heure de fin."))])
    room = StringField(_l("Salle"), validators=[Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])
    version = HiddenField()

    def to_fields(self) -> RoundTableFields:
        return RoundTableFields(
            title=self.title.data or "",
            challenge_id=self.challenge_id.data,
            day=self.day.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            room=self.room.data or "",
            description=self.description.data or "",
        )


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, role.label) for role in ParticipantRole]


class SpeakerRoleForm(FlaskForm):
    """Add a speaker, with a role, to a round table or to a stop."""

    speaker_id = SelectField(
        _l("Intervenant·e"), coerce=int_or_none, validate_choice=False, validators=[Optional()]
    )
    role = SelectField(
        _l("Rôle"),
        choices=role_choices,
        validate_choice=False,
        default=ParticipantRole.PANELIST.value,
    )


class MoveForm(FlaskForm):
    direction = SelectField(
        choices=[SelectChoice("up"), SelectChoice("down")], validate_choice=True
    )
