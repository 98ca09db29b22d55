"""Stopping a long read when nobody waits for it any more.

The app's dashboard runs the checks in a worker; when the user moves to another screen the worker is cancelled,
but a statement already running kept a core and the database busy for as long as it took (a second or more on a
million top-ups), and the screen the user went to answered that much later. SQLite calls a progress handler every
few thousand steps of a statement; returning true from it abandons the statement. PostgreSQL has no such hook
here, so there a statement runs to its end and the result is dropped, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from tracker.domain.errors import Cancelled
from tracker.domain.i18n import _

STEPS = 20_000  # SQLite virtual-machine steps between two questions: about a millisecond


@contextmanager
def stoppable(s: Session, stop: Callable[[], bool] | None) -> Iterator[None]:
    """Statements run inside the block are abandoned once `stop()` says so, which raises `Cancelled`."""
    if stop is None or s.get_bind().dialect.name != "sqlite":
        yield
        return
    raw = s.connection().connection.driver_connection
    raw.set_progress_handler(lambda: 1 if stop() else 0, STEPS)  # type: ignore[union-attr]
    try:
        yield
    except DBAPIError as exc:
        if stop():
            raise Cancelled(_("stopped; nothing was changed")) from exc
        raise
    finally:
        raw.set_progress_handler(None, 0)  # type: ignore[union-attr]
