"""The monthly report as data for people and for scripts: sections for tables, exact JSON, tidy CSV.

A section is a title, headers and rows of text; the CLI renders them with rich or as markdown, the TUI as data
tables, so every view says the same thing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from tracker.domain import formatting as fmt
from tracker.domain.formulas import neutralise
from tracker.domain.i18n import _, ngettext
from tracker.domain.money import plain
from tracker.domain.phones import masked
from tracker.domain.records import DIMENSIONS, Breakdown, MonthReport, Report
from tracker.domain.vocab import NONE_KEY, Channel, member
from tracker.domain.vocab import label as vocab_label

BAR_WIDTH = 40
TOP_KEYS = 10


@dataclass
class Section:
    title: str
    headers: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    right: set[int] = field(default_factory=set)  # columns to right-align


def shown_key(dimension: str, key: str) -> str:
    """A breakdown's key as people read it: a channel's label (`bank app`), not its code, and "none" in the
    reader's language; CSV and JSON keep codes."""
    if key == NONE_KEY:
        return _("(none)")
    if dimension == "channel":
        try:
            return vocab_label(member(Channel, key))
        except ValueError:
            return key
    return key


def dimension_label(dimension: str) -> str:
    return {"line": _("line"), "operator": _("operator"), "channel": _("channel"), "provider": _("provider")}[dimension]


def month_name(month: date) -> str:
    return month.strftime("%Y-%m")


def _pct(value: Decimal | None) -> str:
    return fmt.percent(value, signed=True)


def _share(value: Decimal | None) -> str:
    return fmt.percent(value, digits=0)


def _amounts(values: dict[str, Decimal]) -> str:
    return ", ".join(fmt.money(v, c) for c, v in values.items())


def shown_dimensions(months: int, output: str, by: str | None) -> tuple[str, ...]:
    """The breakdowns a view of `months` months shows, so the report makes only those: a single month's table
    shows them all, a range's table only the one it pivots by (or none), JSON and CSV all or the one `--by` names."""
    if output in ("table", "markdown"):
        return DIMENSIONS if months == 1 else (by,) if by else ()
    return (by,) if by else DIMENSIONS


def shown_top(months: int, output: str) -> int | None:
    """How many keys of each breakdown a view shows: a single month's table its `TOP_KEYS`, the rest all."""
    return TOP_KEYS if months == 1 and output in ("table", "markdown") else None


def sections(report: Report, by: str | None = None) -> list[Section]:
    """Everything the table and markdown views show, in order."""
    if len(report.months) == 1:
        return _single(report, report.months[0])
    return _range(report, by)


def _summary(m: MonthReport) -> Section:
    """One column per currency, one row per measure: it fits 80 columns however many measures there are."""
    currencies = sorted(set(m.spent) | set(m.shortfall) | set(m.credited))

    def row(name: str, values: dict, money: bool = True) -> list[str]:
        cells = [fmt.money(values.get(c), c) if money else values.get(c, "") for c in currencies]
        return [name, *cells]

    rows = [
        row(_("Top-ups"), {c: str(n) for c, n in m.counts.items()}, money=False),
        row(_("Spent"), m.spent), row(_("Fees"), m.fees), row(_("Credited"), m.credited),
        row(_("Shortfall"), m.shortfall), row(_("Average top-up"), m.average),
        row(_("vs last month"), {c: _pct(v) for c, v in m.vs_previous.items()}, money=False),
        row(_("vs 12-month average"), {c: _pct(v) for c, v in m.vs_average.items()}, money=False),
    ]  # fmt: skip
    return Section(_("Spending"), ["", *currencies], rows, right=set(range(1, len(currencies) + 1)))


def _single(report: Report, m: MonthReport) -> list[Section]:
    title = _("Top-ups in {month} ({zone})").format(month=month_name(m.month), zone=report.zone)
    apart = [ngettext("{status}: {n} top-up, {amount} (not counted as spending)",
                      "{status}: {n} top-ups, {amount} (not counted as spending)", n).format(
        status=status, n=n, amount=_amounts(amounts)) for status, (n, amounts) in m.apart.items()]  # fmt: skip
    if not m.count:  # nothing spent: say so, and still what failed or came back (no empty table, no empty shares)
        return [Section(title, [], [], [_("No top-ups in {month}.").format(month=month_name(m.month)), *apart])]
    summary = _summary(m)
    summary.title = title
    summary.notes = [
        _("Proof: {ref} backed by a reference, {receipt} by a receipt file, {confirmed} by a receipt that agrees; "
          "{verified} verified.").format(ref=_share(m.reference_share), receipt=_share(m.receipt_share),
                                        confirmed=_share(m.confirmed_share), verified=_share(m.verified_share)),
        *apart,
    ]  # fmt: skip
    if m.converted is not None:
        summary.notes.append(
            _("In {base}: {amount}").format(base=report.base, amount=fmt.money(m.converted, report.base))
        )
    found = [summary]
    for dimension in DIMENSIONS:
        entries = m.breakdowns.get(dimension, [])[:TOP_KEYS]
        if entries:
            label = dimension_label(dimension)
            found.append(
                Section(
                    _("By {dimension}").format(dimension=label),
                    [label.capitalize(), _("Top-ups"), _("Spent")],
                    [[shown_key(dimension, e.key), str(e.count), _amounts(e.spent)] for e in entries],
                    right={1, 2},
                )
            )
    found.extend(_rates(report))
    return found


def _range(report: Report, by: str | None) -> list[Section]:
    first, last = report.months[0].month, report.months[-1].month
    title = _("Top-ups from {first} to {last} ({zone})").format(
        first=month_name(first), last=month_name(last), zone=report.zone
    )
    if by:
        headers, rows = _pivot(report, by)
    else:
        headers, rows = _range_columns(report)
    if report.base:
        headers.append(_("In {base}").format(base=report.base))
        for row, m in zip(rows, [*report.months, report.total], strict=True):
            row.append(fmt.number(m.converted, report.base))
    section = Section(title, headers, rows, right=set(range(1, len(headers))))
    if not any(m.count for m in report.months):
        section.notes.append(_("No top-ups in these months."))
    return [section, *_rates(report)]


PIVOT_KEYS = 5


def _pivot(report: Report, by: str) -> tuple[list[str], list[list[str]]]:
    """Months by the breakdown's biggest keys, a column per key and currency: every currency spent has its
    columns (up to PIVOT_KEYS keys each), so USD and CNY are never dropped for the main currency's sake."""
    entries = report.total.breakdowns.get(by, [])
    main, _points = chart(report)
    currencies = sorted({c for e in entries for c in e.spent}, key=lambda c: (c != main, c))
    columns = [(e.key, cur) for cur in currencies for e in _biggest(entries, cur)]
    headers = [_("Month"), *(f"{shown_key(by, k)} ({c})" for k, c in columns)]
    rows = []
    for m in [*report.months, report.total]:
        spent = {(e.key, c): v for e in m.breakdowns.get(by, []) for c, v in e.spent.items()}
        label = month_name(m.month) if m is not report.total else _("Total")
        rows.append([label, *(fmt.number(spent.get(col), col[1]) for col in columns)])
    return headers, rows


def _biggest(entries: list, currency: str) -> list:
    """The PIVOT_KEYS entries that spent most in `currency` (the rest is in the CSV and JSON)."""
    return sorted((e for e in entries if currency in e.spent), key=lambda e: -e.spent[currency])[:PIVOT_KEYS]


def _range_columns(report: Report) -> tuple[list[str], list[list[str]]]:
    """Month rows with a column per measure and currency, numbers only: the header names the currency."""
    everything = [*report.months, report.total]
    columns = [(name, cur) for name in ("spent", "fees", "shortfall")
               for cur in sorted({c for m in everything for c in getattr(m, name)})]  # fmt: skip
    titles = {"spent": _("Spent"), "fees": _("Fees"), "shortfall": _("Shortfall")}
    headers = [_("Month"), _("Top-ups"), *(f"{titles[n]} {c}" for n, c in columns)]
    rows = []
    for m in everything:
        label = month_name(m.month) if m is not report.total else _("Total")
        rows.append([label, str(m.count), *(fmt.number(getattr(m, n).get(c), c) for n, c in columns)])
    return headers, rows


def _rates(report: Report) -> list[Section]:
    if not report.rates:
        return []
    rows = [[month_name(r.month), f"1 {r.currency} = {r.rate} {r.base}", r.source] for r in report.rates]
    return [Section(_("Rates used"), [_("Month"), _("Rate"), _("Source")], rows)]


def chart(report: Report) -> tuple[str, list[tuple[date, Decimal]]]:
    """Spending per month in the main currency: the range's months, or the last twelve for a single month."""
    months = [m.month for m in report.months]
    return chart_points(twelve_to(months[0]) if len(months) == 1 else months, report.history)


def twelve_to(month: date) -> list[date]:
    """The twelve months ending with `month`."""
    from dateutil.relativedelta import relativedelta

    return [month - relativedelta(months=k) for k in range(11, -1, -1)]


def chart_points(months: list[date], history: dict[date, dict[str, Decimal]]) -> tuple[str, list[tuple[date, Decimal]]]:
    """Spending per month in the main currency (the one most spent over `history`) for each of `months`."""
    totals: dict[str, Decimal] = {}
    for spent in history.values():
        for cur, v in spent.items():
            totals[cur] = totals.get(cur, Decimal(0)) + v
    main = max(totals, key=lambda c: totals[c]) if totals else "KZT"
    return main, [(m, history.get(m, {}).get(main, Decimal(0))) for m in months]


def chart_lines(report: Report) -> list[str]:
    main, points = chart(report)
    top = max((v for _m, v in points), default=Decimal(0))
    lines = [_("Spent per month ({currency})").format(currency=main)]
    for month, value in points:
        bar = "█" * int(value / top * BAR_WIDTH) if top else ""
        lines.append(f"{month_name(month)}  {bar:<{BAR_WIDTH}} {fmt.money(value, main):>18}")
    return lines


def markdown(report: Report, by: str | None = None) -> str:
    out = []
    for section in sections(report, by):
        out.append(f"## {section.title}\n")
        if section.headers:
            out.append("| " + " | ".join(section.headers) + " |")
            out.append("|" + "|".join("---:" if i in section.right else "---" for i in range(len(section.headers)))
                       + "|")  # fmt: skip
            out.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in section.rows)
            out.append("")
        out.extend(f"{note}  " for note in section.notes)
        out.append("")
    out.append("```")
    out.extend(chart_lines(report))
    out.append("```")
    return "\n".join(out) + "\n"


def _money_map(values: dict[str, Decimal]) -> dict[str, str]:
    return {c: plain(v, c) for c, v in values.items()}


def _entries(entries: list) -> list[dict[str, object]]:
    return [{"key": e.key, "count": e.count, "counts": dict(e.counts), "spent": _money_map(e.spent)} for e in entries]


def _month_json(
    m: MonthReport, base: str | None, with_month: bool = True, dimensions: tuple[str, ...] = DIMENSIONS
) -> dict[str, object]:
    body: dict[str, object] = {"month": month_name(m.month)} if with_month else {}
    body.update({
        "count": m.count, "spent": _money_map(m.spent), "fees": _money_map(m.fees),
        "credited": _money_map(m.credited), "shortfall": _money_map(m.shortfall), "average": _money_map(m.average),
        **{f"by_{d}": _entries(m.breakdowns.get(d, [])) for d in dimensions},
        "failed": _apart(m, "failed"), "refunded": _apart(m, "refunded"),
    })  # fmt: skip
    body.update({
        "proof_coverage": {"reference": _dec(m.reference_share), "receipt": _dec(m.receipt_share),
                           "confirmed": _dec(m.confirmed_share)},
        "verified_share": _dec(m.verified_share),
    })  # fmt: skip
    if with_month:  # comparisons are a month's; a range's total has none
        body.update({
            "vs_previous": {c: _dec(v) for c, v in m.vs_previous.items()},
            "vs_average_12": {c: _dec(v) for c, v in m.vs_average.items()},
        })  # fmt: skip
    if base:
        body["converted"] = {base: plain(m.converted, base)} if m.converted is not None else None
    return body


def _apart(m: MonthReport, status: str) -> dict[str, object]:
    n, amounts = m.apart.get(status, (0, {}))
    return {"count": n, "amount": _money_map(amounts)}


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def as_json(report: Report, by: str | None = None) -> dict[str, object]:
    """Every figure; with `by`, only that breakdown (as `--by` asks of every format)."""
    dimensions = (by,) if by else DIMENSIONS
    return {
        "zone": report.zone,
        "base": report.base,
        "months": [_month_json(m, report.base, dimensions=dimensions) for m in report.months],
        "total": _month_json(report.total, report.base, with_month=False, dimensions=dimensions),
        "rates": [{"month": month_name(r.month), "currency": r.currency, "base": r.base, "rate": str(r.rate),
                   "source": r.source} for r in report.rates],
    }  # fmt: skip


CSV_COLUMNS = ("month", "dimension", "key", "currency", "count", "spent", "fees", "credited", "shortfall")


def as_csv(report: Report, by: str | None = None) -> str:
    """Tidy long form: one row per month, dimension, key and currency; with `by`, only that dimension's rows
    beside the totals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in report.months:
        label = month_name(m.month)
        for cur in sorted(set(m.spent) | set(m.shortfall) | set(m.credited)):
            writer.writerow([label, "total", "", cur, m.counts.get(cur, 0), _p(m.spent, cur), _p(m.fees, cur),
                             _p(m.credited, cur), _p(m.shortfall, cur)])  # fmt: skip
        for dimension in (by,) if by else DIMENSIONS:
            for e in m.breakdowns.get(dimension, []):
                for cur, v in e.spent.items():
                    writer.writerow(
                        [label, dimension, neutralise(e.key), cur, e.counts.get(cur, 0), plain(v, cur), "", "", ""]
                    )
    return out.getvalue()


def _p(values: dict[str, Decimal], cur: str) -> str:
    return plain(values[cur], cur) if cur in values else plain(Decimal(0), cur)


_NUMBER = re.compile(r"\+\d[\d ]{6,}\d")  # a formatted number inside a line's name: `Mum (+7 701 123 4567)`


def masked_lines(report: Report) -> Report:
    """The same report with the middle digits of every line's number hidden (labels stay), for sharing."""

    def hide(entries: list[Breakdown]) -> list[Breakdown]:
        return [replace(e, key=_NUMBER.sub(lambda m: masked(m.group()), e.key)) for e in entries]

    for month in [*report.months, report.total]:
        if "line" in month.breakdowns:
            month.breakdowns["line"] = hide(month.breakdowns["line"])
    return report
