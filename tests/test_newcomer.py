"""What a new user trips over (issue 20), each item pinned by a test that failed before its fix: the number in
each test's name is the item's."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import add
from tracker.cli import cli
from tracker.domain.clock import Clock, parse_instant, parse_month, zone
from tracker.domain.errors import InvalidInput
from tracker.domain.i18n import LANGUAGES, set_language
from tracker.domain.money import parse_amount
from tracker.domain.phones import parse_phone
from tracker.service import Tracker

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "TOPUP_HOME": str(home), "PYTHONPATH": str(ROOT), "LANGUAGE": "en"}


def topup(home: Path, *args: str, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tracker", *args], stdin=stdin, stdout=stdout,
                            stderr=subprocess.PIPE, env=_env(home), cwd=ROOT)  # fmt: skip


def test_02_export_refuses_to_replace_an_existing_file_unless_forced(tmp_path: Path) -> None:
    assert run("add", "--line", "87011234567", "--amount", "2000", "--channel", "bank_app", "--at",
               "2026-11-20 10:00", "-y").exit_code == 0  # fmt: skip
    good = tmp_path / "november.csv"
    assert run("export", str(good)).exit_code == 0
    before = good.read_bytes()
    empty = run("export", str(good), "--month", "2020-01")
    assert empty.exit_code == 1 and "exists already" in empty.output and "--force" in empty.output
    assert good.read_bytes() == before  # the good export is still there
    assert run("export", str(good), "--month", "2020-01", "--force").exit_code == 0
    assert good.read_bytes().count(b"\n") == 1  # replaced, as asked


def test_04_the_app_without_a_terminal_refuses_instead_of_spinning(tmp_path: Path) -> None:
    process = topup(tmp_path / "home")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2 and out == b""
    assert b"needs a terminal" in err and b"topup list" in err


def test_17_counts_of_one_are_singular() -> None:
    added = run("add", "--line", "87011234567", "--amount", "2000", "--channel", "bank_app", "--at",
                "2026-11-20 10:00", "--status", "credited", "--credited", "2000", "-y")  # fmt: skip
    assert added.exit_code == 0
    checked = run("check")  # one finding: no proof
    assert "1 finding. Acknowledge" in checked.output and "1 findings" not in checked.output


def test_18_a_closed_pipe_ends_quietly(tracker: Tracker, tmp_path: Path) -> None:
    home = tmp_path / "piped"
    rows = ["uid,occurred_at,line,amount,currency,channel,status"]
    rows += [f",2026-10-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d},8701{1000000 + i:07d},1000,KZT,bank_app,credited"
             for i in range(3000)]  # fmt: skip
    source = tmp_path / "many.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    imported = topup(home, "import", str(source))
    _out, err = imported.communicate(timeout=120)
    assert imported.returncode == 0, err
    for args in (["export", "-"], ["list", "--limit", "1000"]):
        process = topup(home, *args)
        assert process.stdout is not None
        process.stdout.readline()
        process.stdout.close()  # what `| head -1` does
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 0 and b"internal error" not in err and b"Traceback" not in err, err


def test_19_the_reason_is_the_real_one() -> None:
    with pytest.raises(InvalidInput, match="KZT has 2 decimal places"):
        parse_amount("2000.555", "KZT")  # no thousands group before the point: it is decimals, too many
    with pytest.raises(InvalidInput, match="thousands separator or a decimal mark"):
        parse_amount("2.000", "KZT")  # this one could really be either
    bad_day = run("add", "--line", "87011234567", "--amount", "2000", "--channel", "bank_app", "--at", "31.02.2026")
    assert bad_day.exit_code == 1 and "not a real date" in bad_day.output


def test_01_each_code_has_the_label_of_its_own_vocabulary(tracker: Tracker) -> None:
    record = add(tracker, channel="terminal", reference="10293847", reference_kind="terminal")
    shown = run("--db", tracker.settings.database_url, "show", str(record.id)).output
    assert "terminal or shop" in shown and "10293847  terminal no." in shown
    assert "Channel      terminal no." not in shown


def test_14_another_currency_than_the_lines_is_asked_about() -> None:
    assert run("add", "--line", "87011234567", "--amount", "2000", "--channel", "bank_app", "--at",
               "2026-11-19 10:00", "-y").exit_code == 0  # fmt: skip
    asked = CliRunner().invoke(cli, ["add", "--line", "87011234567", "--amount", "20", "--currency", "usd",
                                     "--channel", "bank_app", "--at", "2026-11-20 10:00"], input="n\n")  # fmt: skip
    assert asked.exit_code == 1 and "this line is kept in KZT, this top-up is in USD" in asked.output
    assert "Added" not in asked.output


def test_15_credited_without_an_amount_takes_the_asked_one_and_says_so(tracker: Tracker) -> None:
    db = tracker.settings.database_url
    added = run("--db", db, "add", "--line", "87011234567", "--amount", "3000", "--status", "credited", "--channel",
                "bank_app", "--at", "2026-11-19 10:00", "-y")  # fmt: skip
    assert added.exit_code == 0 and "credited taken as the amount asked, 3,000.00\u00a0KZT" in added.output
    (record,) = tracker.list_topups().items
    assert record.credited == record.amount
    assert "not confirmed yet" not in run("--db", db, "show", str(record.id)).output


def test_24_thousands_of_new_lines_are_counted_not_listed(tmp_path: Path) -> None:
    rows = ["uid,occurred_at,line,amount,currency,channel,status"]
    rows += [f",2026-10-05 10:00,8701{2000000 + i:07d},1000,KZT,bank_app,credited" for i in range(40)]
    source = tmp_path / "shop.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    quiet = run("import", str(source), "--dry-run")
    assert "40 new lines (--verbose lists them)" in quiet.output and "new line:" not in quiet.output
    listed = run("import", str(source), "--dry-run", "--verbose")
    assert listed.output.count("new line:") == 40


def test_26_yes_says_what_it_skips_and_a_masked_file_says_it_is_masked(tmp_path: Path) -> None:
    assert "possible double charge" in run("add", "--help").output
    assert run("add", "--line", "87011234567", "--amount", "2000", "--channel", "bank_app", "--at",
               "2026-11-20 10:00", "-y").exit_code == 0  # fmt: skip
    masked = tmp_path / "masked.csv"
    assert run("export", str(masked), "--mask").exit_code == 0
    other = tmp_path / "elsewhere"
    result = CliRunner().invoke(cli, ["import", str(masked)], env={"TOPUP_HOME": str(other)})
    assert result.exit_code == 1 and "the number is masked" in result.output and "without --mask" in result.output


# What `topup` runs, in a fresh interpreter; the packages it loaded come last on stderr.
_LOADED = """
import sys
from tracker.cli import main
try:
    main()
finally:
    print(" ".join(sorted({name.partition(".")[0] for name in sys.modules})), file=sys.stderr)
"""
HEAVY = ("sqlalchemy", "alembic", "pandas", "pyarrow", "textual", "PIL", "pypdf", "zxingcpp", "pytesseract",
         "openpyxl")  # fmt: skip


def _loaded(home: Path, *args: str) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", _LOADED, *args], capture_output=True, text=True, env=_env(home),
                          cwd=ROOT, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout, set(done.stderr.splitlines()[-1].split())


def test_27_help_and_version_import_neither_sqlalchemy_pandas_nor_textual(tmp_path: Path) -> None:
    """`topup --help` took 1.4 s, most of it loading SQLAlchemy for a page of text: help and the version load only
    what they print, and a plain listing loads the database but neither pandas nor the app."""
    from importlib.metadata import version

    home = tmp_path / "home"
    for args in (["--help"], ["report", "--help"], ["import", "--help"], ["lines", "add", "--help"]):
        shown, loaded = _loaded(home, *args)
        assert "Usage: topup" in shown, args
        assert loaded.isdisjoint(HEAVY), (args, sorted(loaded.intersection(HEAVY)))
    assert not (home / "topup.sqlite3").exists()  # nor did they open the database
    shown, loaded = _loaded(home, "--version")
    assert shown == f"topup, version {version('topup')}\n"  # tracker.__version__ is the installed one
    assert loaded.isdisjoint(HEAVY), sorted(loaded.intersection(HEAVY))
    shown, loaded = _loaded(home, "list", "--limit", "1")
    assert "No top-ups match." in shown
    assert "sqlalchemy" in loaded  # the probe sees what a command loads
    assert loaded.isdisjoint({"pandas", "pyarrow", "textual"}), sorted(loaded & {"pandas", "pyarrow", "textual"})


def test_22_channels_read_as_labels_in_a_report_and_stay_codes_in_json() -> None:
    assert run("add", "--line", "87011234567", "--amount", "2000", "--channel", "third_party", "--at",
               "2026-11-20 10:00", "-y").exit_code == 0  # fmt: skip
    text = run("report", "--month", "2026-11").output
    assert "third-party payment" in text and "third_party" not in text
    data = run("report", "--month", "2026-11", "--format", "json").output
    assert '"third_party"' in data


async def test_20_help_shows_keys_as_the_footer_does_and_explains_the_proof_marks(tracker: Tracker) -> None:
    from tests.tui.pilot import open_topups, settle
    from tui.app import TopUpApp

    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_topups(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        text = app.screen.query_one("Markdown").source  # type: ignore[attr-defined]
    assert "| `/` | Search |" in text and "| `? f1` | Help |" in text and "| `enter` |" in text
    assert "slash" not in text and "question_mark" not in text
    assert "📎 a receipt file is kept" in text and "✔ a receipt was read and agrees" in text


def test_10_the_line_filter_takes_a_label_or_part_of_a_number(tracker: Tracker) -> None:
    from tracker.domain.records import TopUpFilter

    assert run("--db", tracker.settings.database_url, "lines", "add", "87011234567", "--label", "Mum").exit_code == 0
    add(tracker, line="+77011234567")
    add(tracker, line="+77059876543", occurred_at="2026-11-20 11:00")
    for typed in ("Mum", "mum", "4567", "8701", "+7 701 123 45 67"):
        assert [t.line for t in tracker.list_topups(TopUpFilter(line=typed)).items] == ["+77011234567"], typed
    assert tracker.list_topups(TopUpFilter(line="Dad")).items == ()  # nothing, and no refusal while typing


def test_12_a_month_without_spending_says_so_and_still_lists_failures(tracker: Tracker) -> None:
    add(tracker, status="failed", occurred_at="2026-10-10 10:00")
    text = run("--db", tracker.settings.database_url, "report", "--month", "2026-10").output
    assert "No top-ups in 2026-10." in text and "failed: 1 top-up, 2,000.00" in text
    assert "Proof:" not in text and "Top-ups  " not in text


def test_23_sorting_by_amount_says_it_groups_by_currency() -> None:
    from tracker.domain.records import TopUpSort
    from tracker.domain.vocab import SortKey
    from tui.screens.topups import ORDERS

    assert TopUpSort(SortKey.AMOUNT).key is SortKey.AMOUNT
    assert all("by currency" in text for text in ORDERS[SortKey.AMOUNT])


async def test_11_a_long_warning_in_a_dialog_wraps_instead_of_being_cut(tracker: Tracker) -> None:
    from textual.widgets import Static

    from tests.tui.pilot import settle
    from tui.app import TopUpApp
    from tui.screens.dialogs import ConfirmDialog

    reason = "2,000,000.00 KZT is more than 5 times this line's usual 2,000.00 KZT, which is " + "very " * 10 + "odd"
    app = TopUpApp(tracker)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ConfirmDialog("Save this top-up?", [reason]))
        await settle(pilot)
        shown = app.screen.query_one(".warning", Static)
        assert shown.size.height >= 2 and "odd" in str(shown.render())  # all of it, over several lines


async def test_08_a_file_that_fails_clears_the_previous_preview(tracker: Tracker, tmp_path: Path) -> None:
    from textual.widgets import DataTable, Static

    from tests.tui.pilot import preview_import
    from tui.app import TopUpApp

    bad = tmp_path / "first.csv"
    bad.write_text("uid,occurred_at,line,amount,currency,channel,status\n,2026-13-01,87011234567,abc,KZT,x,y\n",
                   encoding="utf-8")  # fmt: skip
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await preview_import(pilot, bad)
        assert app.screen.query_one("#refused", DataTable).row_count > 0
        await preview_import(pilot, tmp_path / "missing.csv")
        assert app.screen.query_one("#refused", DataTable).row_count == 0
        assert "Not imported" in str(app.screen.query_one("#import-summary", Static).render())


def test_extra_full_width_digits_are_read_as_digits() -> None:
    """What a Chinese input method types is the number, the amount and the date typed in ASCII."""
    almaty, now = zone("Asia/Almaty"), datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    assert parse_amount("２０００", "KZT") == parse_amount("2000", "KZT") == Decimal("2000.00")
    assert parse_amount("２０００．５０", "KZT") == parse_amount("２\u3000０００，５０ ₸", "KZT") == Decimal("2000.50")
    assert parse_amount("٢٠٠٠", "KZT") == Decimal("2000.00")  # Arabic-Indic digits are digits too
    assert (
        parse_phone("８７０１１２３４５６７")
        == parse_phone("＋７ ７０１ １２３ ４５ ６７")
        == parse_phone("87011234567")
    )
    typed = parse_instant("２０２６－１１－２０　１０：００", almaty, now=now)
    assert typed == parse_instant("2026-11-20 10:00", almaty, now=now) == datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
    assert parse_instant("２０２６年１１月２０日 １０：００", almaty, now=now) == typed
    assert parse_month("２０２６－１１") == date(2026, 11, 1)
    for superscript in ("2²", "2000²", "①"):  # not digits of a number: refused, never read as 22 or 1
        with pytest.raises(InvalidInput, match="not a number"):
            parse_amount(superscript, "KZT")
    with pytest.raises(InvalidInput, match="thousands separator or a decimal mark"):
        parse_amount("２，０００", "KZT")  # as ambiguous in full width as in ASCII
    added = run("add", "--line", "８７０１１２３４５６７", "--amount", "２０００", "--channel", "bank_app", "--at",
                "２０２６－１１－２０ １０：００", "-y")  # fmt: skip
    assert added.exit_code == 0, added.output
    exported = run("export", "-").output
    assert "2026-11-20T10:00:00+05:00,+77011234567," in exported and ",2000.00,KZT," in exported


def test_extra_today_and_yesterday_are_read_in_every_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read in the user's zone: at 00:30 on 24 November in Almaty it is still the 23rd in UTC, and yesterday is
    the 23rd in Almaty, not the 22nd."""
    almaty, now = zone("Asia/Almaty"), datetime(2026, 11, 23, 19, 30, tzinfo=UTC)
    today, yesterday = datetime(2026, 11, 23, 19, 0, tzinfo=UTC), datetime(2026, 11, 22, 19, 0, tzinfo=UTC)
    at_1830 = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)  # 18:30 on 23 November in Almaty
    for code in LANGUAGES:
        set_language(code)  # every word is read whatever the language
        for word in ("today", "Today", "今天", "сегодня", "Сегодня", "бүгін", "БҮГІН"):
            assert parse_instant(word, almaty, now=now) == today, (code, word)
        for word in ("yesterday", "YESTERDAY", "昨天", "вчера", "Вчера", "кеше", "Кеше"):
            assert parse_instant(word, almaty, now=now) == yesterday, (code, word)
        for typed in ("yesterday 18:30", "昨天 18:30", "昨天18:30", "вчера 18:30", "кеше 18:30", "昨天 １８：３０"):
            assert parse_instant(typed, almaty, now=now) == at_1830, (code, typed)
        for word in ("now", "现在", "сейчас", "қазір"):
            assert parse_instant(word, almaty, now=now) == now, (code, word)
    set_language("en")
    assert parse_instant("today", almaty, now=now, end_of_day=True, allow_future=True) == datetime(
        2026, 11, 24, 18, 59, 59, tzinfo=UTC
    )  # as a bare date: its end, for an expiry
    with pytest.raises(InvalidInput, match="it is in the future"):
        parse_instant("today 18:30", almaty, now=now)
    with pytest.raises(InvalidInput, match="not a real date and time"):
        parse_instant("yesterday 25:00", almaty, now=now)
    with pytest.raises(InvalidInput, match="not a date in a format topup reads"):
        parse_instant("tomorrow", almaty, now=now)
    monkeypatch.setattr(Clock, "now", lambda self: now)
    added = run("add", "--line", "87011234567", "--amount", "2000", "--channel", "bank_app", "--at", "вчера 18:30",
                "-y")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "2026-11-23T18:30:00+05:00,+77011234567," in run("export", "-").output
