"""The forms of a territory's hosting wishes (disponibilités d’accueil). They read the values;
the rules (inside the tour, rank, lengths, one line of text) are the service's."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Optional

from blueprints.form_helpers import PlausibleDay
from models.wishes import (
    BEST_RANK,
    DEFAULT_VISIT_MINUTES,
    MAX_VISIT_MINUTES,
    MIN_VISIT_MINUTES,
    WORST_RANK,
)
from services.planning.wishes import OptionFields


class DateOptionForm(FlaskForm):
    day = DateField(
        _l("Jour"),
        validators=[DataRequired(_l("Indiquez le jour proposé.")), PlausibleDay()],
    )
    start_time = TimeField(
        _l("Début (heure locale)"), validators=[DataRequired(_l("Indiquez l’heure de début."))]
    )
    end_time = TimeField(
        _l("Fin (heure locale)"), validators=[DataRequired(_l("Indiquez l’heure de fin."))]
    )
    rank = IntegerField(
        _l("Rang de préférence"),
        description=_l("1 pour votre date préférée, jusqu’à 9."),
        default=BEST_RANK,
        validators=[InputRequired(_l("Indiquez un rang de 1 à 9."))],
        render_kw={"inputmode": "numeric", "min": BEST_RANK, "max": WORST_RANK},
    )
    comment = StringField(_l("Commentaire (facultatif)"))

    def to_fields(self) -> OptionFields:
        return OptionFields(
            day=self.day.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            rank=self.rank.data,
            comment=self.comment.data or "",
        )


class BlackoutForm(FlaskForm):
    first_day = DateField(
        _l("Premier jour"),
        validators=[DataRequired(_l("Indiquez le premier jour.")), PlausibleDay()],
    )
    last_day = DateField(
        _l("Dernier jour, inclus (vide : le même jour)"), validators=[Optional(), PlausibleDay()]
    )
    reason = StringField(_l("Raison (facultatif)"))


class VisitDurationForm(FlaskForm):
    minutes = IntegerField(
        _l("Durée habituelle d’une visite, en minutes"),
        description=_l("De 30 à 720 minutes ; 180 minutes (3 heures) sans indication."),
        default=DEFAULT_VISIT_MINUTES,
        validators=[InputRequired(_l("Indiquez une durée en minutes."))],
        render_kw={"inputmode": "numeric", "min": MIN_VISIT_MINUTES, "max": MAX_VISIT_MINUTES},
    )
