"""Export: canonical CSV that imports back losslessly, safe in spreadsheets, masked on request, bundled with proof."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import NOW
from tests.helpers import BEELINE, add, write_file
from tracker.domain.clock import Clock
from tracker.domain.errors import Cancelled, Conflict
from tracker.domain.formulas import neutralise, unescape
from tracker.domain.records import NewTopUp, TopUpFilter, TopUpSort
from tracker.domain.settings import load_settings, sqlite_url
from tracker.domain.vocab import Channel, RefKind, Source, Status
from tracker.flows.exporting.rows import iter_pages, local_time
from tracker.flows.exporting.writer import PageText, record_cells
from tracker.service import Tracker
from tracker.storage import db


def export_text(tracker: Tracker, **kw: object) -> str:
    out = io.StringIO()
    tracker.export_csv(out, **kw)  # type: ignore[arg-type]
    return out.getvalue()


def fresh(template: str, folder: Path) -> Tracker:
    shutil.copyfile(template, folder / "t.sqlite3")
    settings = load_settings(home=folder, database_url=sqlite_url(folder / "t.sqlite3"))
    return Tracker(settings, db.make_engine(settings.database_url), Clock(fixed=NOW))


awkward_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from("\",;\n\r\t'=+-@"),
    max_size=30,
)
topups = st.lists(
    st.fixed_dictionaries(
        {
            "minutes": st.integers(0, 60 * 24 * 900),
            "amount": st.decimals(min_value=Decimal("0.01"), max_value=Decimal(999_999), places=2),
            "note": awkward_text,
            "provider": awkward_text.map(lambda t: t.strip()[:80]),
            "reference": st.one_of(st.none(), st.text(alphabet="ABC123-=+", min_size=1, max_size=12)),
            "channel": st.sampled_from(list(Channel)),
            "status": st.sampled_from(list(Status)),
            "paid": st.one_of(st.none(), st.decimals(min_value=Decimal("0.01"), max_value=Decimal(9999), places=2)),
        }
    ),
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(topups)
def test_export_import_export_is_byte_identical(templates: dict[str, str | None], rows: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        first = fresh(templates["sqlite"], Path(a))  # type: ignore[arg-type]
        first.add_line("+77011234567", {"label": 'Mum, "the" boss'})
        for i, r in enumerate(rows):
            first.add_topup(
                NewTopUp(
                    line="+77011234567",
                    occurred_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=r["minutes"]),
                    amount=r["amount"],
                    currency="KZT",
                    channel=r["channel"],
                    status=r["status"],
                    note=r["note"].strip() or None,
                    provider=r["provider"].strip() or None,
                    reference=f"{r['reference']}{i}" if r["reference"] else None,
                    reference_kind=RefKind.OTHER if r["reference"] else None,
                    paid=r["paid"],
                    paid_currency="CNY" if r["paid"] else None,
                ),
                source=Source.CLI,
            )
        exported = export_text(first)
        first.close()
        (Path(b) / "in.csv").write_text(exported, encoding="utf-8", newline="")
        second = fresh(templates["sqlite"], Path(b))  # type: ignore[arg-type]
        report = second.import_file(Path(b) / "in.csv")
        assert report.refused == [] and report.duplicates == [] and report.new == len(rows)
        again = export_text(second)
        second.close()
    assert again == exported


def test_export_writes_each_top_up_as_list_csv_formats_its_record(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`topup export` formats stored rows directly, `topup list --csv` formats records: the same text, every
    column, across pages, the zone change, zero-decimal and foreign currencies, formula text and receipts."""
    tracker.add_line(BEELINE, {"label": "+shop till", "operator": "izi", "kind": "esim"})
    add(tracker, occurred_at="2024-02-29T23:30+06:00", amount="1500.5", credited_amount="0", status="credited")
    add(tracker, occurred_at="2024-03-01T00:30+05:00", amount="3000", paid_amount="1250", paid_currency="JPY",
        fee="30", channel="third_party", provider="=cmd", reference="R-1", reference_kind="transaction",
        verified_at="2024-03-02 08:00", verified_by="sms", package="'Unlimited 30", expires_at="2024-04-01",
        refund_until="2024-03-15", note="-watch\r\nthis")  # fmt: skip
    add(tracker, line=BEELINE, occurred_at="2026-11-03 10:00", amount="700", paid_amount="10.25",
        paid_currency="USD", fee="0.75", status="disputed",
        receipts=(write_file(tmp_path / "a.png", b"a"), write_file(tmp_path / "b.pdf", b"b")))  # fmt: skip
    add(tracker, occurred_at="2026-11-03 10:00", amount="900", status="failed")  # same instant: id decides
    gone = add(tracker, occurred_at="2026-11-04 10:00", amount="50")
    tracker.delete_topup(gone.id, source=Source.CLI)
    records = tracker.list_topups(sort=TopUpSort(reverse=True), limit=100).items  # oldest first, as exported
    # Pages of 2: the last query finds nothing; of 3: the second page starts inside the tie of the same instant.
    for page, mask in ((2, False), (3, False), (2, True)):
        monkeypatch.setattr("tracker.flows.exporting.rows.PAGE", page)
        expected = [record_cells(r, tracker.settings.zone, mask=mask) for r in records]
        with tracker._tx() as s:
            pages = list(iter_pages(s, TopUpFilter(), tracker.settings.zone, mask=mask))
        cells = [c for p in pages for c in p]
        assert [len(p) for p in pages] == [page, 4 - page] if page == 3 else [2, 2]
        assert cells == expected
    assert len(cells) == 4 and cells[1][10:13] == ["1250", "JPY", "30"]
    assert cells[2][-1].count(";") == 1  # two receipts, in the order they were attached


def test_formula_cells_are_neutralised_and_imported_back_exactly(tracker: Tracker, tmp_path: Path) -> None:
    for text in ("=SUM(A1)", "+7 is not a number here", "-minus", "@handle", "\ttab", "'=already quoted", "plain"):
        assert unescape(neutralise(text)) == text
    add(tracker, note='=HYPERLINK("http://x")', provider="@kiosk", reference="-42", package="'+quoted")
    exported = export_text(tracker)
    row = next(csv.DictReader(io.StringIO(exported)))
    assert (row["note"], row["provider"], row["reference"], row["package"]) == (
        '\'=HYPERLINK("http://x")',
        "'@kiosk",
        "'-42",
        "''+quoted",
    )
    assert (row["line"], row["amount"]) == ("+77011234567", "2000.00")  # numbers and numbers-like never touched
    path = tmp_path / "out.csv"
    path.write_text(exported.replace(row["uid"], ""), encoding="utf-8")  # import as new rows elsewhere
    tracker.delete_topup(tracker.list_topups().items[0].id, source=Source.CLI)
    report = tracker.import_file(path)
    assert report.present == 1  # same provider and reference: the deleted original still counts


def test_mask_hides_the_middle_digits(tracker: Tracker) -> None:
    add(tracker)
    row = next(csv.DictReader(io.StringIO(export_text(tracker, mask=True))))
    assert row["line"] == "+7701***4567"


def test_export_filters_like_list(tracker: Tracker) -> None:
    add(tracker, occurred_at="2026-10-31 23:30", reference="OCT")
    add(tracker, occurred_at="2026-11-01 00:30", reference="NOV")
    add(tracker, line=BEELINE, occurred_at="2026-11-02 00:30", reference="BEE")
    start = datetime(2026, 10, 31, 19, 0, tzinfo=UTC)
    rows = list(csv.DictReader(io.StringIO(export_text(tracker, filters=TopUpFilter(start=start)))))
    assert [r["reference"] for r in rows] == ["NOV", "BEE"]
    rows = list(csv.DictReader(io.StringIO(export_text(tracker, filters=TopUpFilter(line="8 705 123 45 67")))))
    assert [(r["reference"], r["line"]) for r in rows] == [("BEE", BEELINE)]


def test_a_bundle_carries_the_receipts_and_imports_back_verified(
    tracker: Tracker, tmp_path: Path, templates: dict[str, str | None]
) -> None:
    photo = write_file(tmp_path / "terminal.png", b"\x89PNG terminal receipt 42")
    pdf = write_file(tmp_path / "kaspi.pdf", b"%PDF-1.4 kaspi 2000")
    add(tracker, reference="T1", receipts=(photo, pdf))
    add(tracker, reference="T2", occurred_at="2026-11-21 09:00")
    bundle = tmp_path / "claim.zip"
    assert tracker.export_bundle(bundle) == (2, 2)
    with zipfile.ZipFile(bundle) as z:
        manifest = json.loads(z.read("manifest.json"))
        assert sorted(z.namelist()) == sorted(
            ["topups.csv", "manifest.json"] + [f"receipts/{e['sha256']}" for e in manifest["receipts"]]
        )
        assert manifest["csv"]["sha256"] == hashlib.sha256(z.read("topups.csv")).hexdigest()
        assert {e["name"] for e in manifest["receipts"]} == {"terminal.png", "kaspi.pdf"}
    elsewhere = tmp_path / "accountant"
    elsewhere.mkdir()
    other = fresh(templates["sqlite"], elsewhere)  # type: ignore[arg-type]
    report = other.import_file(bundle)
    assert (report.new, report.notes) == (2, [])
    (with_proof,) = [t for t in other.list_topups().items if t.reference == "T1"]
    receipts = other.list_receipts(with_proof.id)
    assert {r.original_name for r in receipts} == {"terminal.png", "kaspi.pdf"}
    assert all(other.store.intact(r.sha256) for r in receipts)
    other.close()


def test_a_tampered_bundle_is_refused(tracker: Tracker, tmp_path: Path) -> None:
    add(tracker, receipts=(write_file(tmp_path / "r.png", b"\x89PNG real"),))
    bundle = tmp_path / "b.zip"
    tracker.export_bundle(bundle)
    tampered = tmp_path / "t.zip"
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"\x89PNG fake" if item.filename.startswith("receipts/") else data)
    import pytest

    from tracker.domain.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"receipt r\.png is damaged: its hash does not match"):
        tracker.import_file(tampered)


def test_a_stopped_export_leaves_the_earlier_file_whole_and_no_partial_one(
    tracker: Tracker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in ("2026-11-01 10:00", "2026-11-02 10:00", "2026-11-03 10:00"):
        add(tracker, occurred_at=day, reference=day)
    target = write_file(tmp_path / "out" / "topups.csv", b"last month's export\r\n")
    monkeypatch.setattr("tracker.flows.exporting.rows.PAGE", 2)  # progress after every page of two

    def stop(done: int, _total: int) -> None:
        raise Cancelled("export stopped")

    with pytest.raises(Cancelled):
        tracker.export_file(target, progress=stop, replace=True)
    assert target.read_bytes() == b"last month's export\r\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["topups.csv"]
    with pytest.raises(Conflict, match="exists already"):  # never replaced without being asked to
        tracker.export_file(target)
    assert tracker.export_file(target, replace=True) == (3, 0)
    assert target.read_bytes().count(b"\r\n") == 4  # the header and three top-ups


CELLS = st.lists(st.text(alphabet=",\"\r\n '=;a1Ж充\t", max_size=6), min_size=1, max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELLS, max_size=6))
def test_the_quick_rows_are_the_bytes_csv_writes(page: list[list[str]]) -> None:
    """Rows without a comma, quote, CR or LF skip csv; every row, quoted or not, comes out as csv writes it."""
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n").writerows(page)
    assert PageText().text(page) == expected.getvalue()
    assert list(csv.reader(io.StringIO(PageText().text(page), newline=""))) == page


ZONES = ["Asia/Almaty", "Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu", "Australia/Lord_Howe", "Europe/London",
         "America/Goose_Bay", "America/Detroit"]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(zone=st.sampled_from(ZONES), instants=st.lists(st.integers(-(2**31), 2**33), min_size=1, max_size=30))
def test_stored_instants_are_shown_as_the_zone_shows_them(zone: str, instants: list[int]) -> None:
    """Hours are made text once each; every instant's text is still its own, across clock changes (London's,
    Lord Howe's half hour, Almaty's 2024 move to +05:00, Goose Bay's and Detroit's a minute past a UTC hour) and in
    half- and quarter-hour zones."""
    here = ZoneInfo(zone)
    changes = [1709229600, 1711846800, 1712505600, 1698508800, 544593660, -80506740]  # met second by second
    around = [at + d for at in changes for d in (-3601, -1, 0, 1, 1799, 3599)]
    shown = local_time(here)
    for instant in instants + around:
        assert shown(instant) == datetime.fromtimestamp(instant, here).isoformat(timespec="seconds"), instant
