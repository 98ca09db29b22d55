"""The dashboard: filled by workers, never on the event loop."""

from __future__ import annotations

from textual.widgets import Static

from tests.helpers import add
from tests.tui.pilot import settle
from tracker.service import Tracker
from tui.app import TopUpApp


async def test_the_dashboard_fills_from_workers(tracker: Tracker) -> None:
    add(tracker, amount="2000", occurred_at="2026-11-20 10:00", reference="A", credited_amount="2000")
    add(tracker, amount="500", occurred_at="2026-10-20 10:00", reference="B", credited_amount="500")
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        summary = str(app.screen.query_one("#month-summary", Static).render())
        assert "2,000.00\u00a0KZT in 1 top-up (last month 500.00\u00a0KZT)" in summary
        assert app.screen.query_one("#lines").row_count == 1  # type: ignore[attr-defined]


async def test_the_chart_in_chinese_fits_its_width_with_its_axis_and_months(tracker: Tracker) -> None:
    """15万 ₸ and 1月 take a cell more than plotext counts for each Chinese character: the chart's lines still fit
    the widget, the zero tick and the month names stay on it, and a bar keeps its column in every row."""
    from rich.cells import cell_len

    from tracker.domain.i18n import set_language
    from tui.widgets.spend_chart import SpendChart

    add(tracker, amount="150000", occurred_at="2026-11-20 10:00", reference="A", credited_amount="150000")
    set_language("zh_CN")  # the autouse fixture speaks English again after the test
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        chart = app.screen.query_one(SpendChart)
        lines = chart.render().plain.splitlines()  # type: ignore[union-attr]
        assert lines and all(cell_len(line) <= chart.size.width for line in lines), lines
        assert any("万" in line for line in lines) and any("0\u00a0₸┤" in line for line in lines)
        assert any("12月" in line and "9月" in line for line in lines)  # the months along the bottom
        bars = {cell_len(line[: line.index("█")]) for line in lines if "█" in line}
        assert len(bars) == 1, bars  # the bar starts in the same column in the rows with a Chinese tick too


async def test_the_chart_comes_with_the_figures_and_stays_one_chart_when_the_dashboard_returns(
    tracker: Tracker, monkeypatch
) -> None:
    from tui.screens.dashboard import DashboardScreen
    from tui.widgets.spend_chart import SpendChart

    add(tracker, amount="2000", occurred_at="2026-11-20 10:00", reference="A", credited_amount="2000")
    load = DashboardScreen._load
    monkeypatch.setattr(DashboardScreen, "_load", lambda self: None)  # the figures held back
    app = TopUpApp(tracker)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.screen.query(SpendChart)  # no empty frame while the figures are on their way
        monkeypatch.setattr(DashboardScreen, "_load", load)
        for key in ("1", "2", "1", "2", "1"):
            await pilot.press(key)
            await settle(pilot)
        (chart,) = app.screen.query(SpendChart)  # shown again and again, the one chart with its bars
        assert chart.size.width > 20 and "█" in chart.render().plain  # type: ignore[union-attr]


def test_the_app_loads_without_plotext_until_the_chart_has_figures() -> None:
    import subprocess
    import sys

    script = "import sys, tui.app; print('plotext' in sys.modules, 'textual_plotext' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]  # 15 ms of every start that does not draw the chart yet
