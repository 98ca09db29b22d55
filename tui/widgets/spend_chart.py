"""Spending per month as bars (textual-plotext), for the dashboard and the reports screen."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
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


def fit_wide(drawn: Text) -> Text:
    """plotext lays a chart out a character to a cell, but a Chinese character takes two: every line with one
    (`15万 ₸`, `1月`, the title) came out a cell longer for each, wrapped, and pushed the axis and the months off
    the bottom of the chart. Each line gives back what it overflows: first the space after a wide character (so
    what follows stays in its column), then spaces from its last run of them."""
    lines = drawn.split("\n", allow_blank=True)
    return Text("\n").join(_fit_line(line) for line in lines)


def _fit_line(line: Text) -> Text:
    plain = line.plain
    extra = cell_len(plain) - len(plain)
    if extra <= 0:
        return line
    drop = [i + 1 for i in range(len(plain) - 1) if cell_len(plain[i]) == 2 and plain[i + 1] in " \u00a0"][:extra]
    body = plain.rstrip("│┐┘")  # the line before a closing frame character, if it has one
    trailing = range(len(body) - 1, len(body.rstrip(" ")) - 1, -1)  # its last run of spaces, from the end
    drop += [i for i in trailing if i not in drop][: extra - len(drop)]
    kept, start = [], 0
    for i in sorted(drop):
        kept.append(line[start:i])
        start = i + 1
    kept.append(line[start:])
    return Text("").join(kept)


class SpendChart(PlotextPlot):
    def render(self) -> RenderableType:
        drawn = super().render()
        return fit_wide(drawn) if isinstance(drawn, Text) and not drawn.plain.isascii() else drawn

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
