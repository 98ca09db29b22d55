"""Spending per month as bars (textual-plotext), for the dashboard and the reports screen."""

from __future__ import annotations

from decimal import Decimal

from textual_plotext import PlotextPlot

from tracker.domain.i18n import _

TICK_EVERY = 3


class SpendChart(PlotextPlot):
    def show(self, currency: str, points: list[tuple[str, Decimal]]) -> None:
        """Bars for (YYYY-MM, amount); ticks fixed every three months so the chart looks the same at any size."""
        plt = self.plt
        plt.clear_data()
        # plotext draws floats; the amounts are only plotted here, never added or stored.
        plt.bar(range(len(points)), [float(amount) for _month, amount in points])
        plt.xticks(range(0, len(points), TICK_EVERY), [month[2:] for month, _a in points][::TICK_EVERY])
        plt.title(_("Spent per month ({currency})").format(currency=currency))
        self.refresh()
