"""Rendering records for the terminal (rich tables) and for scripts (canonical CSV and JSON).

Commands import it where they print, not at the top of their module: rich and the record writers stay out of
`topup --help`."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.domain import formatting as fmt
from tracker.domain.canonical import COLUMNS, to_fields
from tracker.domain.detail import detail_rows, line_cells
from tracker.domain.i18n import _
from tracker.domain.operators import brand
from tracker.domain.records import HistoryRecord, LineRecord, ReceiptRecord, TopUpRecord
from tracker.domain.text import printable
from tracker.domain.vocab import ReceiptState, label
from tracker.flows.exporting.writer import write_csv as export_csv

# Columns by importance: what fits an 80-column terminal first, the rest as the terminal widens.
_TOPUP_COLUMNS = (
    (0, "ID", "right"),
    (0, "When", "left"),
    (0, "Line", "left"),
    (0, "Asked", "right"),
    (0, "Credited", "right"),
    (0, "Status", "left"),
    (0, "Proof", "left"),
    (100, "Channel", "left"),
    (100, "Ref", "left"),
    (120, "Provider", "left"),
    (140, "Operator", "left"),
    (140, "Paid", "right"),
)


def topups_table(records: Sequence[TopUpRecord], zone: ZoneInfo, width: int = 80) -> Table:
    """A table of top-ups with as many columns as the terminal's width shows without cutting values."""
    titles = {
        "ID": _("ID"),
        "When": _("When"),
        "Line": _("Line"),
        "Asked": _("Asked"),
        "Credited": _("Credited"),
        "Status": _("Status"),
        "Proof": _("Proof"),
        "Channel": _("Channel"),
        "Ref": _("Ref"),
        "Provider": _("Provider"),
        "Operator": _("Operator"),
        "Paid": _("Paid"),
    }
    shown = [(key, justify) for min_width, key, justify in _TOPUP_COLUMNS if width >= min_width]
    rows = [_topup_cells(t, zone) for t in records]
    gap = 2 if width >= 100 else 1
    table = Table(box=None, pad_edge=False, padding=(0, gap, 0, 0), header_style="bold")
    for key, justify in shown:
        # Every column keeps its full values; only the line's label gives way on a narrow terminal.
        fit = max([len(titles[key]), *(len(r[key]) for r in rows)])
        table.add_column(
            titles[key],
            justify=justify,
            no_wrap=True,
            overflow="ellipsis",  # type: ignore[arg-type]
            min_width=6 if key == "Line" else fit,
        )
    for cells in rows:
        table.add_row(*(Text(printable(cells[key])) for key, _justify in shown))
    return table


def _topup_cells(t: TopUpRecord, zone: ZoneInfo) -> dict[str, str]:
    return {
        "ID": str(t.id),
        "When": fmt.when(t.occurred_at, zone),
        "Line": t.line_label or fmt.phone(t.line),
        "Asked": fmt.money(t.amount, t.currency),
        "Credited": fmt.money(t.credited, t.currency),
        "Status": label(t.status),
        "Proof": proof_mark(t),
        "Channel": label(t.channel),
        "Ref": t.reference or "",
        "Provider": t.provider or "",
        "Operator": brand(t.operator),
        "Paid": fmt.money(t.paid, t.paid_currency) if t.paid is not None else "",
    }


def proof_mark(t: TopUpRecord) -> str:
    """C: a receipt was read and agrees (confirmed); R: a receipt file is kept; #: only a reference; -: none."""
    return "C" if t.confirmed else "R" if t.receipts else "#" if t.reference else "-"


def write_csv(records: Sequence[TopUpRecord], zone: ZoneInfo) -> None:
    """The same canonical CSV as `topup export`, so a listed page can be imported as it is."""
    export_csv(iter(records), sys.stdout, zone)


def write_json(records: Sequence[TopUpRecord], zone: ZoneInfo) -> None:
    rows = [{"id": r.id, **{k: to_fields(r, zone)[k] or None for k in COLUMNS}} for r in records]
    sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")


def topup_detail(
    console: Console,
    t: TopUpRecord,
    receipts: Sequence[ReceiptRecord],
    zone: ZoneInfo,
    states: dict[str, ReceiptState],
) -> None:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for name, value in detail_rows(t, zone):
        table.add_row(name, Text(printable(value)))  # as typed: no markup, no control characters
    for r in receipts:
        mark = {ReceiptState.MISSING: _("  MISSING from the store"),
                ReceiptState.DAMAGED: _("  DAMAGED: no longer matches its hash")}  # fmt: skip
        shown = f"{printable(r.original_name)}  {fmt.size(r.size)}  sha256:{r.sha256[:16]}…"
        table.add_row(_("Receipt"), Text(shown + mark.get(states.get(r.sha256, ReceiptState.INTACT), "")))
    console.print(table)


def history_table(entries: Sequence[HistoryRecord], zone: ZoneInfo) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold")
    for title in (_("When"), _("Source"), _("Action"), _("Changes")):
        table.add_column(title)
    for h in entries:
        changes = "\n".join(f"{k}: {b or '∅'} → {a or '∅'}" for k, (b, a) in h.changes.items())
        table.add_row(fmt.when(h.at, zone), h.source, h.action, Text(printable(changes)))
    return table


def lines_table(lines: Sequence[LineRecord], zone: ZoneInfo) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0), header_style="bold")
    for title in (_("Number"), _("Label"), _("Operator"), _("Kind"), _("Cur."), _("Top-ups"), _("Last"), ""):
        table.add_column(title, no_wrap=True, min_width=14 if title == _("Label") else None)
    for line in lines:
        table.add_row(*(Text(printable(cell)) for cell in line_cells(line, zone)))
    return table
