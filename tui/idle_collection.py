"""Python's full garbage collections, moved to the moments the user is not typing.

Now and then Python's collector walks every live object (its oldest generation). In the app, with a few hundred
top-ups on screen, their drawn cells and SQLAlchemy's caches, that takes 12-30 ms; falling in the middle of a key
it is a hitch the user sees (a line filter's answer took 0.15 s instead of 0.10 when one fell inside it). The app
leaves the young generations to Python, quick as they are, and runs the full collection itself, from a timer,
once the keyboard and the mouse have been still for a moment, or anyway when one is long overdue.
"""

from __future__ import annotations

import gc
import time

from textual import events
from textual.app import App

CHECK_EVERY = 1.0  # seconds between looks
STILL_FOR = 0.5  # seconds without a key or a click before a full collection may run
DUE_AFTER = 10  # collections of the middle generation since the last full one: Python's own default rule
OVERDUE = 30.0  # seconds after which a due collection runs even while the user keeps typing
NEVER = 2**30  # as Python's own threshold for the oldest generation: it never gets there


def full_collection_now(middle_since_full: int, since_input: float, since_full: float) -> bool:
    """Whether the timer should run a full collection: one is due (as Python would count it) and the user is
    still, or it has waited too long."""
    return middle_since_full >= DUE_AFTER and (since_input >= STILL_FOR or since_full >= OVERDUE)


class CollectsWhenIdle(App):
    """Mixed into the app: Python's own full collections off while it runs (restored when it ends), its own on a
    timer when the user is still."""

    _last_input = 0.0
    _last_full = 0.0
    _thresholds: tuple[int, int, int] | None = None

    def _on_mount(self, event: events.Mount) -> None:
        self._thresholds = gc.get_threshold()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, NEVER)
        self._last_input = self._last_full = time.monotonic()
        self.set_interval(CHECK_EVERY, self._collect_if_still, name="idle-collection")

    def _on_unmount(self, event: events.Unmount) -> None:
        if self._thresholds is not None:
            gc.set_threshold(*self._thresholds)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown | events.MouseScrollUp):
            self._last_input = time.monotonic()
        await super().on_event(event)

    def _collect_if_still(self) -> None:
        now = time.monotonic()
        if full_collection_now(gc.get_count()[2], now - self._last_input, now - self._last_full):
            gc.collect()
            self._last_full = now
