from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from services.collaboration.comments import MAX_LENGTH


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Votre commentaire"),
        description=_l(
            "Markdown simple (gras, italique, listes, liens). Tapez @ pour mentionner une "
            "personne de l’équipe : @[Prénom Nom]. Visible des seul·es organisateur·rices."
        ),
        validators=[
            DataRequired(_l("Écrivez votre commentaire avant de l’envoyer.")),
            Length(max=MAX_LENGTH),
        ],
        render_kw={"rows": 4, "data-mentions": ""},
    )
