"""The forms of checklists and tasks. They read the values; the rules are the service's."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from blueprints.form_helpers import PlausibleDay, optional_id_field
from models import TaskStatus
from services.collaboration.tasks import OFFSET_MAX, TaskFields


class ChecklistItemForm(FlaskForm):
    title = StringField(_l("Intitulé"))
    due_offset_days = IntegerField(
        _l("Échéance : jours avant l’étape"),
        description=_l("30 pour J-30 ; 0 pour le jour même."),
        default=7,
        validators=[InputRequired(_l("Indiquez un nombre de jours, de 0 à 365."))],
        render_kw={"inputmode": "numeric", "min": 0, "max": OFFSET_MAX},
    )


def status_field() -> SelectField:
    return SelectField(
        _l("Statut"),
        # Called when the form is built, so that the labels are in the reader's language.
        choices=lambda: [SelectChoice(s.value, s.label) for s in TaskStatus],
        default=TaskStatus.TODO.value,
        validate_choice=False,
    )


class TaskForm(FlaskForm):
    title = StringField(_l("Intitulé"))
    owner_id = optional_id_field(_l("Responsable"), _l("Responsable inconnu."))
    due_date = DateField(_l("Échéance (facultatif)"), validators=[Optional(), PlausibleDay()])
    status = status_field()
    notes = TextAreaField(_l("Notes (facultatif)"))

    def to_fields(self) -> TaskFields:
        return TaskFields(
            title=self.title.data,
            owner_id=self.owner_id.data,
            due_date=self.due_date.data,
            status=self.status.data,
            notes=self.notes.data or "",
        )


class TaskStatusForm(FlaskForm):
    status = status_field()
