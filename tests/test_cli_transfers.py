"""`topup import` and `topup export` as a user runs them: summaries, exit codes, files written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.test_cli import frozen_now, run  # noqa: F401 - the fixture freezes the clock here too

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"
HEADER = (
    "uid,occurred_at,line,line_label,operator,sim_kind,channel,provider,amount,currency,paid_amount,paid_currency,"
    "fee,credited_amount,reference,reference_kind,status,verified_at,verified_by,package,expires_at,refund_until,"
    "note,receipts"
)


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


GOOD = (
    ",2026-11-20T10:00:00+05:00,+77051234567,Dad,Beeline,sim,terminal,Qiwi,1000.00,KZT,,,,,Q-1,receipt,pending,,,,,,,"
)
BAD = ",2026-11-21T10:00:00+05:00,+77051234567,Dad,Beeline,sim,pigeon,Qiwi,500.00,KZT,,,,,Q-2,receipt,pending,,,,,,,"


def test_a_refused_row_aborts_with_exit_1_and_writes_nothing(tmp_path: Path) -> None:
    result = run("import", str(write(tmp_path / "in.csv", GOOD, BAD)))
    assert result.exit_code == 1
    assert result.stderr == (
        "refused: in.csv: row 3, column channel: 'pigeon' is not accepted: not a known value (one of: office, "
        "terminal, atm, bank_app, operator_app, website, autopay, third_party, esim_app, other)\n"
    )
    assert result.stdout == (
        "new line: +7 705 *** 4567\n"
        "1 new, 0 already present, 0 possible duplicates, 1 refused\n"
        "Nothing was written: fix the refused rows, or import the good ones with --on-error skip.\n"
    )
    assert run("list").stdout == "No top-ups match.\n"
    assert run("import", "list").stdout == "No imports yet.\n"


def test_skip_then_reimport_then_undo(tmp_path: Path) -> None:
    path = write(tmp_path / "in.csv", GOOD, BAD)
    result = run("import", str(path), "--on-error", "skip")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-3:] == [
        "1 new, 0 already present, 0 possible duplicates, 1 refused",
        "Import batch 1; undo it with: topup import undo 1",
        f"Refused rows were written to {tmp_path / 'in.rejects.csv'}",
    ]
    again = run("import", str(write(tmp_path / "again.csv", GOOD)))
    assert again.exit_code == 0
    assert again.stdout.splitlines()[-2:] == [
        "0 new, 1 already present, 0 possible duplicates, 0 refused",
        "Nothing new to write, so no import batch was made.",  # not a batch to undo that holds nothing
    ]
    assert [line.split()[0] for line in run("import", "list").stdout.splitlines()[1:]] == ["1"]
    assert run("import", "undo", "1").stdout == (
        "Undid import batch 1: 1 top-up deleted. 1 line it created, used by nothing else, archived: +7 705 123 4567\n"
    )
    assert run("list").stdout == "No top-ups match.\n"
    missing = run("import", "undo", "9")
    assert (missing.exit_code, missing.stderr) == (1, "error: no import batch 9 (see `topup import list`)\n")


def test_dry_run_and_json(tmp_path: Path) -> None:
    result = run("import", str(write(tmp_path / "in.csv", GOOD)), "--dry-run", "--format", "json")
    body = json.loads(result.stdout)
    assert (body["new"], body["written"], body["refused_rows"]) == (1, False, [])
    assert run("list").stdout == "No top-ups match.\n"


def test_kaspi_statement_through_the_cli() -> None:
    result = run("import", str(SAMPLES / "kaspi-statement.csv"), "--profile", "kaspi", "--line", "87011234567")
    assert result.exit_code == 0
    assert "5 new, 0 already present, 0 possible duplicates, 0 refused" in result.stdout.splitlines()
    again = run("import", str(SAMPLES / "kaspi-statement.csv"), "--profile", "kaspi", "--dry-run")
    assert again.exit_code == 1  # rows whose operator has no line yet are held, with the way to say which
    assert "no line of Tele2 yet (--line-for tele2=NUMBER)" in again.stderr


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    result = run("import", str(tmp_path / "nope.csv"))
    assert (result.exit_code, result.stderr) == (1, f"error: {tmp_path / 'nope.csv'}: no such file\n")


def test_export_to_a_file_stdout_and_a_bundle(tmp_path: Path) -> None:
    run("import", str(write(tmp_path / "in.csv", GOOD)))
    out = tmp_path / "out.csv"
    result = run("export", str(out))
    assert (result.exit_code, result.stderr) == (0, f"Wrote 1 top-up to {out}.\n")
    assert out.read_text(encoding="utf-8").splitlines()[0] == HEADER
    assert run("export").stdout.splitlines()[0] == HEADER
    masked = run("export", "-", "--mask").stdout.splitlines()[1]
    assert ",+7705***4567," in masked
    bundle = tmp_path / "claim.zip"
    assert run("export", "--bundle", str(bundle)).stdout == f"Wrote {bundle}: 1 top-up and 0 receipt files.\n"
    assert run("export", "--month", "2026-10").stdout.splitlines() == [HEADER]
