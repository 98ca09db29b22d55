"""Importing: strict refusals by row and column, all-or-nothing, duplicates shown not merged, batches undone."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.helpers import add
from tracker.domain.canonical import COLUMNS
from tracker.domain.errors import Conflict, InvalidInput
from tracker.domain.records import ImportOptions
from tracker.domain.vocab import Source
from tracker.service import Tracker
from tracker.storage.models import History, ImportBatch, TopUp

SAMPLES = Path(__file__).resolve().parents[1] / "sample_data"


def canonical_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


def row(**fields: str) -> dict[str, str]:
    base = {
        "occurred_at": "2026-11-20T10:00:00+05:00",
        "line": "+77051234567",
        "channel": "terminal",
        "provider": "Qiwi",
        "amount": "1000.00",
        "currency": "KZT",
        "status": "pending",
    }
    base.update(fields)
    return base


def counts(tracker: Tracker) -> tuple[int, int, int]:
    with tracker.engine.connect() as c:
        return tuple(c.scalar(select(func.count()).select_from(m)) for m in (TopUp, History, ImportBatch))  # type: ignore[return-value]


def test_abort_writes_nothing_and_names_row_column_value_and_why(tracker: Tracker, tmp_path: Path) -> None:
    add(tracker)
    before = counts(tracker)
    path = canonical_csv(tmp_path / "in.csv", [row(), row(amount="-5", reference="A"), row(occurred_at="24/11/2026")])
    report = tracker.import_file(path)
    assert counts(tracker) == before
    assert report.written is False and report.batch_id is None
    assert [(r.row, r.column, r.value, r.why) for r in report.refused] == [
        (3, "amount", "-5", "'-5' is not accepted: it is negative; amounts are written as positive numbers"),
        (
            4,
            "occurred_at",
            "24/11/2026",
            "'24/11/2026' is not accepted: not a date in this source's format (expected ISO 8601)",
        ),
    ]
    assert report.summary == "1 new, 0 already present, 0 possible duplicates, 2 refused"


def test_a_value_read_once_is_judged_again_in_another_currency_and_refused_every_time(
    tracker: Tracker, tmp_path: Path
) -> None:
    """Import remembers parsed texts; what an amount means depends on its currency, and a refusal is never
    remembered as a value."""
    rows = [
        row(paid_amount="12.5", paid_currency="USD", reference="A"),
        row(paid_amount="12.5", paid_currency="JPY", reference="B"),  # yen have no minor digits
        row(paid_amount="12.5", paid_currency="USD", reference="C", occurred_at="2026-11-20T11:00:00+05:00"),
        row(paid_amount="12.5", paid_currency="JPY", reference="D"),
        row(channel="kiosk", reference="E"),
        row(channel="kiosk", reference="F"),
    ]
    report = tracker.import_file(canonical_csv(tmp_path / "in.csv", rows), options=ImportOptions(on_error="skip"))
    assert [(r.row, r.column) for r in report.refused] == [
        (3, "paid_amount"), (5, "paid_amount"), (6, "channel"), (7, "channel")
    ]  # fmt: skip
    assert {t.reference: (t.paid, t.paid_currency) for t in tracker.list_topups().items} == {
        "A": (Decimal("12.50"), "USD"),
        "C": (Decimal("12.50"), "USD"),
    }


def test_a_missing_required_column_stops_before_any_row(tracker: Tracker, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("when,amount\n2026-11-20,1000\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        tracker.import_file(path)
    assert info.value.where == "bad.csv"
    assert str(info.value).startswith("bad.csv: no column occurred_at in the header (the header has: when, amount;")


def test_values_are_cut_short_in_messages(tracker: Tracker, tmp_path: Path) -> None:
    path = canonical_csv(tmp_path / "in.csv", [row(channel="x" * 500)])
    (refused,) = tracker.import_file(path).refused
    assert len(refused.value) == 40 and refused.value.endswith("…")


def test_skip_imports_the_good_rows_and_the_fixed_rejects_import_cleanly(tracker: Tracker, tmp_path: Path) -> None:
    path = canonical_csv(
        tmp_path / "in.csv",
        [
            row(reference="A"),
            row(reference="B", channel="pigeon", occurred_at="2026-11-20T11:00"),
            row(reference="C", amount="2,50,0", occurred_at="2026-11-20T12:00"),
        ],
    )
    report = tracker.import_file(path, options=ImportOptions(on_error="skip"))
    assert (report.written, report.new, report.refused_rows) == (True, 1, 2)
    rejects = Path(report.rejects_path or "")
    assert rejects == tmp_path / "in.rejects.csv"
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(COLUMNS) + ",error"
    assert lines[1].split(",")[14] == "B"
    assert "channel: 'pigeon' is not accepted" in lines[1]
    fixed = rejects.read_text(encoding="utf-8").replace("pigeon", "terminal").replace('"2,50,0"', "2500.00")
    (tmp_path / "fixed.csv").write_text(fixed, encoding="utf-8")
    again = tracker.import_file(tmp_path / "fixed.csv")  # the extra `error` column is ignored
    assert again.summary == "2 new, 0 already present, 0 possible duplicates, 0 refused"


def test_reimporting_the_same_file_adds_nothing(tracker: Tracker, tmp_path: Path) -> None:
    path = canonical_csv(
        tmp_path / "in.csv",
        [row(reference="A"), row(uid="6f1c3b4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f", occurred_at="2026-11-19T09:00:00+05:00")],
    )
    assert tracker.import_file(path).new == 2
    again = tracker.import_file(path)
    assert again.summary == "0 new, 2 already present, 0 possible duplicates, 0 refused"
    assert (again.written, again.nothing_new, again.batch_id) == (False, True, None)
    assert [batch.id for batch in tracker.list_batches()] == [1]  # no empty batch to list or undo


def test_deleted_top_ups_still_count_so_nothing_is_resurrected(tracker: Tracker, tmp_path: Path) -> None:
    path = canonical_csv(tmp_path / "in.csv", [row(reference="A")])
    tracker.import_file(path)
    (only,) = tracker.list_topups().items
    tracker.delete_topup(only.id, source=Source.CLI)
    assert tracker.import_file(path).present == 1
    assert tracker.list_topups().items == ()


def test_possible_duplicates_are_held_back_with_reasons(tracker: Tracker, tmp_path: Path) -> None:
    existing = add(tracker, line="+77051234567", amount="1000", occurred_at="2026-11-20 10:00")
    path = canonical_csv(
        tmp_path / "in.csv",
        [
            row(occurred_at="2026-11-20T10:00:40+05:00"),  # same minute as the stored one
            row(occurred_at="2026-11-18T08:00:00+05:00", reference="R1"),
            row(occurred_at="2026-11-18T08:00:10+05:00", reference="R2"),  # same minute as the row above
            row(occurred_at="2026-11-17T08:00:00+05:00", channel="autopay"),  # a scheduled top-up, another day:
            row(occurred_at="2026-11-16T08:00:00+05:00", channel="autopay"),  # not duplicates
        ],
    )
    report = tracker.import_file(path)
    assert [(d.row, d.reason, d.matches_uid) for d in report.duplicates] == [
        (2, f"same line, amount, currency and minute as top-up #{existing.id}", str(existing.uid)),
        (4, "same line, amount, currency and minute as row 3 of this file", report.duplicates[1].matches_uid),
    ]
    assert report.new == 3 and report.written
    forced = tracker.import_file(path, options=ImportOptions(allow_duplicates=True))
    # Only R1 is recognisably the same payment (by reference); rows without a uid or reference go in again.
    assert (forced.new, forced.present, forced.duplicates) == (4, 1, [])


def test_dry_run_reports_exactly_and_writes_nothing(tracker: Tracker, tmp_path: Path) -> None:
    path = canonical_csv(tmp_path / "in.csv", [row(reference="A"), row(reference="B", amount="0")])
    before = counts(tracker)
    report = tracker.import_file(path, options=ImportOptions(dry_run=True, on_error="skip"))
    assert report.summary == "1 new, 0 already present, 0 possible duplicates, 1 refused"
    assert counts(tracker) == before and not (tmp_path / "in.rejects.csv").exists()


def test_undo_removes_exactly_the_batch_and_refuses_after_an_edit(tracker: Tracker, tmp_path: Path) -> None:
    mine = add(tracker, amount="777")
    first = tracker.import_file(
        canonical_csv(
            tmp_path / "a.csv", [row(reference="A"), row(reference="B", occurred_at="2026-11-20T11:00:00+05:00")]
        )
    )
    second = tracker.import_file(
        canonical_csv(tmp_path / "b.csv", [row(reference="C", occurred_at="2026-11-20T12:00:00+05:00")])
    )
    assert tracker.undo_batch(first.batch_id, source=Source.CLI).topups == 2  # type: ignore[arg-type]
    assert sorted(t.reference or "" for t in tracker.list_topups().items) == ["", "C"]
    assert tracker.get_topup(mine.id).amount == Decimal("777.00")
    (c,) = [t for t in tracker.list_topups().items if t.reference == "C"]
    tracker.edit_topup(c.id, {"note": "checked"}, source=Source.CLI)
    with pytest.raises(Conflict, match=f"top-ups #{c.id} of this batch were changed since the import"):
        tracker.undo_batch(second.batch_id, source=Source.CLI)  # type: ignore[arg-type]
    with pytest.raises(Conflict, match="was undone already"):
        tracker.undo_batch(first.batch_id, source=Source.CLI)  # type: ignore[arg-type]
    batches = tracker.list_batches()
    assert [(b.id, b.new, b.undone_at is not None) for b in batches] == [
        (second.batch_id, 1, False),
        (first.batch_id, 2, True),
    ]


def test_new_lines_are_listed_and_a_disagreeing_operator_keeps_the_line(tracker: Tracker, tmp_path: Path) -> None:
    tracker.add_line("+77051234567")  # Beeline by prefix
    path = canonical_csv(
        tmp_path / "in.csv",
        [
            row(operator="Izi", reference="A"),
            row(line="+77471234567", line_label="Shop", operator="tele2", sim_kind="esim", reference="B"),
        ],
    )
    report = tracker.import_file(path)
    assert report.new_lines == ["+77471234567"]
    assert report.notes == ["+7 705 *** 4567: the file says Izi, the line says Beeline; the line is kept as it is"]
    shop = tracker.get_line("+77471234567")
    assert (shop.label, shop.operator, shop.kind.value) == ("Shop", "tele2", "esim")  # type: ignore[union-attr]
    assert tracker.get_line("+77051234567").operator == "beeline"  # type: ignore[union-attr]


def test_json_report_shape(tracker: Tracker, tmp_path: Path) -> None:
    add(tracker, line="+77051234567", amount="1000", occurred_at="2026-11-20 10:00")
    report = tracker.import_file(
        canonical_csv(tmp_path / "in.csv", [row(), row(reference="X", status="lost")]),
        options=ImportOptions(on_error="skip"),
    )
    shape = report.as_json()
    assert {k: shape[k] for k in ("new", "already_present", "possible_duplicates", "refused")} == {
        "new": 0,
        "already_present": 0,
        "possible_duplicates": 1,
        "refused": 1,
    }
    assert shape["refused_rows"] == [
        {
            "row": 3,
            "column": "status",
            "value": "lost",
            "reason": "'lost' is not accepted: not a known value (one of: pending, credited, failed, "
            "disputed, refunded)",
        }
    ]
    assert shape["duplicate_rows"][0]["row"] == 2  # type: ignore[index]
    assert shape["duplicate_rows"][0]["matches"] == str(tracker.list_topups().items[0].uid)  # type: ignore[index]


def test_streaming_keeps_chunks_consistent_across_boundaries(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows in different chunks still find each other: the earlier chunk is already in the database."""
    monkeypatch.setattr("tracker.flows.importing.importer.CHUNK_ROWS", 2)
    rows = [row(occurred_at=f"2026-11-{d:02d}T10:00:00+05:00", reference=f"R{d}") for d in range(1, 6)]
    rows.append(row(occurred_at="2026-11-01T10:00:30+05:00"))  # same minute as the first row, three chunks later
    report = tracker.import_file(canonical_csv(tmp_path / "in.csv", rows))
    assert (report.new, [d.row for d in report.duplicates]) == (5, [7])
    assert report.duplicates[0].reason == "same line, amount, currency and minute as an earlier row of this file"


def test_csv_text_survives_awkward_content(tracker: Tracker, tmp_path: Path) -> None:
    note = 'line one\nline "two", with comma; 给妈妈 — тенге'
    report = tracker.import_file(canonical_csv(tmp_path / "in.csv", [row(note=note, reference="A")]))
    assert report.new == 1
    assert tracker.list_topups().items[0].note == note
    out = io.StringIO()
    tracker.export_csv(out)
    assert note in next(csv.DictReader(io.StringIO(out.getvalue())))["note"]


def test_the_canonical_sample_imports_cleanly(tracker: Tracker) -> None:
    report = tracker.import_file(SAMPLES / "topups.csv")
    assert (report.new, report.refused_rows, report.duplicates) == (23, 0, [])
    assert tracker.import_file(SAMPLES / "topups.csv").present == 23


def test_chosen_duplicate_rows_are_imported_and_the_others_held_back(tracker: Tracker, tmp_path: Path) -> None:
    add(tracker, line="+77051234567", amount="1000", occurred_at="2026-11-20 10:00")
    add(tracker, line="+77051234567", amount="1000", occurred_at="2026-11-19 10:00")
    path = canonical_csv(tmp_path / "in.csv", [row(), row(occurred_at="2026-11-19T10:00:00+05:00")])
    report = tracker.import_file(path, options=ImportOptions(allow_rows=frozenset({3})))
    assert (report.new, [d.row for d in report.duplicates]) == (1, [2])


def test_a_cancelled_import_writes_nothing(tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.domain.errors import Cancelled

    monkeypatch.setattr("tracker.flows.importing.importer.CHUNK_ROWS", 1)
    path = canonical_csv(tmp_path / "in.csv", [row(reference=f"R{i}", occurred_at=f"2026-11-0{i}T10:00:00+05:00")
                                               for i in range(1, 6)])  # fmt: skip
    seen = []

    def progress(done: int, rows: int) -> None:
        seen.append(rows)
        if rows >= 2:
            raise Cancelled("stopped by the user")

    before = counts(tracker)
    with pytest.raises(Cancelled):
        tracker.import_file(path, progress=progress)
    assert counts(tracker) == before and seen == [1, 2]


def test_a_row_with_two_bad_fields_is_one_refused_row(tracker: Tracker, tmp_path: Path) -> None:
    path = canonical_csv(tmp_path / "in.csv", [row(channel="pigeon", amount="-1"), row(reference="OK")])
    report = tracker.import_file(path)
    assert [(r.row, r.column) for r in report.refused] == [(2, "amount"), (2, "channel")]
    assert report.summary == "1 new, 0 already present, 0 possible duplicates, 1 refused"
    assert report.as_json()["refused"] == 1


def test_an_import_leaves_the_collector_as_it_found_it(tracker: Tracker, tmp_path: Path) -> None:
    """An import collects young objects less often while it runs (`collector.bulk`); after it, whether it stored
    its rows or refused them, the process (the app, the next command) collects as before."""
    import gc

    before = gc.get_threshold()
    tracker.import_file(canonical_csv(tmp_path / "good.csv", [row(reference="A")]))
    assert gc.get_threshold() == before
    tracker.import_file(canonical_csv(tmp_path / "bad.csv", [row(amount="-5", reference="B")]))
    assert gc.get_threshold() == before
