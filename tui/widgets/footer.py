"""Textual's footer, composed again only when the keys it shows change.

Textual's `Footer` builds all its keys anew whenever a screen's bindings may have changed: on every focus change and
screen switch, several times while a screen opens. Most of those show the same keys (a table's and a field's keys
are hidden), and each rebuild of a dozen keys took about 20 ms, 130 ms of the top-ups screen's first 0.5 s.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

Shown = tuple[object, ...]


class KeysFooter(Footer):
    _shown: Shown | None = None

    def keys_shown(self) -> Shown:
        """What `compose` would show: each shown binding's key, description (translated), state and tooltip, in
        the footer's current form (compact, with or without the palette's key)."""
        found = self.screen.active_bindings.values()
        keys = tuple((b.key, b.description, enabled, tooltip or "") for _node, b, enabled, tooltip in found if b.show)
        return self.compact, self.show_command_palette, keys

    async def recompose(self) -> None:
        if not self.is_attached or self._pruning:  # a closed screen's last refresh: nothing to show any more
            return
        ready = getattr(self, "_bindings_ready", True)  # Textual's own flag (private): before it, no keys
        shown = self.keys_shown() if ready else None
        if shown is not None and shown == self._shown:
            return
        self._shown = shown
        await super().recompose()

    def compose(self) -> ComposeResult:
        """Textual's keys, each made in its final form already. A key is made compact, then, as it mounts, takes
        the form of the footer it is bound to (the palette's key is bound to none and stays compact), and each
        change of its class restyled it: three stylings of each of the dashboard's keys where one does. (Which
        keys are bound is Textual's private record; where a version keeps none, the keys are left as made.)"""
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                bound = getattr(widget, "_reactive_connect", None) or {}
                compact = self.compact if "compact" in bound else widget.compact
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget
