"""The filter bar above the top-ups table: free text, month, line, status, channel."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Select

from tracker.domain.i18n import _
from tracker.domain.vocab import Channel, Status, label


class FilterBar(Horizontal):
    class Changed(Message):
        def __init__(self, values: dict[str, str]) -> None:
            super().__init__()
            self.values = values

    def compose(self) -> ComposeResult:
        yield Input(placeholder=_("search reference, provider, note"), id="search")
        yield Input(placeholder=_("month"), id="month")
        yield Input(placeholder=_("line"), id="line")
        yield Select([(label(s), s.value) for s in Status], prompt=_("status"), id="status")
        yield Select([(label(c), c.value) for c in Channel], prompt=_("channel"), id="channel")

    def values(self) -> dict[str, str]:
        found = {w.id or "": w.value.strip() for w in self.query(Input)}
        for select in self.query(Select):
            found[select.id or ""] = "" if select.value is Select.NULL else str(select.value)
        return {k: v for k, v in found.items() if v}

    _last: dict[str, str] | None = None

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._post_if_changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._post_if_changed()

    def _post_if_changed(self) -> None:
        """Only real changes: widgets report their initial values on mount, which must not reload the table."""
        values = self.values()
        if values != (self._last or {}):
            self._last = values
            self.post_message(self.Changed(values))
