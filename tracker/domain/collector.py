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


# A bulk load makes and drops a few tuples for every cell it reads: at Python's 700 new objects a collection, the
# youngest generation was collected some 6 400 times per million rows and, worse, promoted whatever was alive at that
# moment (the chunk being built) to the older generations, which then walked it again. At 20 000 the chunk's
# short-lived objects are gone before a collection comes: a million rows imported in 24.4-24.6 -> 22.5-22.9 s, the
# same peak memory (237 MiB, the older generations keep their own thresholds).
BULK_YOUNG = 20_000


@contextmanager
def bulk() -> Iterator[None]:
    """Collect the youngest generation every `BULK_YOUNG` new objects inside this block (a large import's reading
    and storing), then as before."""
    before = gc.get_threshold()
    gc.set_threshold(max(BULK_YOUNG, before[0]), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
