"""One family of errors that know where they happened and what the user can do about it.

The CLI turns a `TrackerError` into a message on stderr and exit code 1; the TUI turns it into a dialog.
Neither ever shows a traceback for one.
"""

from __future__ import annotations

from tracker.domain.i18n import _


class TrackerError(Exception):
    """A refusal or failure the user should read: `where` names the field, row or file; `hint` says what works."""

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class InvalidInput(TrackerError):
    """A value typed or imported that topup refuses to guess about."""


class NotFound(TrackerError):
    """A top-up, line or batch that does not exist."""


class Conflict(TrackerError):
    """An operation that would contradict what is stored (a duplicate receipt, an edited batch row)."""


class StorageError(TrackerError):
    """The database or the receipt store could not be reached or written."""


class InvalidInputs(InvalidInput):
    """Several field refusals gathered at once, so a form can show them all."""

    def __init__(self, errors: list[InvalidInput]) -> None:
        self.errors = errors
        first = errors[0]
        message = "; ".join(str(e) for e in errors)
        super().__init__(message)
        self.where = None
        self.hint = None
        self.first = first


def field_error(field: str, value: object, why: str, accepted: str | None = None) -> InvalidInput:
    """A refusal that names the field, the value (cut short) and what would be accepted."""
    shown = str(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    message = _("{value!r} is not accepted: {why}").format(value=shown, why=why)
    return InvalidInput(message, where=field, hint=accepted)


class Cancelled(TrackerError):
    """The user stopped a long operation; its transaction was rolled back."""
