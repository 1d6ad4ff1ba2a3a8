"""Destructive actions ask first. Their forms (templates/_macros.html, confirm_action) open a
modal whose form carries confirmation=oui; a post without it (no JavaScript, or a replayed
form) changes nothing and gets a page asking the same question, with the same fields."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l

CONFIRMATION_FIELD = "confirmation"

# What each destructive action loses, said in its modal and on the page that asks without
# JavaScript (templates call warning_of, views pass it to unless_confirmed).
WARNINGS = {
    "regenerate_link": _l(
        "L’ancien lien cessera aussitôt de fonctionner dans toutes les applications d’agenda "
        "qui l’utilisent ; il faudra s’abonner au nouveau."
    ),
    "cancel_workshop": _l(
        "L’atelier restera affiché comme annulé et ne prendra plus d’inscriptions. Chaque "
        "personne inscrite, confirmée ou en liste d’attente, en sera prévenue par e-mail. "
        "Cette action ne peut pas être défaite."
    ),
    "cancel_registration": _l(
        "Un e-mail prévient la personne ; sa place va à la première personne de la liste d’attente."
    ),
    "anonymise": _l(
        "Le nom, l’adresse e-mail, la structure et le territoire de cette personne seront "
        "effacés, ainsi que ses e-mails ; son lien personnel ne marchera plus. Sa place reste "
        "comptée. Cette action ne peut pas être défaite."
    ),
    "remove_stop_speaker": _l(
        "La personne ne figurera plus au programme de l’étape ; sa fiche reste."
    ),
    "remove_participant": _l(
        "Elle ne figurera plus parmi les intervenant·es de « %(title)s » ; sa fiche reste."
    ),
    "delete_round_table": _l(
        "La table ronde et la liste de ses intervenant·es disparaissent du programme et des "
        "agendas. Cette action ne peut pas être défaite."
    ),
    "remove_availability": _l(
        "Les avertissements de planification ne la prendront plus en compte."
    ),
    "remove_date_option": _l(
        "La coordination nationale ne la verra plus parmi les dates que vous proposez."
    ),
    "remove_blackout": _l(
        "La coordination nationale pourra de nouveau programmer une étape ces jours-là."
    ),
    "delete_comment": _l(
        "Le commentaire et son historique disparaissent de la discussion. Cette action ne peut "
        "pas être défaite."
    ),
    "remove_checklist_item": _l(
        "Les étapes créées ensuite n’auront plus cette tâche ; celles qui l’ont déjà la gardent."
    ),
    "delete_task": _l("La tâche disparaît de l’étape et des listes de tâches de chacun."),
    "cancel_own_registration": _l(
        "Votre place à l’atelier « %(title)s » sera libérée et donnée à la personne suivante "
        "de la liste d’attente."
    ),
}


def warning_of(action: str, **values) -> str:
    text = str(WARNINGS[action])
    return text % values if values else text


def is_confirmed() -> bool:
    return request.form.get(CONFIRMATION_FIELD) == "oui"


def ask_confirmation(title: str, message: str, confirm_label: str, cancel_url: str):
    """The confirmation page for the current post: the same action, the same fields."""
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in {"csrf_token", CONFIRMATION_FIELD}
    ]
    return render_template(
        "confirm.html",
        title=title,
        message=message,
        confirm_label=confirm_label,
        cancel_url=cancel_url,
        action=request.path,
        fields=fields,
    )


def unless_confirmed(title: str, message: str, confirm_label: str, cancel_url: str):
    """None when the post carries the yes; otherwise the page that asks it. In a view:
    ``if (question := unless_confirmed(...)) is not None: return question``."""
    if is_confirmed():
        return None
    return ask_confirmation(title, message, confirm_label, cancel_url)
