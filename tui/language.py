"""Changing the language while the app runs: every screen redraws itself in the new one, keeping what was typed.

Textual has no i18n of its own. Key descriptions (`BINDINGS`) are defined once, at import, so they hold the English
source (`N_`) and are translated where the footer and the help read them: in `active_bindings`. Everything a screen
composes is translated as it is composed, so a screen in another language is composed again (`recompose`), with the
values of its fields, its focus and whatever else it names in `keep` carried over, and then filled again (`refill`).
Screens of other modes are redrawn when they are next shown.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import ActiveBinding
from textual.widgets import Checkbox, Input, Select, Switch

from tracker.domain.i18n import _, language

KEPT = (Input, Select, Checkbox, Switch)


def translated(active: ActiveBinding) -> ActiveBinding:
    binding = active.binding
    description = _(binding.description) if binding.description else ""
    tooltip = _(active.tooltip) if active.tooltip else active.tooltip
    return ActiveBinding(active.node, replace(binding, description=description), active.enabled, tooltip)


class Translated:
    """Mixin for every topup screen (and modal): translated keys, and a redraw in a new language."""

    composed_in = ""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        found: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        return {key: translated(active) for key, active in found.items()}

    def on_mount(self) -> None:
        self.composed_in = language()

    def on_screen_resume(self) -> None:
        if self.composed_in and self.composed_in != language():
            # On the app, not the screen: the redraw cancels the screen's own workers and must not cancel itself.
            self.app.run_worker(self.retranslate(), group="retranslate")  # type: ignore[attr-defined]

    async def retranslate(self) -> None:
        """Compose again in the current language, with the user's values and place kept."""
        screen: Any = self
        kept = self.keep()
        focused = screen.focused.id if screen.focused is not None else None
        screen.workers.cancel_node(screen)
        self.composed_in = language()
        await screen.recompose()
        self.refill()
        self.restore(kept)
        if focused:
            found = screen.query(f"#{focused}")
            if found:
                found.first().focus()
        screen.refresh_bindings()

    def keep(self) -> dict[str, Any]:
        """What survives a redraw: by default the value of every field that has an id."""
        screen: Any = self
        return {f"#{w.id}": w.value for w in screen.query(",".join(k.__name__ for k in KEPT)) if w.id}

    def restore(self, kept: dict[str, Any]) -> None:
        screen: Any = self
        for selector, value in kept.items():
            if selector.startswith("#") and (found := screen.query(selector)):
                found.first().value = value

    def refill(self) -> None:
        """Fill the freshly composed widgets as after the first compose (screens that load data say how)."""
