"""A screen styled as its widgets mounted is not styled all over again the first time it is shown.

Textual restyles every widget of a screen each time the screen is resumed (its `ScreenResume` event), in case the
stylesheet changed while the screen was hidden, and a mode shown for the first time is resumed twice, right after
its widgets took their styles as they mounted: 10 to 20 ms of the top-ups screen's first appearance on the
benchmark's machine, spent finding the styles it already has. So until the screen has been hidden once, and while
the app's stylesheet is still the one its widgets were styled with as they mounted, a resume keeps the styles they
have; after that, Textual's own rule applies. (Textual's count of stylesheet changes is private: where a version
has none, its own rule applies throughout.)
"""

from __future__ import annotations

from textual import events
from textual.screen import Screen


class StyledOnce:
    _hidden_once = False
    _styled_with: int | None = None  # the app's count of stylesheet changes when the screen's widgets mounted

    def _on_mount(self, event: events.Mount) -> None:
        self._styled_with = _changes(self)
        super()._on_mount(event)  # type: ignore[misc]

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._hidden_once and self._styled_with is not None and _changes(self) == self._styled_with:
            event.refresh_styles = False
        super()._on_screen_resume(event)  # type: ignore[misc]

    def _on_screen_suspend(self) -> None:
        self._hidden_once = True
        super()._on_screen_suspend()  # type: ignore[misc]


def _changes(screen: object) -> int | None:
    """How many times the app's stylesheet has changed (Textual's private count), or None where it keeps none."""
    assert isinstance(screen, Screen)
    count = getattr(screen.app, "_css_update_count", None)
    return count if isinstance(count, int) else None
