"""A screen styled as its widgets mounted is not styled all over again the first time it is shown.

Textual restyles every widget of a screen each time the screen is resumed (its `ScreenResume` event), in case the
stylesheet changed while the screen was hidden, and a mode shown for the first time is resumed twice, right after
its widgets took their styles as they mounted: 10 to 20 ms of the top-ups screen's first appearance on the
benchmark's machine, spent finding the styles it already has. So until the screen has been hidden once, and while
the app's stylesheet is still the one its widgets were styled with, a resume keeps the styles they have; after
that, Textual's own rule applies. (Textual's count of stylesheet changes is private: where a version has none, its
own rule applies throughout.)
"""

from __future__ import annotations

from typing import Any

from textual import events


class StyledOnce:
    _hidden_once = False

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._hidden_once and self._styles_current():
            event.refresh_styles = False
        super()._on_screen_resume(event)  # type: ignore[misc]

    def _on_screen_suspend(self) -> None:
        self._hidden_once = True
        super()._on_screen_suspend()  # type: ignore[misc]

    def _styles_current(self) -> bool:
        screen: Any = self
        app_count = getattr(screen.app, "_css_update_count", None)
        return app_count is not None and app_count == getattr(screen, "_css_update_count", None)
