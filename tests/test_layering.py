"""The core never imports Textual: checked in a fresh interpreter, where nothing else could have loaded it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import tracker

ROOT = Path(__file__).resolve().parents[1]


def test_no_tracker_module_loads_textual() -> None:
    modules = [m.name for m in pkgutil.walk_packages(tracker.__path__, "tracker.") if not m.name.endswith("__main__")]
    script = "import importlib, sys\n" + "".join(f"importlib.import_module({m!r})\n" for m in modules)
    script += "print(sorted(n for n in sys.modules if n == 'textual' or n.startswith(('textual.', 'tui'))))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert len(modules) > 10
    assert out.stdout.strip() == "[]"


def test_the_tui_writes_no_sql() -> None:
    """tui/ calls the service facade; it never imports SQLAlchemy or the ORM models."""
    files = list((ROOT / "tui").rglob("*.py"))
    assert len(files) >= 8
    words = ("sqlalchemy", "tracker.storage.models", "tracker.storage.db", "Session(")
    offenders = [str(p.relative_to(ROOT)) for p in files if any(w in p.read_text(encoding="utf-8") for w in words)]
    assert offenders == []
