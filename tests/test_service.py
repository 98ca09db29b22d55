"""The facade's promises, on SQLite and on PostgreSQL: transactions, history, soft delete, receipts, paging."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.helpers import BEELINE, KCELL, add, write_file
from tracker.domain.errors import Conflict, InvalidInput, InvalidInputs, LineNotFound, NotFound
from tracker.domain.records import TopUpFilter
from tracker.domain.vocab import Channel, Source, Status
from tracker.flows.receipts import ReceiptStore
from tracker.service import Tracker
from tracker.storage.models import History, Receipt, TopUp


def count(tracker: Tracker, model: type) -> int:
    with tracker.engine.connect() as c:
        return c.scalar(select(func.count()).select_from(model))  # type: ignore[return-value]


def test_lines_are_stored_in_e164_with_the_suggested_operator(tracker: Tracker) -> None:
    line = tracker.add_line("8 (705) 123-45-67", {"label": "Dad"})
    assert (line.number, line.operator, line.label, line.currency) == (BEELINE, "beeline", "Dad", "KZT")
    edited = tracker.edit_line("87051234567", {"operator": "Izi", "kind": "esim"})  # ported, and an eSIM now
    assert (edited.operator, edited.kind.value) == ("izi", "esim")
    with pytest.raises(Conflict, match="exists already"):
        tracker.add_line("+7 705 123 45 67")


def test_a_line_edit_with_one_bad_field_changes_nothing(tracker: Tracker) -> None:
    tracker.add_line(KCELL, {"label": "Mum"})
    with pytest.raises(InvalidInputs) as info:
        tracker.edit_line(KCELL, {"label": "Mother", "currency": "XXQ"})
    assert "not an ISO 4217 currency code" in str(info.value)
    assert tracker.get_line(KCELL).label == "Mum"  # type: ignore[union-attr]


def test_archived_lines_leave_the_default_list(tracker: Tracker) -> None:
    tracker.add_line(KCELL)
    tracker.add_line(BEELINE)
    tracker.archive_line(BEELINE)
    assert [line.number for line in tracker.list_lines()] == [KCELL]
    assert {line.number for line in tracker.list_lines(include_archived=True)} == {KCELL, BEELINE}


def test_the_lines_longest_without_a_top_up_come_first_for_the_dashboard(tracker: Tracker) -> None:
    add(tracker, line=KCELL, occurred_at="2026-11-20 10:00")
    add(tracker, line=BEELINE, occurred_at="2026-10-01 10:00")
    tracker.add_line("+77471234567")  # never topped up: the most urgent of all
    idle = tracker.list_lines(limit=2, longest_idle_first=True)
    assert [line.number for line in idle] == ["+77471234567", BEELINE]
    assert tracker.count_lines() == 3


def test_a_top_up_to_an_unknown_number_needs_confirmation(tracker: Tracker) -> None:
    new = tracker.parse_topup({"line": KCELL, "amount": "1000", "channel": "terminal"})
    with pytest.raises(LineNotFound):
        tracker.add_topup(new, source=Source.CLI)
    assert count(tracker, TopUp) == 0
    record = tracker.add_topup(new, source=Source.CLI, create_line=True)
    assert record.operator == "kcell"
    assert tracker.list_lines()[0].topup_count == 1


def test_a_top_up_keeps_all_three_amounts(tracker: Tracker) -> None:
    record = add(tracker, amount="5000", paid_amount="80", paid_currency="cny", fee="1.20", channel="third_party")
    stored = tracker.get_topup(record.id)
    assert (stored.amount, stored.currency) == (Decimal("5000.00"), "KZT")
    assert (stored.paid, stored.paid_currency, stored.fee) == (Decimal("80.00"), "CNY", Decimal("1.20"))
    assert stored.occurred_at == datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
    assert stored.status is Status.PENDING


def test_every_refused_field_is_reported_at_once(tracker: Tracker) -> None:
    with pytest.raises(InvalidInputs) as info:
        tracker.parse_topup({"line": "12345", "amount": "1,234", "channel": "pigeon", "occurred_at": "31.02.2026"})
    where = [e.where for e in info.value.errors]
    assert where == ["line", "occurred_at", "amount", "channel"]


def test_a_failure_in_the_middle_of_a_save_leaves_nothing(tracker: Tracker, tmp_path: Path) -> None:
    good = write_file(tmp_path / "receipt.png", b"\x89PNG fake receipt")
    missing = tmp_path / "nowhere.pdf"
    with pytest.raises(NotFound, match="no such file"):
        add(tracker, receipts=(good, missing))
    assert (count(tracker, TopUp), count(tracker, Receipt), count(tracker, History)) == (0, 0, 0)
    assert tracker.list_lines() == []  # the line created for it was rolled back too


def test_soft_delete_hides_and_restore_brings_back(tracker: Tracker) -> None:
    record = add(tracker)
    tracker.delete_topup(record.id, source=Source.TUI)
    assert tracker.list_topups().items == ()
    with pytest.raises(NotFound, match="is deleted"):
        tracker.get_topup(record.id)
    assert len(tracker.list_topups(TopUpFilter(include_deleted=True)).items) == 1
    restored = tracker.restore_topup(record.id, source=Source.TUI)
    assert restored.deleted_at is None
    assert [t.id for t in tracker.list_topups().items] == [record.id]
    assert [h.action for h in tracker.history(record.id)] == ["created", "deleted", "restored"]
    with pytest.raises(Conflict, match="not deleted"):
        tracker.restore_topup(record.id, source=Source.CLI)


def test_history_keeps_before_and_after_and_the_source(tracker: Tracker) -> None:
    record = add(tracker, provider="Kaspi.kz")
    tracker.edit_topup(record.id, {"amount": "2 500", "note": "typo fixed"}, source=Source.TUI)
    tracker.edit_topup(record.id, {"status": "failed"}, source=Source.CLI)
    history = tracker.history(record.id)
    assert [(h.action, h.source) for h in history] == [("created", "cli"), ("edited", "tui"), ("status", "cli")]
    assert history[1].changes == {"amount": ["2000.00", "2500.00"], "note": [None, "typo fixed"]}
    assert history[2].changes == {"status": ["pending", "failed"]}
    assert history[0].changes["provider"] == [None, "Kaspi.kz"]


def test_an_edit_is_validated_like_an_add_and_changes_nothing_when_refused(tracker: Tracker) -> None:
    record = add(tracker)
    with pytest.raises(InvalidInputs, match="it must be more than zero"):
        tracker.edit_topup(record.id, {"amount": "0", "note": "x"}, source=Source.CLI)
    assert tracker.get_topup(record.id).note is None
    assert len(tracker.history(record.id)) == 1
    with pytest.raises(InvalidInput, match="cannot be edited"):
        tracker.edit_topup(record.id, {"uid": "abc"}, source=Source.CLI)


def test_verify_records_what_was_credited_and_the_difference(tracker: Tracker) -> None:
    exact = add(tracker)
    short = add(tracker, amount="3000")
    result = tracker.verify(exact.id, "2000", by="sms", source=Source.CLI)
    assert result.difference == 0
    assert (result.topup.status, result.topup.verified_by.value) == (Status.CREDITED, "sms")  # type: ignore[union-attr]
    result = tracker.verify(short.id, "2 850", by="balance_check", at="2026-11-21 09:00", source=Source.CLI)
    assert result.difference == Decimal("-150.00")
    assert result.topup.credited == Decimal("2850.00")
    assert result.topup.verified_at == datetime(2026, 11, 21, 4, 0, tzinfo=UTC)
    assert tracker.history(short.id)[-1].changes["credited_amount"] == [None, "2850.00"]


def test_dispute_and_refund_change_the_status_with_a_note(tracker: Tracker) -> None:
    record = add(tracker)
    tracker.dispute(record.id, "terminal hung; receipt kept", source=Source.CLI)
    assert tracker.get_topup(record.id).status is Status.DISPUTED
    refunded = tracker.refund(record.id, source=Source.CLI)
    assert refunded.status is Status.REFUNDED
    assert refunded.note == "terminal hung; receipt kept"


def test_receipts_are_stored_by_hash_and_never_twice(tracker: Tracker, tmp_path: Path) -> None:
    content = b"%PDF-1.4 receipt 0042"
    sha = hashlib.sha256(content).hexdigest()
    first = add(tracker, receipts=(write_file(tmp_path / "kaspi.pdf", content),))
    stored = tracker.receipt_path(sha)
    assert stored == tracker.settings.receipts_dir / sha[:2] / sha
    assert stored.read_bytes() == content
    with pytest.raises(Conflict, match="already attached"):
        tracker.attach_receipts(first.id, [tmp_path / "kaspi.pdf"], source=Source.CLI)
    assert len(tracker.list_receipts(first.id)) == 1
    second = add(tracker, amount="500")
    tracker.attach_receipts(second.id, [write_file(tmp_path / "copy.pdf", content)], source=Source.CLI)
    receipts = tracker.list_receipts(first.id)
    assert (receipts[0].original_name, receipts[0].media_type, receipts[0].size) == ("kaspi.pdf", "application/pdf", 21)
    assert receipts[0].reused_by == (second.id,)
    assert tracker.history(second.id)[-1].action == "receipt"


def test_a_stored_receipt_is_replaced_only_by_bytes_its_hash_proves(tmp_path: Path) -> None:
    store = ReceiptStore(tmp_path / "store")
    one = store.put(write_file(tmp_path / "a.png", b"first"))
    path = store.path(one.sha256)
    path.chmod(0o644)
    path.write_bytes(b"tampered")  # damage it behind topup's back
    assert store.intact(one.sha256) is False
    other = store.put(write_file(tmp_path / "c.png", b"another file"))
    assert other.sha256 != one.sha256 and path.read_bytes() == b"tampered"  # other bytes never land on it
    again = store.put(write_file(tmp_path / "b.png", b"first"))
    assert again.repaired and path.read_bytes() == b"first" and store.intact(one.sha256)


def test_keyset_pages_neither_skip_nor_repeat_rows_with_equal_timestamps(tracker: Tracker) -> None:
    for i in range(23):
        add(tracker, occurred_at="2026-11-20 10:00" if i % 2 else "2026-11-19 08:30", amount=str(100 + i))
    seen, cursor = [], None
    for _page in range(10):  # bounded: a broken cursor must fail here, not loop forever
        page = tracker.list_topups(after=cursor, limit=5)
        seen.extend(t.id for t in page.items)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 23
    ordered = sorted((t for t in _all(tracker)), key=lambda t: (t.occurred_at, t.id), reverse=True)
    assert seen == [t.id for t in ordered]


def _all(tracker: Tracker):
    return tracker.list_topups(limit=1000).items


def test_a_number_typed_digit_by_digit_keeps_its_line_in_view(tracker: Tracker) -> None:
    """Each prefix as it is typed at home (8 771 …) shows the line, the one a digit short of the end too, though
    phonenumbers reads 8 771 697 553 as a valid Russian number; the whole number shows only its own line."""
    mine = add(tracker, line="+77716975534")
    add(tracker, line="+77716975530")
    typed = "87716975534"
    for n in range(4, len(typed)):
        assert mine.id in {t.id for t in tracker.list_topups(TopUpFilter(line=typed[:n])).items}, typed[:n]
    assert [t.id for t in tracker.list_topups(TopUpFilter(line=typed)).items] == [mine.id]


def test_filters_combine(tracker: Tracker) -> None:
    add(tracker, provider="Kaspi.kz", reference="KSP-1")
    add(tracker, line=BEELINE, channel="terminal", provider="Qiwi", note="red kiosk at the bazaar")
    add(tracker, occurred_at="2026-10-31 23:30", status="failed")
    assert len(tracker.list_topups(TopUpFilter(line="8 705 123 45 67")).items) == 1
    assert len(tracker.list_topups(TopUpFilter(channel=Channel.TERMINAL)).items) == 1
    assert len(tracker.list_topups(TopUpFilter(status=Status.FAILED)).items) == 1
    assert [t.provider for t in tracker.list_topups(TopUpFilter(text="BAZAAR")).items] == ["Qiwi"]
    assert [t.reference for t in tracker.list_topups(TopUpFilter(text="ksp")).items] == ["KSP-1"]
    start = datetime(2026, 10, 31, 19, 0, tzinfo=UTC)  # November in Almaty
    november = tracker.list_topups(TopUpFilter(start=start, end=start + timedelta(days=30))).items
    assert len(november) == 2
    assert tracker.list_topups(TopUpFilter(text="100%")).items == ()  # % is text, not a wildcard
