"""What `topup list` costs before it lists (issue 21): only the modules a listing uses, and the database opened
with one query when its schema is current."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import add
from tracker.domain.settings import load_settings, sqlite_url
from tracker.service import Tracker, schema
from tracker.storage import db

ROOT = Path(__file__).resolve().parents[1]
# Runs a command as `topup` does, then reports every module it loaded.
_PROBE = """
import sys
from tracker.cli import main
try:
    main()
finally:
    print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""
# Loaded to parse a number or a date, to migrate, to import, export or check: never by a listing whose lines all
# have labels.
UNUSED_BY_A_LISTING = {"phonenumbers", "dateutil.parser", "alembic", "tracker.flows.importing.importer",
                       "tracker.flows.exporting.rows", "tracker.flows.checks"}  # fmt: skip


def _loaded(home: Path, *args: str) -> tuple[str, set[str]]:
    env = {**os.environ, "TOPUP_HOME": str(home), "PYTHONPATH": str(ROOT), "LANGUAGE": "en", "COLUMNS": "120"}
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout, set(done.stderr.splitlines()[-1].split())


def _database_with(home: Path, **fields: str) -> None:
    tracker = Tracker.open(load_settings(home=home))
    try:
        add(tracker, **fields)
    finally:
        tracker.close()


def test_a_listing_of_labelled_lines_loads_no_phone_metadata_date_parser_nor_alembic(home: Path) -> None:
    _database_with(home, line_label="Mum")
    shown, loaded = _loaded(home, "list", "--limit", "1")
    assert "Mum" in shown and "2,000.00\u00a0KZT" in shown
    assert "sqlalchemy" in loaded  # the probe sees what the command loads
    assert not loaded & UNUSED_BY_A_LISTING, sorted(loaded & UNUSED_BY_A_LISTING)


def test_a_line_without_a_label_is_still_shown_as_phonenumbers_formats_it(home: Path) -> None:
    _database_with(home)
    shown, loaded = _loaded(home, "list", "--limit", "1")
    assert "+7 701 123 4567" in shown
    assert "phonenumbers" in loaded


def test_the_service_loads_with_the_collector_paused_and_is_frozen_out_of_its_way(home: Path) -> None:
    """Importing SQLAlchemy and the service under a running collector cost ~40 ms of walking objects that are
    never garbage: they load with it paused, are frozen, and it runs again once the database is open."""
    probe = ("import gc; from tracker.cli.context import AppContext; app = AppContext(None); app.tracker; "
             "print(gc.isenabled(), gc.get_freeze_count()); app.close()")  # fmt: skip
    env = {**os.environ, "TOPUP_HOME": str(home), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    enabled, frozen = done.stdout.split()
    assert enabled == "True"
    assert int(frozen) > 50_000  # SQLAlchemy's classes and functions, and the rest of what loaded with it


def test_a_current_database_opens_without_the_migration_step(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(home=home)
    Tracker.open(settings).close()  # created and migrated to the head

    def refuse(*_args: object) -> None:
        raise AssertionError("migrate called for a database at the head")

    monkeypatch.setattr(schema, "migrate", refuse)
    Tracker.open(settings).close()


def test_an_older_database_is_still_upgraded_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old" / "topup.sqlite3"
    engine = db.make_engine(sqlite_url(path))
    db.migrate(engine, revision="0001")
    engine.dispose()
    settings = load_settings(home=tmp_path / "home", database_url=sqlite_url(path))
    tracker = Tracker.open(settings)
    try:
        assert db.current_revision(tracker.engine) == db.HEAD
        assert tracker.list_topups(limit=1).items == ()
    finally:
        tracker.close()
