"""Every value that crosses from the core to the CLI and the TUI: frozen records, never ORM objects.

One module per subject; import them from here.
"""

from tracker.domain.records.findings import KINDS, CheckOptions, CheckResult, Finding, Ref, kind_title
from tracker.domain.records.imports import DuplicateRow, ImportOptions, ImportReport, RefusedRow
from tracker.domain.records.readings import Disagreement, ReceiptReading
from tracker.domain.records.reports import Breakdown, Glance, MonthReport, RateUsed, Report
from tracker.domain.records.topups import (
    BatchRecord,
    HistoryRecord,
    LineRecord,
    NewTopUp,
    Page,
    ReceiptRecord,
    TopUpFilter,
    TopUpRecord,
    TopUpSort,
    UndoResult,
    VerifyResult,
)
from tracker.domain.vocab import DIMENSIONS  # the vocabulary of a report's breakdowns, named here with the records

__all__ = [
    "DIMENSIONS",
    "KINDS",
    "BatchRecord",
    "Breakdown",
    "CheckOptions",
    "CheckResult",
    "Disagreement",
    "DuplicateRow",
    "Finding",
    "Glance",
    "HistoryRecord",
    "ImportOptions",
    "ImportReport",
    "LineRecord",
    "MonthReport",
    "NewTopUp",
    "Page",
    "RateUsed",
    "ReceiptReading",
    "ReceiptRecord",
    "Ref",
    "RefusedRow",
    "Report",
    "TopUpFilter",
    "TopUpRecord",
    "TopUpSort",
    "UndoResult",
    "VerifyResult",
    "kind_title",
]  # fmt: skip
