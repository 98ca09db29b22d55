"""Monthly reports: exact per-currency totals in local months, comparisons, rates, and every output format."""

from __future__ import annotations

import io
import json
import random
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.helpers import BEELINE, KCELL, add
from tracker.cli import cli
from tracker.domain.errors import InvalidInput
from tracker.domain.vocab import Source
from tracker.flows.reports import views as views
from tracker.service import Tracker

NOV = date(2026, 11, 1)


def crafted(tracker: Tracker) -> None:
    """November 2026 in Almaty, with every status, three currencies, fees and a month-boundary top-up."""
    add(
        tracker,
        amount="2000",
        occurred_at="2026-11-03 10:00",
        credited_amount="2000",
        provider="Kaspi.kz",
        reference="K1",
    )
    add(tracker, amount="5000", occurred_at="2026-11-05 10:00", credited_amount="4800", channel="terminal", fee="100",
        provider="Qiwi")  # fmt: skip
    add(tracker, amount="1000", occurred_at="2026-11-01 00:30", status="pending", provider="Kaspi.kz")  # UTC: Oct 31
    add(tracker, amount="3000", occurred_at="2026-11-10 12:00", status="disputed", provider="Qiwi", reference="Q2")
    add(tracker, amount="7000", occurred_at="2026-11-11 12:00", status="failed")
    add(tracker, amount="4000", occurred_at="2026-11-12 12:00", status="refunded")
    add(tracker, line=BEELINE, amount="5000", paid_amount="70.50", paid_currency="CNY", fee="0.50",
        occurred_at="2026-11-13 12:00", credited_amount="5000", channel="third_party", provider="Alipay")  # fmt: skip
    add(tracker, amount="500", occurred_at="2026-10-31 23:30", credited_amount="500")  # October, though 18:30 UTC
    add(tracker, amount="1500", occurred_at="2026-09-30 23:50", credited_amount="1500")  # September in Almaty


def test_exact_totals_per_currency_in_local_months(tracker: Tracker) -> None:
    crafted(tracker)
    (m,) = tracker.report(NOV, NOV).months
    assert m.count == 5  # pending, credited (2), disputed and the CNY one; failed and refunded are apart
    assert m.spent == {"CNY": Decimal("71.00"), "KZT": Decimal("11100.00")}  # 2000+5000+100+1000+3000; 70.50+0.50
    assert m.fees == {"CNY": Decimal("0.50"), "KZT": Decimal("100.00")}
    assert m.credited == {"KZT": Decimal("11800.00")}  # in the asked currency: 2000 + 4800 + 5000
    assert m.shortfall == {"KZT": Decimal("4200.00")}  # 200 short + 1000 pending + 3000 disputed
    assert m.counts == {"CNY": 1, "KZT": 4}
    assert m.average == {"CNY": Decimal("71.00"), "KZT": Decimal("2775.00")}
    assert m.apart == {"failed": (1, {"KZT": Decimal("7000.00")}), "refunded": (1, {"KZT": Decimal("4000.00")})}
    assert (m.reference_share, m.receipt_share, m.verified_share) == (Decimal("0.400"), Decimal("0.000"),
                                                                       Decimal("0.000"))  # fmt: skip
    operators = {b.key: (b.count, b.spent) for b in m.breakdowns["operator"]}
    assert operators == {"Kcell": (4, {"KZT": Decimal("11100.00")}), "Beeline": (1, {"CNY": Decimal("71.00")})}
    providers = {b.key: b.count for b in m.breakdowns["provider"]}
    assert providers == {"Kaspi.kz": 2, "Qiwi": 2, "Alipay": 1}
    assert m.vs_previous == {"KZT": Decimal("21.200"), "CNY": None}  # October: 500 KZT only


def test_channels_providers_and_lines_are_broken_down_by_spending_only(tracker: Tracker) -> None:
    crafted(tracker)
    add(tracker, amount="600", occurred_at="2026-11-14 12:00", channel="atm", credited_amount="600")  # no provider
    add(tracker, line=BEELINE, amount="900", occurred_at="2026-11-15 12:00", channel="atm", status="failed")
    (m,) = tracker.report(NOV, NOV).months
    channels = {b.key: (b.count, b.spent) for b in m.breakdowns["channel"]}
    assert channels == {
        "bank_app": (3, {"KZT": Decimal("6000.00")}),  # 2000 + 1000 pending + 3000 disputed; failed one left out
        "atm": (1, {"KZT": Decimal("600.00")}),
        "terminal": (1, {"KZT": Decimal("5100.00")}),
        "third_party": (1, {"CNY": Decimal("71.00")}),
    }
    assert {b.key: b.count for b in m.breakdowns["provider"]}["(none)"] == 1
    lines = [(b.count, b.spent) for b in m.breakdowns["line"]]
    assert lines == [(5, {"KZT": Decimal("11700.00")}), (1, {"CNY": Decimal("71.00")})]  # most top-ups first


def test_the_twelve_month_average_counts_months_before_the_report(tracker: Tracker) -> None:
    add(tracker, amount="1200", occurred_at="2025-12-15 12:00", credited_amount="1200")
    add(tracker, amount="2400", occurred_at="2026-10-15 12:00", credited_amount="2400")
    add(tracker, amount="300", occurred_at="2026-11-15 12:00", credited_amount="300")
    add(tracker, amount="9999", occurred_at="2025-10-15 12:00", credited_amount="9999")  # 13 months back: outside
    report = tracker.report(NOV, NOV)
    (m,) = report.months
    assert m.vs_average == {"KZT": Decimal("0.000")}  # (1200 + 2400) / 12 = 300
    assert m.vs_previous == {"KZT": Decimal("-0.875")}
    assert report.history[date(2025, 12, 1)] == {"KZT": Decimal("1200.00")}
    assert list(report.history) == sorted(report.history)


def test_the_month_of_the_zone_change(tracker: Tracker) -> None:
    add(tracker, amount="100", occurred_at="2024-02-01T00:30+06:00")  # first minutes of February, at +06
    add(tracker, amount="200", occurred_at="2024-02-29T23:30+05:00")  # the repeated hour, second time: February
    add(tracker, amount="400", occurred_at="2024-03-01T00:10+05:00")  # March
    feb, mar = tracker.report(date(2024, 2, 1), date(2024, 3, 1)).months
    assert feb.spent == {"KZT": Decimal("300.00")}
    assert mar.spent == {"KZT": Decimal("400.00")}


def test_an_empty_month_and_a_month_before_the_first_top_up(tracker: Tracker) -> None:
    (m,) = tracker.report(date(2020, 1, 1), date(2020, 1, 1)).months
    assert (m.count, m.spent) == (0, {})
    text = views.sections(tracker.report(date(2020, 1, 1), date(2020, 1, 1)))[0].notes
    assert text == ["No top-ups in 2020-01."]


def test_a_range_totals_its_months(tracker: Tracker) -> None:
    crafted(tracker)
    report = tracker.report(date(2026, 9, 1), date(2026, 11, 1))
    assert [m.spent.get("KZT") for m in report.months] == [Decimal("1500.00"), Decimal("500.00"),
                                                          Decimal("11100.00")]  # fmt: skip
    assert report.total.spent == {"KZT": Decimal("13100.00"), "CNY": Decimal("71.00")}
    assert report.total.count == 7


def test_a_range_made_with_only_the_breakdowns_it_shows_reads_the_same(tracker: Tracker) -> None:
    """A year's table groups no line it does not show, yet says exactly what the full report says."""
    crafted(tracker)
    first, last = date(2026, 9, 1), date(2026, 11, 1)
    full = tracker.report(first, last)
    for by in (None, "operator", "provider"):
        wanted = views.shown_dimensions(3, "table", by)
        assert wanted == ((by,) if by else ())
        lean = tracker.report(first, last, dimensions=wanted)
        assert views.sections(lean, by) == views.sections(full, by)
        assert views.markdown(lean, by) == views.markdown(full, by)
        assert set(lean.total.breakdowns) <= set(wanted)
    assert views.shown_dimensions(1, "table", "line") == views.shown_dimensions(3, "json", None) == views.DIMENSIONS
    assert views.shown_dimensions(3, "csv", "channel") == ("channel",)
    lean_json = views.as_json(tracker.report(first, last, dimensions=views.shown_dimensions(3, "json", None)))
    assert lean_json == views.as_json(full) and lean_json["total"]["by_line"]


def test_a_month_made_with_only_its_top_lines_reads_the_same(tracker: Tracker) -> None:
    """A month's table shows ten lines: the report names only the lines that can be among them, ties at the tenth
    place included (broken by name), and the table reads as the full report's does."""
    counts = [5, 4, 4, 3, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1]  # the tenth place: a tie of five lines with two top-ups
    for i, n in enumerate(counts):
        number = f"+7701555{i:04d}"
        tracker.add_line(number, {"label": f"Shop {chr(ord('N') - i)}"} if i % 3 else None)
        for k in range(n):
            currency = "USD" if (i, k) == (10, 0) else "KZT"  # Shop D's two are one in each: one count over both
            add(tracker, line=number, amount="10", currency=currency, occurred_at=f"2026-11-{k + 2:02d} 10:00")
    full, lean = tracker.report(NOV, NOV), tracker.report(NOV, NOV, top=views.shown_top(1, "table"))
    assert views.sections(lean) == views.sections(full) and views.markdown(lean) == views.markdown(full)
    assert lean.months[0].breakdowns["line"] == full.months[0].breakdowns["line"][:10]
    assert lean.months[0].breakdowns["operator"] == full.months[0].breakdowns["operator"]
    assert [e.count for e in lean.months[0].breakdowns["line"]] == counts[:10]
    assert views.shown_top(1, "json") is views.shown_top(2, "table") is None
    with pytest.raises(ValueError):
        tracker.report(date(2026, 10, 1), NOV, top=10)


def test_conversion_uses_recorded_then_implied_rates_and_refuses_without(tracker: Tracker) -> None:
    crafted(tracker)
    report = tracker.report(NOV, NOV, base="KZT")
    (rate,) = report.rates
    assert (rate.currency, rate.rate, rate.source) == ("CNY", Decimal("70.921986"), "implied by 1 top-up")
    assert report.months[0].converted == Decimal("16135.46")  # 11100 + 71.00 × 70.921986
    tracker.set_rate("CNY", "KZT", "70", date(2026, 11, 1))
    report = tracker.report(NOV, NOV, base="KZT")
    assert (report.rates[0].rate, report.rates[0].source) == (Decimal("70"), "recorded 2026-11-01")
    assert report.months[0].converted == Decimal("16070.00")
    with pytest.raises(InvalidInput) as info:
        tracker.report(NOV, NOV, base="USD")
    assert str(info.value) == (
        "--base: no CNY→USD rate for 2026-11 (record one: topup rates set CNY USD RATE --date 2026-11-01)"
    )


def test_json_shape_and_exact_strings(tracker: Tracker) -> None:
    crafted(tracker)
    body = views.as_json(tracker.report(NOV, NOV))
    assert body["zone"] == "Asia/Almaty"
    (month,) = body["months"]  # type: ignore[misc]
    assert month["month"] == "2026-11" and month["count"] == 5
    assert month["spent"] == {"CNY": "71.00", "KZT": "11100.00"}
    assert month["shortfall"] == {"KZT": "4200.00"}
    assert month["by_channel"][0] == {"key": "bank_app", "count": 3, "counts": {"KZT": 3}, "spent": {"KZT": "6000.00"}}
    assert month["proof_coverage"] == {"reference": "0.400", "receipt": "0.000", "confirmed": "0.000"}
    assert set(body) == {"zone", "base", "months", "total", "rates"}
    assert {"by_line", "by_operator", "by_channel", "by_provider", "verified_share"} <= set(month)


def test_csv_loads_back_with_pandas_to_the_same_totals(tracker: Tracker) -> None:
    crafted(tracker)
    report = tracker.report(date(2026, 10, 1), date(2026, 11, 1))
    frame = pd.read_csv(io.StringIO(views.as_csv(report)), dtype={"spent": str, "key": str})
    assert list(frame.columns) == list(views.CSV_COLUMNS)
    totals = frame[frame["dimension"] == "total"]
    for m in report.months:
        rows = totals[totals["month"] == m.month.strftime("%Y-%m")]
        assert {r.currency: Decimal(r.spent) for r in rows.itertuples()} == m.spent
    by_operator = frame[(frame["dimension"] == "operator") & (frame["month"] == "2026-11")]
    assert sum(Decimal(v) for v in by_operator[by_operator["currency"] == "KZT"]["spent"]) == Decimal("11100.00")


def test_the_report_command_in_every_format(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    crafted(tracker)
    monkeypatch.setenv("TOPUP_DATABASE_URL", tracker.settings.database_url)

    def run(*args: str) -> str:
        result = CliRunner().invoke(cli, ["report", "--month", "2026-11", *args])
        assert result.exit_code == 0, result.stderr
        return result.stdout

    table = run()
    assert table.splitlines()[0] == "Top-ups in 2026-11 (Asia/Almaty)"
    assert "Spent" in table and "11,100.00\u00a0KZT" in table and "Spent per month (KZT)" in table
    assert run("--format", "markdown").startswith("## Top-ups in 2026-11 (Asia/Almaty)\n\n|  | CNY | KZT |\n")
    assert json.loads(run("--format", "json"))["months"][0]["count"] == 5
    assert run("--format", "csv").splitlines()[0] == ",".join(views.CSV_COLUMNS)
    refused = CliRunner().invoke(cli, ["report", "--month", "2026-11", "--base", "USD"])
    assert refused.exit_code == 1 and refused.stderr.startswith("error: --base: no CNY→USD rate for 2026-11")
    deleted = tracker.list_topups().items[0]
    tracker.delete_topup(deleted.id, source=Source.CLI)  # deleted top-ups leave the totals
    assert json.loads(run("--format", "json"))["months"][0]["count"] == 4 or deleted.status.value in (
        "failed",
        "refunded",
    )


def test_the_dashboards_glance_says_what_the_months_report_says(tracker: Tracker) -> None:
    """The dashboard's figures come from the database alone, without pandas: for every month they are the month's
    report's own (spending, top-ups and shortfall per currency, and the thirteen months of the chart)."""
    crafted(tracker)
    glance = tracker.glance(NOV)
    assert glance.spent == {"CNY": Decimal("71.00"), "KZT": Decimal("11100.00")}
    assert glance.counts == {"CNY": 1, "KZT": 4}
    assert glance.shortfall == {"KZT": Decimal("4200.00")}  # 200 short + 1000 pending + 3000 disputed
    assert glance.history[date(2026, 10, 1)] == {"KZT": Decimal("500.00")}  # local months
    rng = random.Random(7)
    for n in range(80):
        status = rng.choice(["pending", "credited", "credited", "failed", "disputed", "refunded"])
        amount = rng.choice([500, 1000, 2000, 5000])
        k = n % 22  # January 2025 to October 2026: the months before the clock's
        when = f"{2025 + k // 12}-{1 + k % 12:02d}-{1 + n % 28:02d} {n % 24:02d}:{n % 60:02d}"
        fields = {"amount": str(amount), "status": status, "occurred_at": when, "line": rng.choice([KCELL, BEELINE])}
        if status == "credited":
            fields["credited_amount"] = str(amount - rng.choice([0, 0, 100]))
        if rng.random() < 0.3:
            fields |= {"paid_amount": f"{amount / 140:.2f}", "paid_currency": rng.choice(["CNY", "USD"]),
                       "fee": rng.choice(["", "0.50"]), "channel": "third_party"}  # fmt: skip
        add(tracker, **fields)
    for month in [date(2025 + k // 12, 1 + k % 12, 1) for k in range(24)]:
        (m,) = (report := tracker.report(month, month)).months
        seen = tracker.glance(month)
        assert (seen.spent, seen.counts, seen.shortfall) == (m.spent, m.counts, m.shortfall), month
        assert seen.history == {k: v for k, v in report.history.items() if v}, month
    assert any(tracker.glance(m).shortfall for m in [date(2025, k, 1) for k in range(1, 13)])  # the rule was met
