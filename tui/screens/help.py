"""Help: the keys of the screen you came from, and the advice topup follows."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown

from tracker.domain.i18n import _

ADVICE = _("""
## The advice topup follows

- **Confirm the amount** before and after: what you asked for, what you paid, what the line was credited.
  Press `v` on a top-up once you have checked the balance (Kcell/activ `*100#`, Beeline `*102#`, ALTEL `*111#`).
- **Watch the network**: a payment that dropped mid-way may be pending, failed or charged twice. topup warns
  before you save a second top-up of the same amount to the same line within 15 minutes.
- **Keep proof**: the receipt number and the receipt itself. Press `r` to attach a photo or PDF; topup keeps it
  with a hash that proves it is intact.
- **Know the rules** of the packages you buy: expiry dates and refund deadlines are checked for you.
""")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", _("Close"))]

    def __init__(self, origin: Screen) -> None:
        super().__init__()
        self.origin = origin

    def compose(self) -> ComposeResult:
        keys = [f"| `{b.key}` | {b.description} |" for b in self._keys() if b.description]
        text = "\n".join([f"## {_('Keys')}", "", f"| {_('Key')} | {_('Action')} |", "|---|---|", *keys, ADVICE])
        with VerticalScroll(classes="dialog help"):
            yield Markdown(text)

    def _keys(self) -> list[Binding]:
        found = [b for b in self.origin.BINDINGS if isinstance(b, Binding)]
        return found + [b for b in self.app.BINDINGS if isinstance(b, Binding)]
