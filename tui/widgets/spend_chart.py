"""Spending per month as bars (textual-plotext), for the dashboard and the reports screen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from textual_plotext import PlotextPlot

from tracker.domain import formatting as fmt
from tracker.domain.i18n import _

TICK_EVERY = 3
Y_TICKS = 4  # about this many amounts up the side, at round values


def round_steps(top: Decimal, count: int = Y_TICKS) -> list[Decimal]:
    """0, step, 2·step … up to `top` or just past it, the step a 1, 2 or 5 times a power of ten: the amounts a
    reader reads a chart by (50K, 100K, 150K), not 129816.7."""
    if top <= 0:
        return [Decimal(0)]
    rough = top / count
    power = Decimal(10) ** (len(str(int(rough))) - 1) if rough >= 1 else Decimal(1)
    step = next(k * power for k in (1, 2, 5, 10) if k * power >= rough)
    ticks = [Decimal(0)]
    while ticks[-1] < top:
        ticks.append(ticks[-1] + step)
    return ticks


def month_ticks(months: list[date]) -> tuple[list[int], list[str]]:
    """Every third month by its name."""
    positions = list(range(0, len(months), TICK_EVERY))
    labels = [fmt.month_short(months[i]) for i in positions]
    return positions, labels


class SpendChart(PlotextPlot):
    def show(self, currency: str, points: list[tuple[date, Decimal]]) -> None:
        """Bars for (month, amount), money ticks up the side and month names along the bottom; ticks fixed every
        three months so the chart looks the same at any size."""
        plt = self.plt
        plt.clear_figure()  # the last chart's axis limits and ticks too, not only its bars
        # plotext draws floats; the amounts are only plotted here, never added or stored.
        plt.bar(range(len(points)), [float(amount) for _month, amount in points])
        plt.xticks(*month_ticks([month for month, _a in points]))
        steps = round_steps(max((amount for _m, amount in points), default=Decimal(0)))
        # Nothing spent: one tick at zero on a one-unit axis (plotext's own would run from -1 to 1, and a
        # zero-height range would divide by zero).
        plt.ylim(0, float(steps[-1]) or 1.0)
        plt.yticks([float(s) for s in steps], [fmt.money_short(s, currency) for s in steps])
        plt.title(_("Spent per month ({currency})").format(currency=currency))
        self.display = True
        self.refresh()

    def show_nothing(self) -> None:
        """No chart rather than the chart of a range that is no longer asked for (nor an empty frame)."""
        self.plt.clear_figure()
        self.display = False
