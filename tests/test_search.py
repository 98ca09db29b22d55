"""Text search through the trigram index (issue 21): the same rows as the scan, for any text, in any script, kept
up to date by every write; rare text found through the index, common text by the time-ordered walk."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.helpers import BEELINE, KCELL, add
from tests.receipts import text_pdf
from tracker.domain.records import TopUpFilter, TopUpSort
from tracker.domain.vocab import SortKey, Source
from tracker.service import Tracker
from tracker.storage import search

LETTERS = "abcXYZkaspiKASPIмамаМАМАбабушкаәғқңөұүһіӘҒҚŞ充值话费妈妈手机0123456789 -.#№\"'*:^()+"
WORDS = st.text(alphabet=LETTERS, min_size=1, max_size=14)


def found(tracker: Tracker, typed: str) -> set[int]:
    return {t.id for t in tracker.list_topups(TopUpFilter(text=typed), limit=500).items}


def scanned(tracker: Tracker, typed: str) -> set[int]:
    """What the plain LIKE scan finds: the index switched off."""
    with patch("tracker.storage.paging.indexed_matches", lambda _s, _text: None):
        return found(tracker, typed)


@pytest.fixture
def filled(tracker: Tracker) -> tuple[Tracker, list[str]]:
    texts = [
        "Пополнение мамы Kaspi",
        "KASPI-00172",
        "充值话费 妈妈",
        "Бабушка қала",
        "kaspi.kz",
        "ӘҒҚ-77",
        "№ 4512",
        'said "ok": (x2)* ^+',
    ]
    for n, t in enumerate(texts * 3):
        field = ("note", "reference", "provider")[n % 3]
        add(tracker, line=(KCELL, BEELINE)[n % 2], amount=str(1000 + n),
            occurred_at=f"2026-11-{n % 20 + 1:02d} 10:{n:02d}", **{field: t})  # fmt: skip
    return tracker, texts


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_search_finds_exactly_what_the_scan_finds(filled: tuple[Tracker, list[str]], data: st.DataObject) -> None:
    tracker, texts = filled
    source = data.draw(st.sampled_from(texts))
    start = data.draw(st.integers(0, len(source) - 1))
    piece = source[start : start + data.draw(st.integers(1, 8))]
    for typed in (piece, piece.swapcase(), data.draw(WORDS)):
        if typed.strip():
            assert found(tracker, typed) == scanned(tracker, typed), typed


def test_rare_text_goes_through_the_index_and_common_text_walks(filled: tuple[Tracker, list[str]], monkeypatch) -> None:
    tracker, _texts = filled
    sqlite = tracker.engine.dialect.name == "sqlite"
    with tracker._tx(read_only=True) as s:
        assert search.has_index(s)
        assert search.indexed_matches(s, "Бабушка") is not None  # three rows: through the index
        assert search.indexed_matches(s, "ab") is None  # too short for trigrams: the walk
        # LIKE's own characters: FTS5 cannot escape them (the walk); PostgreSQL's index takes them escaped
        assert (search.indexed_matches(s, "50%") is None) == sqlite
        monkeypatch.setattr(search, "RARE", 2)
        assert search.indexed_matches(s, "Бабушка") is None  # common now: the walk finds a page at once
    assert len(found(tracker, "Бабушка")) == 3


def test_common_text_far_behind_the_newest_rows_is_gathered_by_the_index(tracker: Tracker, monkeypatch) -> None:
    """An old provider's name among many newer rows: the walk would pass the whole table for a page, so the index's
    matches are gathered by the database; text that is also among the newest rows walks. Every page, in every
    order, is the scan's."""
    old = [
        add(tracker, provider="Alipay 支付宝", amount=str(500 + n), occurred_at=f"2026-10-0{n + 1} 09:00")
        for n in range(6)
    ]
    for n in range(12):
        add(tracker, line=BEELINE, provider="Kaspi.kz" if n % 2 else "Halyk", amount=str(900 + n),
            occurred_at=f"2026-11-{n + 1:02d} 10:00")  # fmt: skip
    monkeypatch.setattr(search, "RARE", 3)
    monkeypatch.setattr(search, "WALK", 4)
    monkeypatch.setattr(search, "PAGE", 2)
    sqlite = tracker.engine.dialect.name == "sqlite"  # PostgreSQL's GIN index keeps no order: common text walks
    with tracker._tx(read_only=True) as s:
        assert (search.indexed_matches(s, "Alipay") is not None) == sqlite  # six, all behind twelve newer rows
        assert search.indexed_matches(s, "Kaspi") is None  # six matches among the newest: the walk
        assert (search.indexed_matches(s, "pay 支") is not None) == sqlite
    assert found(tracker, "alipay") == {t.id for t in old} == scanned(tracker, "alipay")
    # The index's candidates fold letter case in every script, LIKE only in ASCII: the scan's test decides.
    granny = [add(tracker, note=n, amount="700", occurred_at=f"2026-09-0{i + 1} 09:00") for i, n in
              enumerate(["Бабушка", "БАБУШКА", "бабушка", "Бабушка"])]  # fmt: skip
    for _ in range(5):
        add(tracker, line=BEELINE, note="newer", occurred_at="2026-11-15 12:00")
    with tracker._tx(read_only=True) as s:
        matches = search.indexed_matches(s, "Бабушка")
    assert (matches is not None and not matches.exact) == sqlite  # four candidates, past RARE, far behind
    same_case = {granny[0].id, granny[3].id} if sqlite else {g.id for g in granny}  # PostgreSQL's ILIKE folds all
    assert found(tracker, "Бабушка") == same_case == scanned(tracker, "Бабушка")
    for sort in (TopUpSort(), TopUpSort(key=SortKey.AMOUNT), TopUpSort(key=SortKey.WHEN, reverse=True)):
        assert pages(tracker, "Alipay", sort) == pages(tracker, "Alipay", sort, scan=True) != []


def pages(tracker: Tracker, typed: str, sort: TopUpSort, scan: bool = False) -> list[list[int]]:
    """Every page of two, in `sort`'s order, following the cursors."""
    index = (lambda _s, _text: None) if scan else search.indexed_matches
    out, after = [], None
    with patch("tracker.storage.paging.indexed_matches", index):
        while True:
            page = tracker.list_topups(TopUpFilter(text=typed), sort=sort, after=after, limit=2)
            out.append([t.id for t in page.items])
            if not (after := page.next_cursor):
                return out


def test_a_percent_sign_or_underscore_is_searched_for_as_typed(tracker: Tracker) -> None:
    """Typed `%` and `_` are the characters themselves, through the index and through the walk alike."""
    percent = add(tracker, note="bonus 50% off", occurred_at="2026-11-20 10:00")
    add(tracker, line=BEELINE, note="bonus 500 off", occurred_at="2026-11-20 11:00")
    under = add(tracker, reference="AB_123", occurred_at="2026-11-20 12:00")
    add(tracker, line=BEELINE, reference="ABC123", occurred_at="2026-11-20 13:00")
    assert found(tracker, "50% o") == {percent.id} == scanned(tracker, "50% o")
    assert found(tracker, "b_12") == {under.id} == scanned(tracker, "b_12")


def test_the_index_follows_edits_deletions_and_receipts(tracker: Tracker, tmp_path: Path) -> None:
    one = add(tracker, note="Бабушка Kaspi", occurred_at="2026-11-20 10:00")
    two = add(tracker, line=BEELINE, reference="REF-7731", occurred_at="2026-11-21 10:00")
    assert found(tracker, "бушка") == {one.id} and found(tracker, "ref-77") == {two.id}
    tracker.edit_topup(one.id, {"note": "Дедушка"}, source=Source.CLI)
    assert found(tracker, "Бабушка") == set() and found(tracker, "Дедушка") == {one.id}
    tracker.delete_topup(two.id, source=Source.CLI)
    assert found(tracker, "REF-7731") == set()
    tracker.restore_topup(two.id, source=Source.CLI)
    assert found(tracker, "REF-7731") == {two.id}
    slip = text_pdf(tmp_path / "slip.pdf", ["Kaspi.kz", "Пополнение Tele2 ЧЕК-99120", "Сумма 2 000 ₸"])
    tracker.attach_receipts(two.id, [slip], source=Source.CLI)
    assert found(tracker, "ЧЕК-99120") == {two.id} == scanned(tracker, "ЧЕК-99120")


def test_an_import_indexes_its_rows_at_the_end_and_keeps_the_trigger(tracker: Tracker, tmp_path: Path) -> None:
    from tests.test_importing import canonical_csv, row

    add(tracker, note="typed before", occurred_at="2026-11-01 10:00")
    at = "2026-11-{:02d}T10:{:02d}:00+05:00"
    rows = [row(reference=f"IMP-{n:04d}", note="из файла", occurred_at=at.format(n % 20 + 1, n)) for n in range(40)]
    assert tracker.import_file(canonical_csv(tmp_path / "in.csv", rows)).written
    assert len(found(tracker, "IMP-00")) == 40 == len(scanned(tracker, "IMP-00"))
    assert len(found(tracker, "typed before")) == 1
    refused = canonical_csv(tmp_path / "bad.csv", [row(reference="BAD-1"), row(channel="pigeon")])
    assert not tracker.import_file(refused).written  # all or nothing: rolled back, the trigger's removal too
    later = add(tracker, note="typed after", occurred_at="2026-11-02 10:00")
    assert found(tracker, "typed after") == {later.id} and found(tracker, "BAD-1") == set()
    if tracker.engine.dialect.name == "sqlite":  # the import's unmerged writing ends with it: later writes merge
        with tracker._tx(read_only=True) as s:
            merging = s.execute(text("SELECT v FROM topup_search_config WHERE k = 'automerge'")).scalar()
        assert merging in (None, search.AUTOMERGE)
