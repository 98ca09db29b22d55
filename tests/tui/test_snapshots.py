"""How the main screens look at 80×24, with a frozen clock and fixed data (pytest-textual-snapshot).

A picture is taken only once the screen has stopped changing: every topup worker done and two frames in a row
identical. Waiting a fixed time was not enough under the full suite's load (a data table's column widths settle a
refresh after its rows arrive), and a snapshot that fails one run in eight would block CI.
"""

from __future__ import annotations

import html
import re
import time
from pathlib import Path

import pytest
from textual.widgets import Input

from tests.helpers import BEELINE, add, write_file
from tests.tui.waiting import tables_measured, workers_done
from tracker.domain.i18n import set_language
from tracker.service import Tracker
from tui.app import TopUpApp
from tui.screens.transfers import ImportScreen

SIZE = (80, 24)


@pytest.fixture
def app(tracker: Tracker) -> TopUpApp:
    add(tracker, amount="2000", occurred_at="2026-11-20 10:00", reference="KSP-1", credited_amount="2000",
        provider="Kaspi.kz")  # fmt: skip
    add(tracker, amount="2000", occurred_at="2026-11-20 10:04", provider="Kaspi.kz", credited_amount="2000",
        reference="KSP-2")  # fmt: skip
    add(tracker, line=BEELINE, amount="5000", occurred_at="2026-11-02 09:00", channel="terminal", provider="Qiwi",
        fee="50")  # fmt: skip
    add(tracker, amount="3000", occurred_at="2026-10-15 12:00", credited_amount="2800", reference="KSP-0")
    return TopUpApp(tracker)


async def still(pilot) -> None:
    """Workers done, tables measured, no blinking cursor, and the same frame twice in a row: the same picture
    every run. Bounded by time, not by a count of pauses, so a loaded machine gets as long as an idle one; a screen
    that never settles fails with what kept changing."""
    previous = None
    changing: tuple[str, str] | None = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ours = await workers_done(pilot)
        for widget in pilot.app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.pause()
        settled = not any(w.is_running for w in ours) and tables_measured(pilot.app)
        frame = pilot.app.export_screenshot()
        if settled and frame == previous:
            return
        if settled and previous is not None:
            changing = (previous, frame)
        # Only frames drawn after the tables were measured count: a frame from before can match the next one.
        previous = frame if settled else None
    raise AssertionError(f"the screen never stopped changing: {_difference(changing)}")


def _difference(frames: tuple[str, str] | None) -> str:
    if frames is None:
        return "it never settled (workers running or tables unmeasured)"
    texts = [[html.unescape(re.sub("<[^>]+>", "", m)) for m in re.findall(r"<text[^>]*>.*?</text>", f)] for f in frames]
    return "; ".join(f"{a!r} -> {b!r}" for a, b in zip(*texts, strict=False) if a != b)[:2000]


def test_dashboard(snap_compare, app: TopUpApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=still)


def test_topups_list(snap_compare, app: TopUpApp) -> None:
    async def topups(pilot) -> None:
        await pilot.press("2")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=topups)


async def refused(pilot) -> None:
    """The add form with a negative amount typed: the refusal beside the field."""
    await pilot.press("2")
    await still(pilot)
    await pilot.press("a")
    await still(pilot)
    pilot.app.screen.query_one("#line", Input).value = "87011234567"
    pilot.app.screen.query_one("#amount", Input).value = "-500"
    await still(pilot)


def test_form_refusing_an_amount(snap_compare, app: TopUpApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=refused)


def test_import_preview(snap_compare, app: TopUpApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    statement = ("uid,occurred_at,line,amount,currency,channel,status,reference\r\n"
                 ",2026-11-03 09:00,87011234567,1500,KZT,terminal,credited,T-1\r\n"
                 ",2026-11-20 10:00,87011234567,2000,KZT,bank_app,credited,\r\n"
                 ",2026-13-01 10:00,87011234567,abc,KZT,bank_app,credited,T-3\r\n")  # fmt: skip
    write_file(tmp_path / "statement.csv", statement.encode())
    monkeypatch.chdir(tmp_path)  # relative paths on screen: the picture does not depend on where tests run

    async def preview(pilot) -> None:
        await pilot.app.push_screen(ImportScreen(Path(".")))
        await still(pilot)
        pilot.app.screen.query_one("#path", Input).value = "statement.csv"
        await pilot.press("p")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=preview)


def test_report_of_the_month(snap_compare, app: TopUpApp) -> None:
    async def report(pilot) -> None:
        await pilot.press("5")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=report)


# The same screens in Chinese and Kazakh at 80×24: wide characters counted as two cells, nothing cut in the middle
# of a character, the refusal said in the reader's language.
@pytest.mark.parametrize("code", ["zh_CN", "kk"])
def test_dashboard_in_another_language(snap_compare, app: TopUpApp, code: str) -> None:
    set_language(code)
    assert snap_compare(app, terminal_size=SIZE, run_before=still)


@pytest.mark.parametrize("code", ["zh_CN", "kk"])
def test_form_refusing_an_amount_in_another_language(snap_compare, app: TopUpApp, code: str) -> None:
    set_language(code)
    assert snap_compare(app, terminal_size=SIZE, run_before=refused)


@pytest.mark.parametrize("code", ["zh_CN", "kk"])
def test_help_screen_in_another_language(snap_compare, app: TopUpApp, code: str) -> None:
    set_language(code)

    async def help_screen(pilot) -> None:
        await still(pilot)
        await pilot.press("question_mark")
        await still(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=help_screen)
