"""textual-image, set up in two steps so that every start of the app does not pay for a picture it may never show.

textual-image asks the terminal what it can draw (Sixel, the kitty protocol, its cell size) when it is first
imported, which it cannot do once Textual reads the terminal's input: so `ask_terminal` imports it before the app
starts. Its Sixel encoder also imports numpy, its optional accelerator, at that moment: 40 ms of every start-up on
the benchmark's machine, for an encoder used only when a receipt's picture is shown on a Sixel terminal. So the
terminal is asked with numpy held back, and `accelerate` hands numpy to the encoder, from the worker that decodes
the first picture, before any picture is drawn.
"""

from __future__ import annotations

import importlib
import sys
import threading

_LOCK = threading.Lock()


def ask_terminal() -> None:
    """Import textual-image now, while the terminal can still answer it, without numpy.

    Called before the app (or any thread) starts: an import of numpy meanwhile would fail."""
    held_back = "numpy" not in sys.modules
    if held_back:
        sys.modules["numpy"] = None  # type: ignore[assignment] - makes `import numpy` raise ImportError
    try:
        import textual_image.widget  # noqa: F401
    finally:
        if held_back and sys.modules.get("numpy", 0) is None:
            del sys.modules["numpy"]


def accelerate() -> bool:
    """Give textual-image's Sixel encoder numpy back, once; True when it encodes with numpy.

    The encoder decides by a module-level flag set when its module runs, so the module is run again now that numpy
    can be imported. Call it off the event loop (numpy's import takes tens of milliseconds) and before the first
    picture is drawn."""
    from textual_image import _sixel

    with _LOCK:
        if getattr(_sixel, "_HAS_NUMPY", True):
            return True
        try:
            import numpy  # noqa: F401
        except ImportError:
            return False
        importlib.reload(_sixel)
        return bool(_sixel._HAS_NUMPY)
