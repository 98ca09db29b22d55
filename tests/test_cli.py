"""The `topup` command as a user runs it: exact output, messages on stderr, and exit codes 0, 1 and 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.conftest import NOW
from tracker.cli import cli
from tracker.domain.clock import Clock


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Clock, "now", lambda self: NOW)


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def cells(line: str) -> list[str]:
    """A table row's cells: split on plain spaces only (amounts hold a no-break space)."""
    return [c for c in line.split(" ") if c]


def add_kaspi(**extra: str) -> Result:
    args = [
        "add",
        "--line",
        "8 701 123 45 67",
        "--amount",
        "2 000",
        "--channel",
        "bank_app",
        "--provider",
        "Kaspi.kz",
        "--ref",
        "KSP-991",
        "--at",
        "24.11.2026 10:15",
        "--yes",
    ]
    for key, value in extra.items():
        args += [f"--{key.replace('_', '-')}", value]
    return run(*args)


def test_add_creates_the_line_after_confirmation_and_says_what_to_do_next() -> None:
    result = run(
        "add",
        "--line",
        "8 701 123 45 67",
        "--amount",
        "2 000",
        "--channel",
        "bank_app",
        "--at",
        "24.11.2026 10:15",
        input="y\n",
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "No line +7 701 123 4567 yet. Create it? [y/N]: y\n"
        "New line +7 701 123 4567 (Kcell).\n"
        "Added top-up #1: 2,000.00\u00a0KZT to +7 701 123 4567 via bank app, pending.\n"
        "When the line is credited, confirm it: topup verify 1 --credited AMOUNT\n"
    )


def test_declining_the_new_line_writes_nothing() -> None:
    result = run("add", "--line", "87011234567", "--amount", "500", "--channel", "atm", input="n\n")
    assert result.exit_code == 1
    assert result.stderr == "Aborted!\n"
    assert run("list").stdout == "No top-ups match.\n"


def test_a_refused_amount_names_the_field_and_exits_1() -> None:
    result = run("add", "--line", "87011234567", "--amount", "1,234", "--channel", "atm", "--yes")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: amount: '1,234' is not accepted: ',' could be a thousands separator or a decimal mark "
        "(write 1234 or 1 234,00, or set the decimal mark)\n"
    )


def test_every_bad_field_is_reported_on_its_own_line() -> None:
    result = run("add", "--line", "555", "--amount", "-5", "--channel", "pigeon", "--at", "31.02.2026", "--yes")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: line: '555' is not accepted: not a valid phone number "
        "(+7 701 123 45 67, 8 701 123 45 67, 7011234567, or +86 … for a foreign line)",
        "error: occurred_at: '31.02.2026' is not accepted: not a real date "
        "(2026-11-24T14:05, 2026-11-24 14:05+05:00, 24.11.2026 14:05 or 24.11.26)",
        "error: amount: '-5' is not accepted: it is negative; amounts are written as positive numbers",
        "error: channel: 'pigeon' is not accepted: not a known value (one of: office, terminal, atm, bank_app, "
        "operator_app, website, autopay, third_party, esim_app, other)",
    ]


def test_a_missing_receipt_file_refuses_the_whole_top_up(tmp_path: Path) -> None:
    missing = tmp_path / "gone.pdf"
    result = add_kaspi(receipt=str(missing))
    assert result.exit_code == 1
    assert result.stderr == f"error: {missing}: no such file (give the path of a photo, PDF or screenshot)\n"
    assert run("list").stdout == "No top-ups match.\n"


def test_list_prints_a_table_and_a_cursor_for_more() -> None:
    add_kaspi()
    add_kaspi(ref="KSP-992", at="24.11.2026 11:00", credited="1 900")
    result = run("list", "--limit", "1")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert cells(lines[0]) == [
        "ID",
        "When",
        "Line",
        "Asked",
        "Credited",
        "Status",
        "Proof",
        "Channel",
        "Ref",
        "Provider",
    ]
    assert cells(lines[1]) == [
        "2",
        "2026-11-24",
        "11:00",
        "+7",
        "701",
        "123",
        "4567",
        "2,000.00\u00a0KZT",
        "1,900.00\u00a0KZT",
        "credited",
        "#",
        "bank",
        "app",
        "KSP-992",
        "Kaspi.kz",
    ]
    assert lines[2] == "More: the same command with --after 1795500000.2"
    second = run("list", "--limit", "1", "--after", "1795500000.2").stdout.splitlines()
    assert cells(second[1])[:3] == ["1", "2026-11-24", "10:15"]
    assert len(second) == 2


def test_list_sorted_by_amount_continues_in_that_order_only() -> None:
    add_kaspi(ref="SMALL", amount="500")
    add_kaspi(ref="LARGE", amount="10 000", at="23.11.2026 09:00")
    first = run("list", "--sort", "amount", "--limit", "1", "--format", "csv").stdout.splitlines()
    assert "LARGE" in first[1]  # largest first, although older
    more = run("list", "--sort", "amount", "--limit", "1").stdout.splitlines()[-1]
    cursor = more.removeprefix("More: the same command with --after ")
    second = run("list", "--sort", "amount", "--limit", "1", "--after", cursor, "--format", "csv")
    assert "SMALL" in second.stdout.splitlines()[1]
    smallest = run("list", "--sort", "amount", "--reverse", "--limit", "1", "--format", "csv").stdout
    assert "SMALL" in smallest.splitlines()[1]
    wrong = run("list", "--limit", "1", "--after", cursor)
    assert wrong.exit_code == 1
    assert "belongs to a list in another order (use the same --sort as that list)" in wrong.stderr


def test_list_csv_uses_the_canonical_columns() -> None:
    add_kaspi(note='said "thanks", then left')
    result = run("list", "--format", "csv")
    header, row = result.stdout.splitlines()
    assert header == (
        "uid,occurred_at,line,line_label,operator,sim_kind,channel,provider,amount,currency,paid_amount,"
        "paid_currency,fee,credited_amount,reference,reference_kind,status,verified_at,verified_by,package,"
        "expires_at,refund_until,note,receipts"
    )
    assert row.endswith(
        ",2026-11-24T10:15:00+05:00,+77011234567,,Kcell,sim,bank_app,Kaspi.kz,2000.00,KZT,,,,,KSP-991,,pending,"
        ',,,,,"said ""thanks"", then left",'
    )


def test_list_json_is_exact_decimal_strings() -> None:
    add_kaspi(paid="30", paid_currency="CNY", fee="0.5")
    (row,) = json.loads(run("list", "--format", "json").stdout)
    assert (row["id"], row["amount"], row["paid_amount"], row["paid_currency"], row["fee"]) == (
        1,
        "2000.00",
        "30.00",
        "CNY",
        "0.50",
    )
    assert row["credited_amount"] is None


def test_list_filters_by_month_in_local_time() -> None:
    add_kaspi(at="01.11.2026 00:30")  # still 31 October in UTC
    add_kaspi(ref="KSP-2", at="31.10.2026 23:30")
    november = json.loads(run("list", "--month", "2026-11", "--format", "json").stdout)
    october = json.loads(run("list", "--month", "2026-10", "--format", "json").stdout)
    assert [r["reference"] for r in november] == ["KSP-991"]
    assert [r["reference"] for r in october] == ["KSP-2"]
    bad = run("list", "--month", "11/2026")
    assert (bad.exit_code, bad.stderr) == (
        1,
        "error: --month: '11/2026' is not accepted: not a month (YYYY-MM, e.g. 2026-11)\n",
    )


def test_verify_prints_the_difference_only_when_there_is_one() -> None:
    add_kaspi()
    add_kaspi(ref="KSP-2")
    assert run("verify", "1", "--credited", "2000", "--by", "sms").stdout == (
        "Top-up #1 verified: 2,000.00\u00a0KZT credited.\n"
    )
    assert run("verify", "2", "--credited", "1 850", "--by", "balance_check").stdout == (
        "Top-up #2 verified: 1,850.00\u00a0KZT credited.\n"
        "That is -150.00\u00a0KZT against the 2,000.00\u00a0KZT asked.\n"
    )
    bad = run("verify", "2", "--credited", "1850", "--by", "pigeon")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("error: by: 'pigeon' is not accepted: not a known value (one of: sms, ")


def test_show_prints_every_known_field() -> None:
    add_kaspi(paid="2 050", fee="50", package="Internet 10 GB", expires="30.11.2026", note="для мамы")
    out = run("show", "1").stdout
    rows = [re.sub(r" {2,}", " | ", line.rstrip()) for line in out.splitlines()]
    assert rows[0].startswith("Top-up | #1 | ")
    assert rows[1:] == [
        "When | 2026-11-24 10:15 +05:00",
        "Line | +7 701 123 4567 | (Kcell, SIM)",
        "Asked | 2,000.00\u00a0KZT",
        "Paid | 2,050.00\u00a0KZT",
        "Fee | 50.00\u00a0KZT",
        "Credited | not confirmed yet",
        "Channel | bank app",
        "Provider | Kaspi.kz",
        "Reference | KSP-991",
        "Status | pending",
        "Package | Internet 10 GB",
        "Expires | 2026-11-30 23:59 +05:00",
        "Note | для мамы",
    ]


def test_delete_restore_and_history() -> None:
    add_kaspi()
    assert run("delete", "1").stdout == "Deleted top-up #1. Undo with: topup restore 1\n"
    assert run("list").stdout == "No top-ups match.\n"
    gone = run("show", "1")
    assert (gone.exit_code, gone.stderr) == (1, "error: top-up 1 is deleted (restore it with `topup restore 1`)\n")
    assert run("restore", "1").stdout == "Restored top-up #1.\n"
    assert run("edit", "1", "--amount", "2500").stdout == "Updated top-up #1.\n"
    history = run("history", "1").stdout
    assert [line.split()[3] for line in history.splitlines()[1:] if line[:4].isdigit()] == [
        "created",
        "deleted",
        "restored",
        "edited",
    ]
    assert "amount: 2000.00 → 2500.00" in history


def test_unknown_ids_and_usage_errors_have_their_own_exit_codes() -> None:
    missing = run("show", "99")
    assert (missing.exit_code, missing.stderr) == (1, "error: no top-up 99 (see `topup list`)\n")
    usage = run("list", "--colour")
    assert usage.exit_code == 2
    assert "No such option" in usage.stderr and "--colour" in usage.stderr
    nothing = run("edit", "1")
    assert nothing.exit_code == 2
    assert "nothing to change" in nothing.stderr


def test_receipts_add_and_list(tmp_path: Path) -> None:
    add_kaspi()
    photo = tmp_path / "receipt.png"
    photo.write_bytes(b"\x89PNG receipt photo")
    assert run("receipts", "add", "1", str(photo)).stdout == "Attached 1 receipt to top-up #1.\n"
    again = run("receipts", "add", "1", str(photo))
    assert (again.exit_code, again.stderr) == (
        1,
        f"error: {photo}: this file is already attached to top-up 1 (the same receipt is kept once)\n",
    )
    listing = run("receipts", "list", "1").stdout.splitlines()
    assert cells(listing[1])[:4] == ["receipt.png", "image/png", "18", "B"]


def test_lines_commands() -> None:
    assert run("lines", "add", "8 705 123 45 67", "--label", "Dad").stdout == (
        "Added line +7 705 123 4567 (Beeline) Dad\n"
    )
    assert run("lines", "edit", "87051234567", "--operator", "izi").stdout == (
        "Updated line +7 705 123 4567 (Izi) Dad\n"
    )
    dup = run("lines", "add", "+77051234567")
    assert (dup.exit_code, dup.stderr) == (
        1,
        "error: line: line +7 705 *** 4567 exists already (change it with `topup lines edit`)\n",
    )  # masked in messages by default, for shared screens
    shown = run("--show-numbers", "lines", "add", "+77051234567")
    assert shown.stderr == "error: line: line +7 705 123 4567 exists already (change it with `topup lines edit`)\n"
    assert run("lines", "archive", "87051234567").stdout == "Archived line +7 705 123 4567.\n"
    assert run("lines", "list").stdout == "No lines yet. Add one: topup lines add NUMBER --label NAME\n"
    rows = json.loads(run("lines", "list", "--all", "--format", "json").stdout)
    assert rows == [
        {
            "number": "+77051234567",
            "label": "Dad",
            "operator": "Izi",
            "kind": "sim",
            "currency": "KZT",
            "foreign": False,
            "archived": True,
            "topups": 0,
        }
    ]


def test_paths_and_db_commands(home: Path) -> None:
    assert run("paths").stdout.splitlines() == [
        f"home:      {home}",
        f"database:  sqlite:///{home}/topup.sqlite3",
        f"receipts:  {home}/receipts",
        f"config:    {home}/config.toml",
        f"backups:   {home}/backups",
    ]
    assert run("db", "current").stdout == "current: none (empty database)\nhead:    0009\n"
    assert run("db", "upgrade").stdout == "Database is at revision 0009.\n"


def test_a_broken_config_is_named_not_a_traceback(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "config.toml").write_text('zone = "Asia/Almaty"\ncolour = "red"\n')
    result = run("list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {home}/config.toml: unknown setting 'colour' (known settings:")


def test_an_unreachable_database_is_a_message(tmp_path: Path) -> None:
    result = run("--db", "postgresql+psycopg://nobody@/nodb?host=/nonexistent", "list")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr


def test_the_demo_is_built_in_its_own_home(tmp_path: Path) -> None:
    result = run("demo", "--home", str(tmp_path / "demo"), "--no-open")
    assert result.exit_code == 0
    assert result.stdout.startswith("Demo database with ")
    count = int(result.stdout.split()[3])
    assert count >= 300


def test_python_dash_m_tracker_is_the_same_command() -> None:
    out = subprocess.run([sys.executable, "-m", "tracker", "--help"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("Usage: topup [OPTIONS] [COMMAND] [ARGS]...")
