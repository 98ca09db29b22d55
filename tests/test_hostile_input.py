"""Hostile and clumsy input is a clear refusal naming where and why, never an internal error; nothing is written."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import NOW
from tests.helpers import KCELL, add, write_file
from tracker.cli import cli
from tracker.domain.clock import Clock, parse_instant, zone
from tracker.domain.errors import InvalidInput, NotFound, TrackerError
from tracker.domain.money import parse_amount
from tracker.domain.vocab import Source
from tracker.flows.receipts import STALE_SECONDS, ReceiptStore
from tracker.service import Tracker

ALMATY = zone("Asia/Almaty")


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Clock, "now", lambda self: NOW)


def _cli(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("digits", [19, 27, 28, 40, 400])
def test_an_amount_of_any_length_is_refused_as_too_large(digits: int) -> None:
    with pytest.raises(InvalidInput, match="far too large"):
        parse_amount("9" * digits, "KZT", ceiling=None)


@given(st.text(alphabet="0123456789., -", max_size=60))
@settings(max_examples=300)
def test_no_amount_text_is_an_internal_error(text: str) -> None:
    with contextlib.suppress(InvalidInput):
        parse_amount(text, "KZT", ceiling=None)


@pytest.mark.parametrize(
    "text", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "1969-12-31 23:00", "31.12.9999 23:59"]
)
def test_instants_of_any_year_are_refused_by_their_year(text: str) -> None:
    with pytest.raises(InvalidInput, match="outside 1970-2200"):
        parse_instant(text, ALMATY, allow_future=True)


@given(st.datetimes(timezones=st.timezones()))
@settings(max_examples=200)
def test_no_aware_instant_is_an_internal_error(value) -> None:
    with contextlib.suppress(InvalidInput):
        parse_instant(value.isoformat(), ALMATY, allow_future=True)


def test_the_cli_refuses_them_with_the_field_and_exit_1() -> None:
    huge = _cli("add", "--line", KCELL, "--amount", "1" * 30, "--channel", "bank_app", "-y")
    assert huge.exit_code == 1 and "far too large" in huge.output and "internal error" not in huge.output
    expires = _cli("add", "--line", KCELL, "--amount", "2000", "--channel", "bank_app", "--expires",
                   "9999-12-31T23:59:59-05:00", "-y")  # fmt: skip
    assert expires.exit_code == 1 and "expires_at" in expires.output and "internal error" not in expires.output
    month = _cli("report", "--month", "9999-12")
    assert month.exit_code == 1 and "internal error" not in month.output


def test_a_canonical_file_with_overflowing_cells_refuses_those_rows_only(tracker: Tracker, tmp_path: Path) -> None:
    source = write_file(tmp_path / "t.csv", (
        "line,occurred_at,amount,currency,channel,status,expires_at\n"
        f"{KCELL},2026-11-20T10:00:00+05:00,2000.00,KZT,bank_app,credited,\n"
        f"{KCELL},2026-11-20T11:00:00+05:00,{'9' * 30}.00,KZT,bank_app,credited,\n"
        f"{KCELL},0001-01-01T00:00:00+05:00,2000.00,KZT,bank_app,credited,\n"
        f"{KCELL},2026-11-20T12:00:00+05:00,2000.00,KZT,bank_app,credited,9999-12-31T23:59:59-05:00\n"
    ).encode())  # fmt: skip
    from tracker.domain.records import ImportOptions

    report = tracker.import_file(source, options=ImportOptions(on_error="skip"))
    assert [(r.row, r.column) for r in report.refused] == [(3, "amount"), (4, "occurred_at"), (5, "expires_at")]
    assert report.new == 1 and tracker.count_topups() == 1


def test_a_folder_or_an_impossible_path_as_a_receipt_says_so(tracker: Tracker, tmp_path: Path) -> None:
    record = add(tracker, reference="A")
    with pytest.raises(InvalidInput, match="a folder, not a file"):
        tracker.attach_receipts(record.id, [tmp_path], source=Source.CLI)
    with pytest.raises(TrackerError) as long_name:
        tracker.attach_receipts(record.id, [tmp_path / ("x" * 5000)], source=Source.CLI)
    assert isinstance(long_name.value, (InvalidInput, NotFound))
    with pytest.raises(NotFound, match="no such file"):
        tracker.attach_receipts(record.id, [tmp_path / "missing.png"], source=Source.CLI)
    assert tracker.list_receipts(record.id) == []


def test_attaching_the_intact_original_repairs_a_damaged_stored_copy(tracker: Tracker, tmp_path: Path) -> None:
    slip = write_file(tmp_path / "slip.png", b"\x89PNG the real slip")
    record = add(tracker, reference="A", receipts=(slip,))
    (sha,) = record.receipts
    stored = tracker.receipt_path(sha)
    stored.chmod(0o600)
    stored.write_bytes(b"damaged")
    assert tracker.verify_receipts()[1] == [(sha, "slip.png", record.id)]
    tracker.attach_receipts(record.id, [slip], source=Source.CLI)
    assert tracker.receipt_intact(sha) and tracker.verify_receipts()[1] == []
    assert len(tracker.list_receipts(record.id)) == 1
    assert any(h.changes.get("repaired") == [None, sha] for h in tracker.history(record.id))


def test_a_stored_receipt_and_its_folders_are_the_owners_only(tracker: Tracker, tmp_path: Path) -> None:
    record = add(tracker, reference="A", receipts=(write_file(tmp_path / "slip.png", b"slip"),))
    stored = tracker.receipt_path(record.receipts[0])
    assert stored.stat().st_mode & 0o777 == 0o400
    assert stored.parent.stat().st_mode & 0o077 == 0
    assert tracker.settings.receipts_dir.stat().st_mode & 0o077 == 0


def test_a_copy_cut_short_by_a_crash_is_removed_once_it_is_stale(tmp_path: Path) -> None:
    store = ReceiptStore(tmp_path / "receipts")
    store.root.mkdir()
    old = write_file(store.root / ".incoming-old", b"half a photo")
    young = write_file(store.root / ".incoming-young", b"another process's copy")
    past = time.time() - STALE_SECONDS - 10
    os.utime(old, (past, past))
    store.put(write_file(tmp_path / "slip.png", b"slip"))
    assert not old.exists() and young.exists()


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x9b"])
def test_a_control_character_in_a_text_cell_is_refused_alike_on_both_databases(
    tracker: Tracker, tmp_path: Path, char: str
) -> None:
    source = write_file(tmp_path / "nul.csv", (
        "line,occurred_at,amount,currency,channel,status,note\n"
        f'{KCELL},2026-11-20T10:00:00+05:00,2000.00,KZT,bank_app,credited,"tab\tand\nline are fine"\n'
        f'{KCELL},2026-11-20T11:00:00+05:00,2000.00,KZT,bank_app,credited,"a{char}b"\n'
    ).encode())  # fmt: skip
    report = tracker.import_file(source)
    assert not report.written and tracker.count_topups() == 0
    assert [(r.row, r.column) for r in report.refused] == [(3, "note")]
    assert f"U+{ord(char):04X}" in report.refused[0].why
    with pytest.raises(InvalidInput, match="control character"):
        tracker.add_line("+77071234567", {"label": f"Mum{char}"})


def _store_raw_note(tracker: Tracker, topup_id: int, note: str) -> None:
    """A note stored by an older topup, before control characters were refused."""
    from sqlalchemy import update

    from tracker.storage.models import TopUp

    with tracker._tx() as s:
        s.execute(update(TopUp).where(TopUp.id == topup_id).values(note=note, provider="[red]x[/red]"))


def test_show_and_list_print_stored_escape_sequences_escaped(tracker: Tracker, monkeypatch) -> None:
    record = add(tracker, reference="A")
    _store_raw_note(tracker, record.id, "\x1b]0;owned\x07\x1b[2J")
    monkeypatch.setenv("TOPUP_DATABASE_URL", tracker.settings.database_url)
    for args in (["show", str(record.id)], ["list"], ["history", str(record.id)]):
        result = _cli(*args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "\x07" not in result.output
    shown = _cli("show", str(record.id)).output
    assert "\\x1b]0;owned\\x07" in shown and "[red]x[/red]" in shown  # as stored, markup not applied


def test_a_report_csv_neutralises_formula_labels_as_export_does(tracker: Tracker) -> None:
    from datetime import date

    from tracker.flows.reports import views

    tracker.add_line(KCELL, {"label": "=HYPERLINK(1)"})
    add(tracker, provider="@SUM(1)", reference="A")
    text = views.as_csv(tracker.report(date(2026, 11, 1), date(2026, 11, 1)))
    assert "'=HYPERLINK(1)" in text and "'@SUM(1)" in text
    assert ",=HYPERLINK" not in text and ",@SUM" not in text


def test_receipts_verify_and_show_mark_a_missing_and_a_damaged_file(
    tracker: Tracker, tmp_path: Path, monkeypatch
) -> None:
    gone = add(tracker, reference="A", receipts=(write_file(tmp_path / "gone.png", b"gone slip"),))
    bad = add(tracker, reference="B", occurred_at="2026-11-19 10:00",
              receipts=(write_file(tmp_path / "bad.png", b"bad slip"),))  # fmt: skip
    tracker.receipt_path(gone.receipts[0]).unlink()
    damaged = tracker.receipt_path(bad.receipts[0])
    damaged.chmod(0o600)
    damaged.write_bytes(b"changed")
    monkeypatch.setenv("TOPUP_DATABASE_URL", tracker.settings.database_url)
    result = _cli("receipts", "verify")
    assert result.exit_code == 1
    assert f"missing: gone.png (sha256 {gone.receipts[0][:16]}…) on top-up #{gone.id}" in result.output
    assert f"damaged: bad.png (sha256 {bad.receipts[0][:16]}…) on top-up #{bad.id}" in result.output
    assert "2 receipt files checked, 1 missing, 1 damaged." in result.output
    assert "MISSING from the store" in _cli("show", str(gone.id)).output
    assert "DAMAGED: no longer matches its hash" in _cli("show", str(bad.id)).output


def test_list_show_and_report_hide_numbers_with_mask(tracker: Tracker, monkeypatch) -> None:
    record = add(tracker, reference="A")
    tracker.add_line("+77051234567", {"label": "Dad"})
    add(tracker, line="+77051234567", reference="B", occurred_at="2026-11-19 10:00")
    monkeypatch.setenv("TOPUP_DATABASE_URL", tracker.settings.database_url)
    outputs = [_cli("list", "--mask").output, _cli("list", "--mask", "--format", "csv").output,
               _cli("list", "--mask", "--format", "json").output, _cli("show", str(record.id), "--mask").output,
               _cli("report", "--month", "2026-11", "--mask").output,
               _cli("report", "--month", "2026-11", "--mask", "--format", "json").output]  # fmt: skip
    for text in outputs:
        assert "123 4567" not in text and "1234567" not in text, text
    assert "+7701***4567" in outputs[1] and "+7 701 *** 4567" in outputs[4] and "Dad (+7 705 *** 4567)" in outputs[4]
    assert "1234567" in _cli("list", "--format", "csv").output  # without --mask, numbers are whole


def test_a_refused_number_is_masked_unless_whole_numbers_are_asked_for(tracker: Tracker, tmp_path: Path) -> None:
    from tracker.domain.phones import show_numbers

    source = write_file(tmp_path / "bad.csv", (
        b"line,occurred_at,amount,currency,channel,status\n"
        b"870112345678,2026-11-20T10:00:00+05:00,2000.00,KZT,bank_app,credited\n"
    ))  # fmt: skip
    (refused,) = tracker.import_file(source).refused
    assert refused.value == "8701******78" and "870112345678" not in refused.why
    assert "8701******78" in refused.why and "7011234567" in refused.why  # the hint's example stays readable
    show_numbers(True)
    (refused,) = tracker.import_file(source).refused
    assert refused.value == "870112345678"


def test_a_report_shows_stored_control_characters_escaped(tracker: Tracker) -> None:
    from datetime import date

    from tracker.flows.reports import views

    record = add(tracker, reference="A")
    _store_raw_note(tracker, record.id, "note")  # sets the provider to "[red]x[/red]" as an older topup could
    from sqlalchemy import update

    from tracker.storage.models import TopUp

    with tracker._tx() as s:
        s.execute(update(TopUp).where(TopUp.id == record.id).values(provider="Qiwi\x1b[2J"))
    report = tracker.report(date(2026, 11, 1), date(2026, 11, 1))
    keys = [b.key for b in report.months[0].breakdowns["provider"]]
    assert keys == ["Qiwi\\x1b[2J"]
    assert "\x1b" not in views.markdown(report) and "\x1b" not in views.as_csv(report)
