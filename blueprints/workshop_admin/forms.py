from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.form_helpers import PlausibleDay, int_or_none, optional_id_field
from services.registration.workshops import MAX_CAPACITY, WorkshopFields


class WorkshopForm(FlaskForm):
    """Times are wall-clock times of the host territory. Choices are set by the view."""

    title = StringField(
        _l("Titre"),
        validators=[DataRequired(_l("Indiquez le titre de l’atelier.")), Length(max=300)],
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])
    challenge_id = SelectField(
        _l("Défi"), coerce=int_or_none, validate_choice=False, validators=[Optional()]
    )
    host_territory_id = SelectField(
        _l("Territoire hôte"), coerce=int_or_none, validate_choice=False, validators=[Optional()]
    )
    territory_ids = SelectMultipleField(
        _l("Territoires participants"),
        coerce=int_or_none,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    stop_id = optional_id_field(
        _l("Étape de la tournée (facultatif)"),
        _l("Étape inconnue : choisissez une étape de cette tournée."),
    )
    day = DateField(
        _l("Date"), validators=[DataRequired(_l("Indiquez la date de l’atelier.")), PlausibleDay()]
    )
    start_time = TimeField(_l("Début"), validators=[DataRequired(_l("Indiquez l’heure de début."))])
    end_time = TimeField(_l("Fin"), validators=[DataRequired(_l("Indiquez l’heure de fin."))])
    venue_name = StringField(_l("Lieu"), validators=[Length(max=200)])
    address = TextAreaField(_l("Adresse"), validators=[Length(max=1000)])
    online_url = StringField(_l("Lien de réunion en ligne"), validators=[Length(max=500)])
    capacity = IntegerField(
        _l("Capacité (nombre de places)"),
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_CAPACITY,
                message=_l("La capacité est un nombre de places, 0 ou plus (%(max)s au plus)."),
            ),
        ],
    )
    opens_day = DateField(
        _l("Ouverture des inscriptions : jour"), validators=[Optional(), PlausibleDay()]
    )
    opens_time = TimeField(_l("heure (facultatif, 00:00 sinon)"), validators=[Optional()])
    closes_day = DateField(
        _l("Clôture des inscriptions : jour"), validators=[Optional(), PlausibleDay()]
    )
    closes_time = TimeField(_l("heure (facultatif, 23:59 sinon)"), validators=[Optional()])
    facilitator_ids = SelectMultipleField(
        _l("Animation (intervenant·es)"), coerce=int_or_none, validate_choice=False
    )
    version = HiddenField()

    def validate_opens_time(self, field) -> None:
        if field.data is not None and self.opens_day.data is None:
            raise ValidationError(_l("Indiquez aussi le jour d’ouverture des inscriptions."))

    def validate_closes_time(self, field) -> None:
        if field.data is not None and self.closes_day.data is None:
            raise ValidationError(_l("Indiquez aussi le jour de clôture des inscriptions."))

    def to_fields(self) -> WorkshopFields:
        return WorkshopFields(
            title=self.title.data or "",
            description=self.description.data or "",
            challenge_id=self.challenge_id.data,
            host_territory_id=self.host_territory_id.data,
            territory_ids=list(self.territory_ids.data or []),
            stop_id=self.stop_id.data,
            day=self.day.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            venue_name=self.venue_name.data or "",
            address=self.address.data or "",
            online_url=self.online_url.data or "",
            capacity=self.capacity.data,
            opens_day=self.opens_day.data,
            opens_time=self.opens_time.data,
            closes_day=self.closes_day.data,
            closes_time=self.closes_time.data,
            facilitator_ids=list(self.facilitator_ids.data or []),
        )

    def expected_version(self) -> int | None:
        return int_or_none(self.version.data)


ATTENDANCE = {"yes": True, "no": False, "": None}


class AttendanceForm(FlaskForm):
    attended = SelectField(
        choices=[SelectChoice(value) for value in ATTENDANCE], validate_choice=True
    )

    def attended_value(self) -> bool | None:
        return ATTENDANCE[self.attended.data]
