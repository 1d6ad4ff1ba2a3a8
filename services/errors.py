"""Errors that services raise and views turn into messages."""


class InvalidInput(Exception):
    """Input that breaks a rule; `errors` maps a field name (or "") to French messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors

    @property
    def first_message(self) -> str:
        """For a refusal shown without a form: the first message."""
        return next((m for messages in self.errors.values() for m in messages), "")


class ActionRefused(Exception):
    """The action cannot happen in the current state (a full or closed workshop, a person
    who is not on the waiting list…); `message` says why, in French."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EditConflict(ActionRefused):
    """The item changed since the person opened it: their save would overwrite someone else's."""
