"""TUI tests run the real app on a file database (workers use threads; an in-memory SQLite would be empty there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import NOW, fresh_database_url
from tracker.domain.clock import Clock
from tracker.domain.settings import load_settings
from tracker.service import Tracker
from tracker.storage import db


@pytest.fixture
def tracker(home: Path, templates: dict[str, str | None], tmp_path: Path) -> Iterator[Tracker]:
    settings = load_settings(home=home, database_url=fresh_database_url("sqlite", templates, tmp_path))
    t = Tracker(settings, db.make_engine(settings.database_url), Clock(fixed=NOW))
    yield t
    t.close()
