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

    @property
    def reason(self) -> str:
        """The message and what works instead, without where: for a place that already shows where (a refused
        row's column, a form field)."""
        return f"{self.message} ({self.hint})" if self.hint else self.message

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason


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


SHOWN_LIMIT = 40


def shorten(text: str, limit: int = SHOWN_LIMIT) -> str:
    """A value quoted in a message, cut to `limit` characters with an ellipsis: a 10 000-character cell must not
    flood the screen, and the reader still sees how it starts."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def field_error(field: str, value: object, why: str, accepted: str | None = None) -> InvalidInput:
    """A refusal that names the field, the value (cut short) and what would be accepted."""
    message = _("{value!r} is not accepted: {why}").format(value=shorten(str(value)), why=why)
    return InvalidInput(message, where=field, hint=accepted)


class LineNotFound(NotFound):
    """A top-up for a number that has no line yet: the caller may confirm and create it."""

    def __init__(self, number: str, shown: str | None = None) -> None:
        """`shown`: the number as the message may show it (masked on a shared screen)."""
        super().__init__(
            _("no line {number} yet").format(number=shown or number),
            where="line",
            hint=_("add it with `topup lines add` or confirm to create it"),
        )
        self.number = number


class Cancelled(TrackerError):
    """The user stopped a long operation; its transaction was rolled back."""
