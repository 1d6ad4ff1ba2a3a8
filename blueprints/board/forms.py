from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from blueprints.form_helpers import PlausibleDay, int_or_none, optional_id_field
from models import StopStatus
from services.planning.stops import StopFields


class StopForm(FlaskForm):
    territory_id = SelectField(
        _l("Territoire"), coerce=int_or_none, validate_choice=False, validators=[Optional()]
    )
    day = DateField(
        _l("Date (heure locale du territoire)"),
        validators=[DataRequired(_l("Indiquez la date de l’étape.")), PlausibleDay()],
    )
    start_time = TimeField(_l("Début"), validators=[DataRequired(_l("Indiquez l’heure de début."))])
    end_time = TimeField(_l("Fin"), validators=[DataRequired(_l("Indiquez l’heure de fin."))])
    end_day = DateField(
        _l("Date de fin, si l’étape dure plusieurs jours"), validators=[Optional(), PlausibleDay()]
    )
    venue_name = StringField(_l("Lieu"), validators=[Length(max=200)])
    address = TextAreaField(_l("Adresse"), validators=[Length(max=1000)])
    latitude = FloatField(
        _l("Latitude"),
        validators=[Optional(), NumberRange(-90, 90, _l("La latitude va de -90 à 90."))],
    )
    longitude = FloatField(
        _l("Longitude"),
        validators=[Optional(), NumberRange(-180, 180, _l("La longitude va de -180 à 180."))],
    )
    host_organisation_id = optional_id_field(
        _l("Structure hôte"),
        _l("Cette structure ne fait pas partie du collectif du territoire choisi."),
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])
    version = HiddenField()

    def to_fields(self) -> StopFields:
        return StopFields(
            territory_id=self.territory_id.data,
            day=self.day.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            end_day=self.end_day.data,
            venue_name=self.venue_name.data or "",
            address=self.address.data or "",
            latitude=self.latitude.data,
            longitude=self.longitude.data,
            host_organisation_id=self.host_organisation_id.data,
            description=self.description.data or "",
        )

    def expected_version(self) -> int | None:
        return int_or_none(self.version.data)


class StopStatusForm(FlaskForm):
    status = SelectField(
        choices=[SelectChoice(s.value) for s in StopStatus],
        validators=[InputRequired()],
    )
    version = IntegerField(validators=[InputRequired()])
