"""A receipt image right in the terminal: Sixel or the kitty graphics protocol where the terminal speaks one,
half-block cells where it does not (textual-image chooses)."""

from __future__ import annotations

from PIL.Image import Image as PILImage
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

# textual-image asks the terminal what it can draw when it is first imported, which it can no longer do once Textual
# reads the terminal's input: `tui.app.run` imports it before the app starts (see `tui.app.prepare`).
from textual_image.widget import Image as TerminalImage

__all__ = ["ReceiptPreview", "TerminalImage"]


class ReceiptPreview(Vertical):
    """Shows one image at a time with a caption; `show(None, why)` says why there is no picture."""

    def compose(self) -> ComposeResult:
        yield Static("", id="preview-caption")

    def show(self, image: PILImage | None, caption: str) -> None:
        self.query(TerminalImage).remove()
        self.query_one("#preview-caption", Static).update(caption)
        if image is not None:
            self.mount(TerminalImage(image))
