"""Loading the big libraries with Python's cycle collector paused, then freezing what they built.

Importing SQLAlchemy under the service, or Textual under the app, makes some hundred thousand objects that live as
long as the process, none of them garbage. The collector, run every 700 new objects, walked them again and again
while they were made (~40 ms of a `topup list`, as much again of opening the app), and a full collection later
walked them all once more: 100 ms at once in the app, in the middle of a page down. Frozen (`gc.freeze`), every
later collection, and the one at exit, leaves them alone; what the program makes afterwards is collected as usual.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(module: str) -> Iterator[None]:
    """Import `module` (and what it needs) inside this block: the collector waits, then what was built is frozen.
    Only the first time, and only when the collector runs: a process that has the module already (the tests, a
    second command) has nothing new to freeze."""
    if module in sys.modules or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
