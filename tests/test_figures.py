"""Figures a user copies into a claim or a budget, checked against sums the test computes from its own inputs.

Each case here was a wrong number found by recomputing topup's reports and checks independently.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner

from tests.helpers import BEELINE, KCELL, add
from tracker.cli import cli
from tracker.domain.records import CheckOptions
from tracker.flows.reports import views
from tracker.service import Tracker

# (line, month day, amount, currency, status): two months, two currencies, every status that is not spending too
ROWS = [
    (KCELL, "2026-09-03 10:00", "2000", "KZT", "credited"),
    (KCELL, "2026-09-04 10:00", "7000", "KZT", "failed"),
    (KCELL, "2026-09-05 10:00", "15", "USD", "refunded"),
    (BEELINE, "2026-09-06 10:00", "12.50", "USD", "pending"),
    (KCELL, "2026-10-01 00:30", "1000", "KZT", "refunded"),  # local October, UTC September 30
    (KCELL, "2026-10-03 10:00", "3000", "KZT", "failed"),
    (KCELL, "2026-10-04 10:00", "20", "USD", "failed"),
    (BEELINE, "2026-10-05 10:00", "5000", "KZT", "credited"),
    (KCELL, "2026-10-06 10:00", "7.25", "USD", "credited"),
]


def _fill(tracker: Tracker) -> None:
    for i, (line, at, amount, currency, status) in enumerate(ROWS):
        add(tracker, line=line, occurred_at=at, amount=amount, currency=currency, status=status, reference=f"R{i}")


def _expected(status: str) -> tuple[int, dict[str, str]]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for _line, _at, amount, currency, s in ROWS:
        if s == status:
            sums[currency] += Decimal(amount)
    count = sum(1 for row in ROWS if row[4] == status)
    return count, {c: f"{v:.2f}" for c, v in sorted(sums.items())}


def test_a_range_report_total_carries_failed_and_refunded_per_currency(tracker: Tracker) -> None:
    _fill(tracker)
    report = views.as_json(tracker.report(date(2026, 9, 1), date(2026, 10, 1)))
    for status in ("failed", "refunded"):
        count, amounts = _expected(status)
        assert report["total"][status] == {"count": count, "amount": amounts}
        months = [m[status]["count"] for m in report["months"]]
        assert sum(months) == count
    assert report["total"]["proof_coverage"]["reference"] == "1.000"  # every spending top-up has a reference


def test_a_range_report_for_one_line_carries_them_too(tracker: Tracker) -> None:
    _fill(tracker)
    report = views.as_json(tracker.report(date(2026, 9, 1), date(2026, 10, 1), line=KCELL))
    assert report["total"]["failed"] == {"count": 3, "amount": {"KZT": "10000.00", "USD": "20.00"}}
    assert report["total"]["refunded"] == {"count": 2, "amount": {"KZT": "1000.00", "USD": "15.00"}}


def test_the_cli_json_total_of_a_range(tracker: Tracker, monkeypatch) -> None:
    _fill(tracker)
    monkeypatch.setenv("TOPUP_DATABASE_URL", tracker.settings.database_url)
    result = CliRunner().invoke(cli, ["report", "--from", "2026-09", "--to", "2026-10", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total"]["failed"]["count"] == 3


def test_each_breakdown_row_of_the_csv_carries_its_own_currency_count(tracker: Tracker) -> None:
    for day in range(1, 6):
        add(tracker, occurred_at=f"2026-11-0{day} 10:00", amount="2000", reference=f"K{day}")
    add(tracker, occurred_at="2026-11-07 10:00", amount="15", currency="USD", reference="U1")
    rows = list(csv.DictReader(io.StringIO(views.as_csv(tracker.report(date(2026, 11, 1), date(2026, 11, 1))))))
    by_line = {r["currency"]: r for r in rows if r["dimension"] == "line"}
    assert (by_line["KZT"]["count"], by_line["KZT"]["spent"]) == ("5", "10000.00")
    assert (by_line["USD"]["count"], by_line["USD"]["spent"]) == ("1", "15.00")
    for dimension in ("line", "operator", "channel", "provider"):
        per_currency: dict[str, int] = defaultdict(int)
        for r in rows:
            if r["dimension"] == dimension:
                per_currency[r["currency"]] += int(r["count"])
        totals = {r["currency"]: int(r["count"]) for r in rows if r["dimension"] == "total"}
        assert dict(per_currency) == totals, dimension


def test_a_comma_in_a_canonical_amount_is_refused_with_row_and_column(tracker: Tracker, tmp_path: Path) -> None:
    source = tmp_path / "canonical.csv"
    source.write_text(
        "line,occurred_at,amount,currency,channel,status\n"
        f"{KCELL},2026-11-20T10:00:00+05:00,2000.00,KZT,bank_app,credited\n"
        f'{KCELL},2026-11-20T11:00:00+05:00,"1,234",KZT,bank_app,credited\n'
        f'{KCELL},2026-11-20T12:00:00+05:00,"1,234",KWD,bank_app,credited\n',
        encoding="utf-8",
    )
    report = tracker.import_file(source)
    assert not report.written and tracker.count_topups() == 0
    assert [(r.row, r.column, r.value) for r in report.refused] == [(3, "amount", "1,234"), (4, "amount", "1,234")]
    assert "could mean a thousand or a decimal mark" in report.refused[0].why


def test_failed_and_refunded_top_ups_are_not_amount_mismatches(tracker: Tracker) -> None:
    add(tracker, amount="2000", credited_amount="0", status="failed", reference="F")
    add(tracker, amount="3000", credited_amount="0", status="refunded", reference="R", occurred_at="2026-11-19 10:00")
    taken = add(tracker, amount="1500", credited_amount="1400", reference="T", occurred_at="2026-11-18 10:00")
    found = [f.topup.id for f in tracker.check(CheckOptions(kinds=("amount_mismatch",)))]
    assert found == [taken.id]


def test_text_cells_are_trimmed_and_a_formula_after_a_tab_still_exports_neutralised(
    tracker: Tracker, tmp_path: Path
) -> None:
    """docs/csv-format.md: leading and trailing spaces, tabs and line breaks of a cell are not kept."""
    source = tmp_path / "notes.csv"
    source.write_text(
        "line,occurred_at,amount,currency,channel,status,note,line_label\n"
        f'{KCELL},2026-11-20T10:00:00+05:00,2000.00,KZT,bank_app,credited,"\t=HYPERLINK(1)  ","  Mum \n"\n',
        encoding="utf-8",
    )
    assert tracker.import_file(source).written
    (record,) = tracker.list_topups().items
    assert (record.note, record.line_label) == ("=HYPERLINK(1)", "Mum")
    out = io.StringIO()
    tracker.export_csv(out)
    assert "'=HYPERLINK(1)" in out.getvalue()
    assert ",=HYPERLINK" not in out.getvalue()


def test_a_new_number_is_flagged_through_day_seven_and_not_on_day_eight(tracker: Tracker) -> None:
    """The first week of a number never topped up before: its first top-up and those up to seven days after."""
    day0 = add(tracker, occurred_at="2026-11-16 09:00", reference="A")  # "now" is 2026-11-24 12:00 local
    day7 = add(tracker, occurred_at="2026-11-23 09:00", reference="B")  # exactly seven days after the first
    day8 = add(tracker, occurred_at="2026-11-24 09:01", reference="C")  # more than seven days after it
    found = {f.topup.id for f in tracker.check(CheckOptions(kinds=("new_number",)))}
    assert day7.id in found and day8.id not in found
    assert day0.id not in found  # the first top-up itself is over a week old: no longer recent
