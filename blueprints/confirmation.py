"""Destructive actions ask first. Their forms (templates/_macros.html, confirm_action) open a
modal whose form carries confirmation=oui; a post without it (no JavaScript, or a replayed
form) changes nothing and gets a page asking the same question, with the same fields."""

from flask import render_template, request

CONFIRMATION_FIELD = "confirmation"


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
