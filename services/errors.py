"""Errors that services raise and views turn into messages."""


class InvalidInput(Exception):
    """Input that breaks a rule; `errors` maps a field name (or "") to French messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


class EditConflict(Exception):
    """The item changed since the person opened it: their save would overwrite someone else's."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
