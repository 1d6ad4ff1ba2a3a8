"""Errors that services raise and views turn into messages."""

from flask_babel import gettext as _


class InvalidInput(Exception):
    """Input that breaks a rule; `errors` maps a field name (or "") to French messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors

    @property
    def first_message(self) -> str:
        """For a refusal shown without a form: the first message."""
        return next((m for messages in self.errors.values() for m in messages), "")


class FieldErrors:
    """What is wrong with an input, field by field, so that a form shows every problem at once:
    `add` each one while checking, then `raise_if_any`. The field "" is the form as a whole."""

    def __init__(self) -> None:
        self._errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self._errors.setdefault(field, []).append(message)

    def require(self, **values: object) -> None:
        """Each of these fields left empty gets "Ce champ est obligatoire."."""
        for field, value in values.items():
            if value is None:
                self.add(field, _("Ce champ est obligatoire."))

    def __bool__(self) -> bool:
        return bool(self._errors)

    def raise_if_any(self) -> None:
        """Refuse the input with every message collected, if there is one."""
        if self._errors:
            raise InvalidInput({field: list(messages) for field, messages in self._errors.items()})


class ActionRefused(Exception):
    """The action cannot happen in the current state (a full or closed workshop, a person
    who is not on the waiting list…); `message` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EditConflict(ActionRefused):
    """The item changed since the person opened it: their save would overwrite someone else's."""
