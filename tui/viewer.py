"""Opening a receipt with the system's own viewer, where the system has one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def system_viewer() -> list[str] | None:
    """The command that opens a file in its usual application, or None (a server, a bare console)."""
    if sys.platform == "darwin":
        return ["open"]
    if os.name == "nt":
        return ["cmd", "/c", "start", ""]
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return None  # xdg-open without a display would start a text browser inside our terminal
    found = shutil.which("xdg-open")
    return [found] if found else None


def open_with_system_viewer(path: Path) -> bool:
    """Start the viewer detached from the app; False when there is none."""
    command = system_viewer()
    if command is None:
        return False
    subprocess.Popen(
        [*command, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return True
