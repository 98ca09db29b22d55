"""What a new user trips over (issue 20), the CLI's and the core's part, each item pinned by a test that failed
before its fix: the number in each test's name is the item's (the app's are in tests/tui/test_newcomer_screens.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import BEELINE, add
from tests.test_importing import canonical_csv, row
from tracker.cli import cli
from tracker.domain.records import TopUpFilter
from tracker.domain.vocab import Source
from tracker.service import Tracker

NEW, SHARED = "+77771112233", "+77772223344"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_05_undoing_an_import_says_what_it_removed_and_archives_the_lines_it_made(
    tracker: Tracker, tmp_path: Path
) -> None:
    add(tracker, line=BEELINE, amount="500", occurred_at="2026-11-01 10:00")
    rows = [row(line=NEW, reference="A"), row(line=NEW, reference="B", occurred_at="2026-11-19T10:00:00+05:00"),
            row(line=SHARED, reference="C"), row(line=BEELINE, reference="D")]  # fmt: skip
    batch = tracker.import_file(canonical_csv(tmp_path / "in.csv", rows)).batch_id
    add(tracker, line=SHARED, amount="700", occurred_at="2026-11-20 12:00")  # a line the batch made, now used
    preview = tracker.undo_preview(batch)  # type: ignore[arg-type]
    assert (preview.topups, preview.lines) == (4, (NEW,))
    assert tracker.count_topups() == 6  # asking changed nothing
    result = run("--db", tracker.settings.database_url, "import", "undo", str(batch))
    assert result.exit_code == 0, result.output
    assert f"Undid import batch {batch}: 4 top-ups deleted." in result.output
    assert "1 line it created, used by nothing else, archived: +7 777 111 2233" in result.output
    shown = {line.number for line in tracker.list_lines()}
    assert NEW not in shown and {SHARED, BEELINE} <= shown
    (gone,) = [t for t in tracker.list_topups(TopUpFilter(include_deleted=True)).items if t.reference == "A"]
    tracker.restore_topup(gone.id, source=Source.CLI)
    assert NEW in {line.number for line in tracker.list_lines()}  # restoring a top-up brings its line back


def test_06_report_by_shows_every_currency_and_every_format_honours_it(tracker: Tracker) -> None:
    tracker.add_line("+8613812345678", {"currency": "USD", "label": "Travel"})
    add(tracker, line=BEELINE, amount="2000", occurred_at="2026-10-05 10:00")
    add(tracker, line="+8613812345678", amount="15", currency="USD", occurred_at="2026-11-05 10:00")
    db = ("--db", tracker.settings.database_url)
    table = run(*db, "report", "--from", "2026-10", "--to", "2026-11", "--by", "operator")
    assert table.exit_code == 0, table.output
    assert "Beeline (KZT)" in table.output and "(USD)" in table.output and "15.00" in table.output
    csv_text = run(*db, "report", "--from", "2026-10", "--to", "2026-11", "--by", "operator", "--format", "csv")
    dimensions = {line.split(",")[1] for line in csv_text.output.splitlines()[1:]}
    assert dimensions == {"total", "operator"}, dimensions
    json_text = run(*db, "report", "--from", "2026-10", "--to", "2026-11", "--by", "channel", "--format", "json")
    month = json.loads(json_text.output)["months"][0]
    assert "by_channel" in month and "by_operator" not in month
    markdown = run(*db, "report", "--from", "2026-10", "--to", "2026-11", "--by", "operator", "--format", "markdown")
    assert "(USD)" in markdown.output


def test_09_a_cp1251_file_names_the_row_of_its_bad_bytes_and_imports_with_its_encoding(
    tracker: Tracker, tmp_path: Path
) -> None:
    rows = [row(reference="R1", note="ok"), row(reference="R2", note="Пополнение, мама",
                                                occurred_at="2026-11-19T10:00:00+05:00")]  # fmt: skip
    text = canonical_csv(tmp_path / "utf8.csv", rows).read_text(encoding="utf-8")
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1251"))
    db = ("--db", tracker.settings.database_url)
    refused = run(*db, "import", str(path))
    assert refused.exit_code != 0
    assert "excel.csv: row 3" in refused.output and "not valid utf-8-sig text" in refused.output, refused.output
    assert "--encoding cp1251" in refused.output
    assert tracker.count_topups() == 0
    for encoding in ("cp1251", "auto"):
        done = run(*db, "import", str(path), "--encoding", encoding, "--dry-run")
        assert done.exit_code == 0, done.output
    assert run(*db, "import", str(path), "--encoding", "cp1251").exit_code == 0
    notes = sorted(t.note or "" for t in tracker.list_topups().items)
    assert notes == ["ok", "Пополнение, мама"]
    wrong = run(*db, "import", str(path), "--encoding", "latin-9")
    assert wrong.exit_code == 2 and "latin-9" in wrong.output


def test_03_a_named_database_that_does_not_exist_is_made_only_by_a_write_in_a_folder_that_exists(
    tmp_path: Path,
) -> None:
    nowhere = tmp_path / "no" / "such" / "folder" / "x.db"
    for args in (["list"], ["report"], ["export", "-"], ["lines", "list"], ["check"], ["db", "current"]):
        result = run("--db", f"sqlite:///{nowhere}", *args)
        assert result.exit_code == 1, (args, result.output)
        assert "no database at" in result.output or "no such folder" in result.output
    adding = ["add", "--line", "87011234567", "--amount", "2000", "--channel", "bank_app", "-y"]
    refused = run("--db", f"sqlite:///{nowhere}", *adding)
    assert refused.exit_code == 1 and "no such folder for the database" in refused.output
    assert not (tmp_path / "no").exists(), "no folder made for a mistyped URL"
    here = tmp_path / "x.db"
    listed = run("--db", f"sqlite:///{here}", "list")
    assert listed.exit_code == 1 and f"no database at {here}" in listed.output and not here.exists()
    assert run("--db", f"sqlite:///{here}", *adding).exit_code == 0 and here.exists()
    assert "2,000.00\u00a0KZT" in run("--db", f"sqlite:///{here}", "list").output


def test_extra_config_shows_gets_and_sets_what_config_toml_holds(home: Path) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text('# my settings\ncurrency = "KZT"\n', encoding="utf-8")
    shown = run("config", "show")
    assert "currency         = KZT  (config.toml)" in shown.output and "zone             = Asia/Almaty" in shown.output
    assert run("config", "set", "zone", "Asia/Aqtobe").exit_code == 0
    assert run("config", "get", "zone").output == "Asia/Aqtobe\n"
    refused = run("config", "set", "zone", "Mars/Olympus")
    assert refused.exit_code == 1 and "unknown time zone" in refused.output
    assert run("config", "set", "receipt_minutes", "2.5").exit_code == 1
    assert run("config", "get", "colour").exit_code == 2
    text = (home / "config.toml").read_text(encoding="utf-8")
    assert text.startswith("# my settings") and 'zone = "Asia/Aqtobe"' in text and "Mars" not in text


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_extra_completion_prints_the_shells_script(shell: str) -> None:
    script = run("completion", shell)
    assert script.exit_code == 0 and "_TOPUP_COMPLETE" in script.output
    assert run("completion", "powershell").exit_code == 2


def test_16_a_finding_old_past_two_days_says_days_not_hours(tracker: Tracker) -> None:
    add(tracker, line=BEELINE, amount="1000", occurred_at="2025-08-20 10:00")  # 15 months before "now"
    add(tracker, line=BEELINE, amount="1500", occurred_at="2026-11-23 00:00")  # 36 hours before "now"
    said = [f.message for f in tracker.check().findings if f.kind == "not_credited"]
    assert any("still pending after 461 days" in m for m in said), said
    assert any("still pending after 36 hours" in m for m in said), said
    assert not any("hours" in m and "461" in m for m in said)
