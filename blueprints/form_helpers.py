"""Form fields and form helpers shared by the blueprints."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length


def email_field(label: str, missing_message: str) -> EmailField:
    return EmailField(
        label,
        # Pasted addresses often carry spaces; browsers strip them, the server does too.
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired(missing_message),
            Email(_l("Cette adresse e-mail n’est pas valide."), check_deliverability=False),
            Length(max=254),
        ],
    )


def show_service_errors(form, errors: dict[str, list[str]], aliases: dict[str, str] | None = None):
    """Put a service's InvalidInput messages on the form's fields (aliases map a service's
    field name to the form's); messages for no known field go on top of the form."""
    for field_name, messages in errors.items():
        name = (aliases or {}).get(field_name, field_name)
        field = getattr(form, name, None) if name else None
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = list(field.errors) + messages


def int_or_none(value) -> int | None:
    """Select values arrive as text; anything that is not an id becomes None, which the
    service reports as an unknown territory or organisation."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
