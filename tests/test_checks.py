"""Each check fires on its case and stays quiet on its near miss; findings can be acknowledged."""

from __future__ import annotations

import json
import random
import statistics
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import NOW
from tests.helpers import BEELINE, add, write_file
from tracker.cli import cli
from tracker.domain import rules
from tracker.domain.errors import Cancelled, Conflict
from tracker.domain.records import CheckOptions, Finding
from tracker.domain.vocab import Source
from tracker.service import Tracker
from tracker.storage import stopping

PROOF = {"reference": "R"}  # keeps missing_proof quiet where a test is about something else


def kinds(tracker: Tracker, **options: int) -> list[tuple[str, int]]:
    return [(f.kind, f.topup.id) for f in tracker.check(CheckOptions(**options)) if f.kind != "new_number"]


def of(tracker: Tracker, kind: str) -> list[Finding]:
    return [f for f in tracker.check() if f.kind == kind]


def test_amount_mismatch_and_its_near_miss(tracker: Tracker) -> None:
    short = add(tracker, amount="2000", credited_amount="1900", reference="A")
    add(tracker, amount="2000", credited_amount="2000", reference="B", occurred_at="2026-11-19 10:00")
    (finding,) = of(tracker, "amount_mismatch")
    assert finding.topup.id == short.id
    assert finding.message == "credited 1,900.00\u00a0KZT (-100.00\u00a0KZT)"


def test_not_credited_after_the_stale_hours(tracker: Tracker) -> None:
    old = add(tracker, occurred_at="2026-11-22 11:00", reference="A")  # 49 hours before "now"
    add(tracker, occurred_at="2026-11-24 10:00", reference="B")  # two hours ago
    assert [f.topup.id for f in of(tracker, "not_credited")] == [old.id]
    assert [k for k, _i in kinds(tracker, stale_hours=72)] == []


def test_disputed_open_counts_from_the_top_up_when_recorded_as_disputed(tracker: Tracker) -> None:
    record = add(tracker, status="disputed", reference="A", occurred_at="2026-11-20 10:00")  # 4 days before "now"
    (finding,) = of(tracker, "disputed_open")
    assert finding.topup.id == record.id
    assert finding.message == "disputed, open for 4 days since the top-up"


def test_disputed_open_counts_from_the_status_change_in_history(tracker: Tracker, monkeypatch) -> None:
    record = add(tracker, reference="A", occurred_at="2024-03-10 10:00")
    monkeypatch.setattr("tracker.domain.clock.Clock.now", lambda self: NOW - timedelta(days=3))
    tracker.dispute(record.id, source=Source.CLI)
    monkeypatch.setattr("tracker.domain.clock.Clock.now", lambda self: NOW)
    (finding,) = of(tracker, "disputed_open")
    day = (NOW - timedelta(days=3)).date().isoformat()
    assert finding.message == f"disputed since {day}, open for 3 days"


def test_a_dispute_imported_from_2024_is_not_brand_new(tracker: Tracker, tmp_path: Path) -> None:
    source = tmp_path / "old.csv"
    source.write_text(
        "line,occurred_at,amount,currency,channel,status,reference\n"
        "+77011234567,2024-05-01T12:00:00+05:00,2000,KZT,bank_app,disputed,R1\n",
        encoding="utf-8",
    )
    assert tracker.import_file(source).written
    (finding,) = of(tracker, "disputed_open")
    assert (
        finding.message
        == f"disputed, open for {(NOW - datetime(2024, 5, 1, 7, tzinfo=UTC)).days} days since the top-up"
    )


def test_double_charge_fires_within_15_minutes_and_not_at_16(tracker: Tracker) -> None:
    first = add(tracker, occurred_at="2026-11-20 10:00", credited_amount="2000", reference="A")
    second = add(tracker, occurred_at="2026-11-20 10:15", credited_amount="2000", reference="B")
    add(tracker, line=BEELINE, occurred_at="2026-11-20 10:00", credited_amount="2000", reference="C")
    add(tracker, line=BEELINE, occurred_at="2026-11-20 10:16", credited_amount="2000", reference="D")
    (finding,) = of(tracker, "possible_double_charge")
    assert (finding.topup.id, finding.related.id) == (second.id, first.id)  # type: ignore[union-attr]
    assert finding.message == f"same line and amount as top-up #{first.id}, 15 minutes earlier"


def test_a_failed_attempt_then_a_retry_is_normal_and_autopay_is_not_a_double_charge(tracker: Tracker) -> None:
    add(tracker, occurred_at="2026-11-20 10:00", status="failed", reference="A")
    add(tracker, occurred_at="2026-11-20 10:03", credited_amount="2000", reference="B")
    add(tracker, line=BEELINE, occurred_at="2026-11-20 10:00", channel="autopay", credited_amount="2000",
        reference="C")  # fmt: skip
    add(tracker, line=BEELINE, occurred_at="2026-11-20 10:05", channel="autopay", credited_amount="2000",
        reference="D")  # fmt: skip
    assert of(tracker, "possible_double_charge") == []


def test_unusual_amount_above_five_times_the_median_but_not_four(tracker: Tracker) -> None:
    for day in (10, 11, 12):
        add(tracker, amount="1000", occurred_at=f"2026-11-{day} 10:00", reference=f"M{day}", credited_amount="1000")
    typo = add(tracker, amount="10000", occurred_at="2026-11-13 10:00", reference="T", credited_amount="10000")
    add(tracker, line=BEELINE, amount="1000", occurred_at="2026-11-10 10:00", reference="B1", credited_amount="1000")
    add(tracker, line=BEELINE, amount="1000", occurred_at="2026-11-11 10:00", reference="B2", credited_amount="1000")
    add(tracker, line=BEELINE, amount="1000", occurred_at="2026-11-12 10:00", reference="B3", credited_amount="1000")
    add(tracker, line=BEELINE, amount="4000", occurred_at="2026-11-13 10:00", reference="B4", credited_amount="4000")
    (finding,) = of(tracker, "unusual_amount")
    assert finding.topup.id == typo.id
    assert finding.message == "more than 5 times this line's usual 1,000.00\u00a0KZT"


def test_unusual_amounts_are_those_above_five_times_each_lines_median_per_currency(tracker: Tracker) -> None:
    """Histories of odd and even lengths on several lines and currencies, with repeated amounts (the median is
    found from each line's counted amounts): the findings are exactly the top-ups a plain median picks out."""
    rng = random.Random(3)
    expected, spending = set(), {}
    lines = ["+7701" + f"{n:07d}" for n in range(6)]
    for i in range(150):
        line, currency = rng.choice(lines), rng.choice(["KZT", "KZT", "USD"])
        amount = rng.choice([100, 200, 200, 500, 1000, 5000, 12000])
        status = rng.choice(["credited", "pending", "failed", "disputed", "refunded"])
        saved = add(tracker, line=line, amount=str(amount), currency=currency, status=status, reference=f"U{i}",
                    occurred_at=f"2026-{1 + i % 10:02d}-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}")  # fmt: skip
        if status in ("credited", "pending", "disputed"):
            spending.setdefault((line, currency), []).append((saved.id, amount))
    for rows in spending.values():
        if len(rows) >= rules.UNUSUAL_MIN_HISTORY:
            median = statistics.median(amount for _id, amount in rows)
            expected |= {topup_id for topup_id, amount in rows if amount > rules.UNUSUAL_FACTOR * median}
    assert expected, "the histories hold unusual amounts"
    assert {f.topup.id for f in of(tracker, "unusual_amount")} == expected


def test_new_number_in_its_first_week_only(tracker: Tracker) -> None:
    fresh = add(tracker, line=BEELINE, occurred_at="2026-11-23 10:00", reference="A")
    add(tracker, occurred_at="2026-11-01 10:00", reference="B")  # first top-up three weeks ago
    add(tracker, occurred_at="2026-11-23 10:00", reference="C")
    assert [f.topup.id for f in of(tracker, "new_number")] == [fresh.id]


def test_a_number_whose_only_earlier_top_up_was_deleted_is_new_again(tracker: Tracker) -> None:
    mistaken = add(tracker, line=BEELINE, occurred_at="2026-11-01 10:00", reference="A")
    again = add(tracker, line=BEELINE, occurred_at="2026-11-23 10:00", reference="B")
    assert of(tracker, "new_number") == []  # three weeks old: not new any more
    tracker.delete_topup(mistaken.id, source=Source.CLI)
    assert [f.topup.id for f in of(tracker, "new_number")] == [again.id]


def test_missing_proof_spares_a_reference_a_receipt_and_failed_attempts(tracker: Tracker, tmp_path: Path) -> None:
    bare = add(tracker)
    add(tracker, reference="A", occurred_at="2026-11-19 10:00")
    add(tracker, receipts=(write_file(tmp_path / "r.png", b"\x89PNG r"),), occurred_at="2026-11-18 10:00")
    add(tracker, status="failed", occurred_at="2026-11-17 10:00")
    assert [f.topup.id for f in of(tracker, "missing_proof")] == [bare.id]


def test_receipt_damaged_and_reused(tracker: Tracker, tmp_path: Path) -> None:
    photo = write_file(tmp_path / "r.png", b"\x89PNG shared")
    first = add(tracker, receipts=(photo,), occurred_at="2026-11-19 10:00")
    second = add(tracker, receipts=(photo,), amount="500")
    (reused,) = of(tracker, "receipt_reused")
    assert (reused.topup.id, reused.related.id) == (second.id, first.id)  # type: ignore[union-attr]
    assert of(tracker, "receipt_damaged") == []
    stored = tracker.receipt_path(tracker.list_receipts(first.id)[0].sha256)
    stored.chmod(0o644)
    stored.write_bytes(b"tampered")
    assert sorted(f.topup.id for f in of(tracker, "receipt_damaged")) == sorted([first.id, second.id])
    checked, damaged = tracker.verify_receipts()
    assert (checked, [d[2] for d in damaged]) == (1, [first.id, second.id])


def test_deadlines_within_the_window(tracker: Tracker) -> None:
    soon = add(tracker, package="10 GB", expires_at="2026-11-26 12:00", reference="A")
    add(tracker, package="20 GB", expires_at="2026-12-10 12:00", reference="B", occurred_at="2026-11-19 10:00")
    closing = add(tracker, status="disputed", refund_until="2026-11-25 18:00", reference="C",
                  occurred_at="2026-11-18 10:00")  # fmt: skip
    assert [f.topup.id for f in of(tracker, "package_expiring")] == [soon.id]
    assert of(tracker, "package_expiring")[0].message == "package 10 GB expires in 2 days"
    assert [f.topup.id for f in of(tracker, "refund_window_closing")] == [closing.id]
    assert [k for k, _i in kinds(tracker, expiry_days=0) if k.endswith(("expiring", "closing"))] == []


def test_acknowledged_findings_stop_coming_back(tracker: Tracker) -> None:
    bare = add(tracker, occurred_at="2026-11-01 10:00")
    assert ("missing_proof", bare.id) in kinds(tracker)
    tracker.acknowledge(bare.id, "missing_proof")
    assert ("missing_proof", bare.id) not in kinds(tracker)
    with pytest.raises(Conflict, match="already acknowledged"):
        tracker.acknowledge(bare.id, "missing_proof")


def test_month_scope(tracker: Tracker) -> None:
    october = add(tracker, occurred_at="2026-10-15 10:00", credited_amount="2000")
    add(tracker, occurred_at="2026-11-15 10:00", reference="A")
    from tracker.domain.clock import month_bounds, zone

    start, end = month_bounds(__import__("datetime").date(2026, 10, 1), zone("Asia/Almaty"))
    assert kinds(tracker, start=start, end=end) == [("missing_proof", october.id)]  # type: ignore[arg-type]


def test_check_command_exit_codes_and_json(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOPUP_DATABASE_URL", tracker.settings.database_url)
    monkeypatch.setattr("tracker.domain.clock.Clock.now", lambda self: NOW)
    clean = CliRunner().invoke(cli, ["check"])
    assert (clean.exit_code, clean.stdout) == (0, "All is well: nothing needs attention.\n")
    first = add(tracker, occurred_at="2026-11-20 10:00", credited_amount="2000", reference="A")
    second = add(tracker, occurred_at="2026-11-20 10:04", credited_amount="2000", reference="B")
    result = CliRunner().invoke(cli, ["check", "--format", "json"])
    assert result.exit_code == 1
    (finding,) = [f for f in json.loads(result.stdout)["findings"] if f["kind"] == "possible_double_charge"]
    assert finding["topup"] == {"id": second.id, "uid": str(second.uid), "occurred_at": "2026-11-20T10:04:00+05:00",
                                "line": "+77011234567", "amount": "2000.00", "currency": "KZT"}  # fmt: skip
    assert finding["related"]["id"] == first.id
    assert set(finding) == {"kind", "topup", "related", "message", "advice"}
    table = CliRunner().invoke(cli, ["check"])
    assert table.exit_code == 1 and "Possible double charge (1) · possible_double_charge" in table.stdout
    acked = CliRunner().invoke(cli, ["check", "ack", str(second.id), "possible_double_charge"])
    assert acked.stdout == f"Acknowledged possible_double_charge on top-up #{second.id}.\n"
    bad = CliRunner().invoke(cli, ["check", "ack", str(second.id), "bogus"])
    assert bad.exit_code == 1 and "not a kind of finding" in bad.stderr


def test_counts_are_exact_while_only_the_newest_findings_are_built(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    days = ("2026-11-10 10:00", "2026-11-12 10:00", "2026-11-14 10:00")
    made = [add(tracker, occurred_at=day, credited_amount="2000") for day in days]  # no reference, no receipt
    result = tracker.check(CheckOptions(limit=2))
    assert result.counts["missing_proof"] == 3 and result.total >= 3
    assert [f.topup.id for f in result if f.kind == "missing_proof"] == [made[2].id, made[1].id]
    monkeypatch.setenv("TOPUP_DATABASE_URL", tracker.settings.database_url)
    monkeypatch.setattr("tracker.domain.clock.Clock.now", lambda self: NOW)
    table = CliRunner().invoke(cli, ["check", "--limit", "1"])
    assert "No proof (3) · missing_proof" in table.stdout and "… and 2 older (--all lists every one)" in table.stdout
    shown = json.loads(CliRunner().invoke(cli, ["check", "--format", "json", "--all"]).stdout)
    assert shown["counts"]["missing_proof"] == 3
    assert len([f for f in shown["findings"] if f["kind"] == "missing_proof"]) == 3


def test_add_warns_before_saving_a_double_charge(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOPUP_DATABASE_URL", tracker.settings.database_url)
    monkeypatch.setattr("tracker.domain.clock.Clock.now", lambda self: NOW)
    add(tracker, occurred_at="2026-11-24 11:50", reference="A")
    args = ["add", "--line", "87011234567", "--amount", "2000", "--channel", "bank_app", "--at", "2026-11-24 11:55"]
    declined = CliRunner().invoke(cli, args, input="n\n")
    assert declined.exit_code == 1
    assert "warning: top-up #1 has the same line and amount 5 minutes apart" in declined.stderr
    assert len(tracker.list_topups().items) == 1
    forced = CliRunner().invoke(cli, [*args, "--yes"])
    assert forced.exit_code == 0 and len(tracker.list_topups().items) == 2
    assert tracker.warnings_for(tracker.parse_topup({"line": "87011234567", "amount": "2000", "channel": "autopay",
                                                     "occurred_at": "2026-11-24 11:56"})) == []  # fmt: skip
    tracker.delete_topup(2, source=Source.CLI)


def test_checks_asked_to_stop_are_abandoned_and_the_next_ones_run_whole(tracker: Tracker, monkeypatch) -> None:
    """The dashboard's checks stop mid-statement when the user leaves it (SQLite); asked and never told to stop,
    they find what they always find, and a stop asked once does not linger on the connection."""
    for n in range(12):
        add(tracker, amount=str(1000 + n), occurred_at=f"2026-11-{n + 1:02d} 10:00", status="pending")
    add(tracker, amount="90000", occurred_at="2026-11-19 10:00")
    whole = tracker.check()
    monkeypatch.setattr(stopping, "STEPS", 1)
    asked: list[int] = []

    def never() -> bool:
        asked.append(1)
        return False

    assert tracker.check(stop=never) == whole
    if tracker.engine.dialect.name == "sqlite":
        assert asked  # SQLite asked while the statements ran
        with pytest.raises(Cancelled):
            tracker.check(stop=lambda: True)
    else:  # PostgreSQL has no progress hook here: the checks run to their end
        assert tracker.check(stop=lambda: True) == whole
    assert tracker.check() == whole and whole.counts
