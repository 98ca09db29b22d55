"""Backups that move: SQLite -> PostgreSQL -> SQLite keeps every row, every history entry and every receipt hash."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import NOW, fresh_database_url
from tests.helpers import BEELINE, add, write_file
from tracker.cli import cli
from tracker.domain.clock import Clock
from tracker.domain.errors import Conflict, InvalidInput
from tracker.domain.settings import load_settings
from tracker.domain.vocab import Source
from tracker.flows import backups as backups_module
from tracker.service import Tracker
from tracker.storage import db, snapshot

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def _open(home: Path, url: str) -> Tracker:
    settings = load_settings(home=home, database_url=url)
    return Tracker(settings, db.make_engine(url), Clock(fixed=NOW))


def _everything(tracker: Tracker) -> dict[str, list[dict]]:
    """Every row of every table as JSON values, and every receipt file's hash as the store holds it."""
    with tracker._tx(read_only=True) as s:
        rows = {t.name: list(snapshot.read_rows(s.connection(), t)) for t in snapshot.tables()}
    rows["receipt files"] = [{"sha": r["sha256"], "intact": tracker.receipt_intact(r["sha256"])}
                             for r in rows["receipts"]]  # fmt: skip
    return rows


def _fill(tracker: Tracker, tmp_path: Path) -> None:
    slip = write_file(tmp_path / "slip.png", b"\x89PNG slip \xd0\x9a\xd0\xb0\xd1\x81\xd0\xbf\xd0\xb8")
    first = add(tracker, reference="A", receipts=(slip,), note="Мама, 充值\nsecond line")
    add(tracker, line=BEELINE, amount="12.50", currency="USD", occurred_at="2024-02-29 23:30+06:00", status="failed")
    tracker.verify(first.id, "1900", by="sms", source=Source.CLI)
    tracker.dispute(first.id, "no credit", source=Source.CLI)
    gone = add(tracker, occurred_at="2026-11-19 10:00", amount="900", reference="B")
    tracker.delete_topup(gone.id, source=Source.CLI)
    tracker.set_rate("USD", "KZT", "495.5", NOW.date())
    tracker.acknowledge(first.id, "amount_mismatch")
    tracker.add_line("+77471234567", {"label": "Shop \u00a0till", "kind": "esim"})


def test_sqlite_to_postgresql_and_back_keeps_everything(
    tracker: Tracker, tmp_path: Path, templates: dict, home: Path
) -> None:
    _fill(tracker, tmp_path)
    before = _everything(tracker)
    first = tracker.backup(tmp_path / "one.zip")
    assert first.rows["topups"] == 3 and first.receipts == 1 and first.missing == []

    pg = _open(tmp_path / "pg-home", fresh_database_url("postgresql", templates, tmp_path))
    pg.restore(first.path)
    assert _everything(pg) == before
    second = pg.backup(tmp_path / "two.zip")
    again = add(pg, amount="777", occurred_at="2026-11-21 10:00", reference="C")  # ids go on after the restored
    assert again.id == max(r["id"] for r in before["topups"]) + 1
    pg.close()

    (tmp_path / "back").mkdir()
    back = _open(tmp_path / "back-home", fresh_database_url("sqlite", templates, tmp_path / "back"))
    back.restore(second.path)
    assert _everything(back) == before
    back.close()


def test_a_database_that_holds_data_is_replaced_only_with_force_after_a_backup(tracker: Tracker, tmp_path) -> None:
    _fill(tracker, tmp_path)
    archive = tracker.backup(tmp_path / "a.zip").path
    add(tracker, amount="555", occurred_at="2026-11-22 10:00", reference="LATER")
    with pytest.raises(Conflict, match="holds 4 top-ups"):
        tracker.restore(archive)
    safety, _manifest = tracker.restore(archive, force=True)
    assert safety is not None and safety.rows["topups"] == 4 and safety.path.name.startswith("auto-")
    assert tracker.count_topups(None) == 2  # the archive's live top-ups; the later one is in the safety backup


def test_automatic_backups_keep_the_newest_five(tracker: Tracker, tmp_path: Path, monkeypatch) -> None:
    add(tracker, reference="A")
    for _ in range(7):
        tracker.backup(automatic=True)
    kept = sorted(p.name for p in tracker.settings.backups_dir.glob("auto-*.zip"))
    assert len(kept) == 5 and all((tracker.settings.backups_dir / k).stat().st_mode & 0o777 == 0o600 for k in kept)


def test_a_damaged_or_foreign_archive_is_refused_before_anything_changes(tracker: Tracker, tmp_path: Path) -> None:
    _fill(tracker, tmp_path)
    archive = tracker.backup(tmp_path / "a.zip").path
    with zipfile.ZipFile(archive) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["tables/topups.jsonl"] = members["tables/topups.jsonl"].replace(b"1900", b"9100")
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(damaged, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    before = _everything(tracker)
    with pytest.raises(InvalidInput, match="does not match its hash"):
        tracker.restore(damaged, force=True)
    foreign = write_file(tmp_path / "foreign.zip", b"PK not a zip")
    with pytest.raises(InvalidInput):
        tracker.verify_backup(foreign)
    manifest = json.loads(members["manifest.json"])
    manifest["members"]["receipts/../../x"] = "0" * 64
    with zipfile.ZipFile(tmp_path / "escape.zip", "w") as z:
        z.writestr("manifest.json", json.dumps(manifest))
    with pytest.raises(InvalidInput, match="not its own hash"):
        tracker.verify_backup(tmp_path / "escape.zip")
    assert _everything(tracker) == before


def test_the_cli_backs_up_verifies_and_restores(tracker: Tracker, tmp_path: Path, monkeypatch) -> None:
    _fill(tracker, tmp_path)
    monkeypatch.setenv("TOPUP_DATABASE_URL", tracker.settings.database_url)
    made = CliRunner().invoke(cli, ["backup", str(tmp_path / "c.zip")])
    assert made.exit_code == 0 and "3 top-ups, 3 lines, 7 history entries, 1 receipt file" in made.output, made.output
    checked = CliRunner().invoke(cli, ["backup", "verify", str(tmp_path / "c.zip")])
    assert checked.exit_code == 0 and checked.output.startswith("Intact: every member matches its SHA-256")
    refused = CliRunner().invoke(cli, ["restore", str(tmp_path / "c.zip")])
    assert refused.exit_code == 1 and "restore --force" in refused.output
    assert tracker.count_topups() == 2  # the refused restore changed nothing (one of the three is deleted)


def test_a_postgresql_database_is_archived_before_it_is_migrated(tmp_path: Path, templates: dict, backend: str) -> None:
    url = fresh_database_url("postgresql", templates, tmp_path)
    home = tmp_path / "pg-home"
    old = _open(home, url)
    add(old, reference="A", receipts=(write_file(tmp_path / "slip.png", b"\x89PNG slip"),))
    old.close()
    engine = db.make_engine(url)
    db.downgrade(engine, "0004")  # as an older topup left it
    engine.dispose()
    opened = Tracker.open(load_settings(home=home, database_url=url))
    assert opened.count_topups() == 1
    opened.close()
    (archive,) = (home / "backups").glob("auto-topup-*-before-0004.zip")
    manifest = backups_module.verify_backup(archive)
    assert manifest["schema"] == "0004" and manifest["rows"]["topups"] == 1
    assert sum(1 for name in manifest["members"] if name.startswith("receipts/")) == 1
    assert archive.stat().st_mode & 0o777 == 0o600
