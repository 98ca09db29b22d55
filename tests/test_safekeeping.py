"""Nothing lost, nobody in: backups before migrations that rotate, a newer database refused untouched, files
readable by their owner only, no leftovers from a killed export or a refused bundle."""

from __future__ import annotations

import json
import os
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import add, write_file
from tracker.cli import cli
from tracker.domain.errors import StorageError
from tracker.domain.settings import sqlite_url
from tracker.service import Tracker
from tracker.service.transfers import PARTIAL, STALE_SECONDS
from tracker.storage import db


def _old_database(path: Path) -> None:
    engine = db.make_engine(sqlite_url(path))
    db.migrate(engine, revision="0001")
    engine.dispose()


def test_pre_migration_backups_are_private_whole_and_the_last_five_kept(tmp_path: Path, monkeypatch) -> None:
    backups = tmp_path / "backups"
    made = []
    for second in range(7):
        monkeypatch.setattr("tracker.storage.db.datetime", _Clock(second))
        path = tmp_path / "topup.sqlite3"
        path.unlink(missing_ok=True)
        _old_database(path)
        engine = db.make_engine(sqlite_url(path))
        made.append(Path(db.migrate(engine, backups)))
        engine.dispose()
    kept = sorted(p.name for p in backups.iterdir())
    assert kept == sorted(p.name for p in made[-5:])  # the newest five, and no partial file beside them
    assert all((backups / name).stat().st_mode & 0o777 == 0o600 for name in kept)
    with sqlite3.connect(backups / kept[-1]) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()


class _Clock:
    """datetime.now for the backup's name: one second further on each time."""

    def __init__(self, second: int) -> None:
        self.second = second

    def now(self, tz):
        from datetime import datetime

        return datetime(2026, 11, 24, 7, 0, self.second, tzinfo=tz)


def test_a_database_newer_than_the_code_is_refused_untouched_without_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "topup.sqlite3"
    _old_database(path)
    with sqlite3.connect(path) as c:
        c.execute("UPDATE alembic_version SET version_num = '0099'")
    c.close()
    before = path.read_bytes()
    engine = db.make_engine(sqlite_url(path))
    with pytest.raises(StorageError, match="revision 0099, newer than this topup knows") as refused:
        db.migrate(engine, tmp_path / "backups")
    engine.dispose()
    assert db.HEAD in str(refused.value) and not (tmp_path / "backups").exists()
    assert path.read_bytes() == before


def test_db_current_against_an_unreachable_server_says_so(monkeypatch) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"
    result = CliRunner().invoke(cli, ["--db", url, "db", "current"])
    assert result.exit_code == 1
    assert "cannot open the database" in result.output and "internal error" not in result.output


def test_the_database_and_its_folder_are_the_owners_only(tmp_path: Path) -> None:
    path = tmp_path / "home" / "topup.sqlite3"
    engine = db.make_engine(sqlite_url(path))
    db.migrate(engine)
    engine.dispose()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o077 == 0


def test_an_export_is_private_and_a_killed_exports_leftover_is_removed(tracker: Tracker, tmp_path: Path) -> None:
    add(tracker, reference="A")
    old = write_file(tmp_path / f".earlier.csv{PARTIAL}", b"half an export")
    past = time.time() - STALE_SECONDS - 5
    os.utime(old, (past, past))
    young = write_file(tmp_path / f".running.csv{PARTIAL}", b"another export in progress")
    target = tmp_path / "out.csv"
    assert tracker.export_file(target) == (1, 0)
    assert target.stat().st_mode & 0o777 == 0o600
    assert not old.exists() and young.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(PARTIAL)) == [young.name]


def test_a_refused_bundle_adds_nothing_to_the_receipt_store(tracker: Tracker, tmp_path: Path) -> None:
    record = add(tracker, reference="A", receipts=(write_file(tmp_path / "slip.png", b"\x89PNG new slip"),))
    bundle = tmp_path / "b.zip"
    tracker.export_file(bundle, bundle=True)
    stored = tracker.receipt_path(record.receipts[0])
    stored.chmod(0o600)
    stored.unlink()
    with zipfile.ZipFile(bundle) as z:
        members = {n: z.read(n) for n in z.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    csv_text = members["topups.csv"].decode().replace(",bank_app,", ",no_such_channel,")  # every row refused
    members["topups.csv"] = csv_text.encode()
    import hashlib

    manifest["csv"]["sha256"] = hashlib.sha256(members["topups.csv"]).hexdigest()
    refused = tmp_path / "refused.zip"
    with zipfile.ZipFile(refused, "w") as z:
        z.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            z.writestr(name, data)
    tracker.delete_topup(record.id, source="cli")
    report = tracker.import_file(refused)
    assert not report.written and report.refused
    assert not stored.exists()
