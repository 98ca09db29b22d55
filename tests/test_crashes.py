"""A real `topup` process killed with SIGKILL mid-way leaves the data whole: the SQLite file passes its integrity
check, the change is there entirely or not at all, and running the command again completes it.

Each command is first timed unkilled; it is then killed at points spread over that time (and a little past the
start, where start-up ends and the writing begins). The figures of the last run are in docs/reliability.md.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from bench.generate import write as write_bench_csv
from tests.helpers import write_file
from tracker.domain.settings import sqlite_url
from tracker.storage import db

ROOT = Path(__file__).resolve().parents[1]


def _run(args: list[str], home: Path, kill_after: float | None = None) -> int | None:
    env = {"PATH": "/usr/bin:/bin", "TOPUP_HOME": str(home), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "tracker", *args], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    if kill_after is None:
        return process.wait(timeout=300)
    try:
        process.wait(timeout=kill_after)
        return process.returncode  # it finished before the kill: a point past the end
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return None


def _timed(args: list[str], home: Path) -> float:
    started = time.monotonic()
    assert _run(args, home) == 0
    return time.monotonic() - started


def _points(seconds: float, count: int) -> list[float]:
    return [seconds * (i + 1) / (count + 1) for i in range(count)]


def _sql(database: Path, query: str) -> list[tuple]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(query).fetchall()
    connection.close()
    return rows


def _count(database: Path, table: str) -> int:
    """Rows of `table`; a database killed during its first migration has no tables yet: none."""
    if not _sql(database, f"SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{table}'"):
        return 0
    return _sql(database, f"SELECT COUNT(*) FROM {table}")[0][0]


def _intact(database: Path) -> None:
    assert _sql(database, "PRAGMA integrity_check") == [("ok",)]
    assert _sql(database, "PRAGMA foreign_key_check") == []


def test_an_import_killed_at_ten_points_is_all_or_nothing_and_completes_on_rerun(tmp_path: Path) -> None:
    rows = 20_000
    source = tmp_path / "big.csv"
    write_bench_csv(source, rows, line_count=200)
    timing_home = tmp_path / "timing"
    seconds = _timed(["import", str(source)], timing_home)
    home = tmp_path / "home"
    database = home / "topup.sqlite3"
    killed = 0
    for point in _points(seconds, 10):
        code = _run(["import", str(source)], home, kill_after=point)
        killed += code is None
        if database.exists():
            _intact(database)
            count = _count(database, "topups")
            assert count in (0, rows), f"a partial import of {count} rows after a kill at {point:.2f} s"
            if count == rows:
                break  # a kill after the commit: the rest of the points have nothing left to interrupt
    assert killed >= 5, "the kills came too late to interrupt the import"
    assert _run(["import", str(source)], home) == 0
    _intact(database)
    assert _sql(database, "SELECT COUNT(*) FROM topups") == [(rows,)]
    assert _sql(database, "SELECT COUNT(*) FROM import_batches WHERE new_count > 0") == [(1,)]


def test_add_export_and_attach_killed_mid_way_leave_nothing_half_done(tmp_path: Path) -> None:
    home = tmp_path / "home"
    database = home / "topup.sqlite3"
    add = ["add", "--line", "87011234567", "--amount", "2000", "--channel", "bank_app", "--at", "2026-11-20 10:00",
           "--ref", "R1", "-y"]  # fmt: skip
    seconds = _timed(add, tmp_path / "timing")
    for point in _points(seconds, 5):
        _run(add, home, kill_after=point)
        if database.exists():
            _intact(database)
            if _count(database, "topups"):
                topups = _sql(database, "SELECT id FROM topups")
                created = _sql(database, "SELECT topup_id FROM history WHERE action = 'created'")
                assert topups == created  # a top-up is never there without its first history entry
    big = tmp_path / "big.csv"
    write_bench_csv(big, 20_000, line_count=200)
    assert _run(["import", str(big)], home) == 0
    target = tmp_path / "out.csv"
    seconds = _timed(["export", str(tmp_path / "timing.csv")], home)
    for point in _points(seconds, 5):
        _run(["export", str(target)], home, kill_after=point)
        if target.exists():  # renamed into place only when whole
            assert target.read_text(encoding="utf-8").count("\n") == (tmp_path / "timing.csv").read_text(
                encoding="utf-8"
            ).count("\n")
    slip = write_file(tmp_path / "slip.png", os.urandom(30 * 1024 * 1024))  # large enough to be caught copying
    attach = ["receipts", "add", "1", str(slip)]
    seconds = _timed(["receipts", "add", "2", str(slip)], home)
    for point in _points(seconds, 5):
        _run(attach, home, kill_after=point)
        _intact(database)
        rows = _sql(database, "SELECT sha256 FROM receipts WHERE topup_id = 1")
        assert len(rows) <= 1
        for (sha,) in rows:  # a receipt row only for a file stored whole
            stored = home / "receipts" / sha[:2] / sha
            assert stored.is_file() and stored.stat().st_size == slip.stat().st_size


def test_a_migration_or_backup_killed_mid_way_leaves_the_database_and_no_false_backup(tmp_path: Path) -> None:
    home = tmp_path / "home"
    database = home / "topup.sqlite3"
    big = tmp_path / "big.csv"
    write_bench_csv(big, 20_000, line_count=200)
    assert _run(["import", str(big)], home) == 0
    seconds = _timed(["backup", str(tmp_path / "timing.zip")], home)
    for i, point in enumerate(_points(seconds, 5)):
        target = tmp_path / f"b{i}.zip"
        _run(["backup", str(target)], home, kill_after=point)
        if target.exists():
            with zipfile.ZipFile(target) as archive:
                assert archive.testzip() is None
    engine = db.make_engine(sqlite_url(database))
    db.downgrade(engine, "0004")
    engine.dispose()
    for point in _points(1.0, 5):
        _run(["db", "upgrade"], home, kill_after=point)
        _intact(database)
        (revision,) = _sql(database, "SELECT version_num FROM alembic_version")[0]
        assert revision in ("0004", db.HEAD)
        for backup in (home / "backups").glob("*.sqlite3"):
            assert _sql(backup, "PRAGMA integrity_check") == [("ok",)]  # named like a backup: a whole one
    assert _run(["db", "upgrade"], home) == 0
    assert _sql(database, "SELECT COUNT(*) FROM topups") == [(20_000,)]
