"""The column-at-a-time reading of topup's own CSV decides exactly what the row-wise reading decides.

The same file is imported twice into an empty database, once each way: the reports (every refusal by row, column,
value and why; duplicates; new lines), the stored rows and the export afterwards must be identical. Files are
generated from cells a user or a hostile file could hold: valid values beside the ways they go wrong.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import NOW, fresh_database_url
from tracker.domain.canonical import COLUMNS
from tracker.domain.clock import Clock
from tracker.domain.errors import InvalidInput
from tracker.domain.records import ImportOptions
from tracker.domain.settings import load_settings
from tracker.flows.importing import ahead
from tracker.flows.importing.importer import Importer
from tracker.service import Tracker
from tracker.storage import db
from tracker.storage.models import Line, TopUp

WHEN = ["2026-11-20T10:00:00+05:00", "2026-11-20T10:00:30+05:00", "2026-11-20T10:07:00+06:00", "2026-11-20T05:00:00Z",
        "2026-11-20T10:00:00", "2024-03-01T00:30:00", "2026-11-20 10:00", "2026-11-20", "20/11/2026",
        "2026-13-01T00:00:00+05:00", "2026-11-20T24:00:00+05:00", "2099-01-01T00:00:00+05:00",
        "1969-12-31T00:00:00+05:00", "２０２６-11-20T10:00:00+05:00", "2026-11-20T10:00:00.5+05:00",
        "2026-11-20T10:00:00+0500", "2026-11-20T10:00:00+25:00", "", "'2026-11-20T10:00:00+05:00", "soon"]  # fmt: skip
LATER = ["", "2027-01-01T00:00:00+05:00", "2027-01-01", "2099-01-01T00:00:00+05:00", "bad", "2024-03-01T00:30:00"]
# fmt: off
CELLS: dict[str, list[str]] = {
    "occurred_at": WHEN,
    "line": ["+77051234567", "87051234567", "8 705 123 45 67", "+7705123456", "12345", "", "+77771112233",
             "＋77051234567", "+7 (705) 123-45-67", "+8613800138000", "'+77051234567", "+7705\x001234567"],
    "line_label": ["", "mum", "x" * 81, "a\x07b", "'=1+1", " shop "],
    "operator": ["", "Kcell", "kcell", "Beeline", "izi", "Nope", "ALTEL", "activ"],
    "sim_kind": ["", "sim", "esim", "ESIM", "chip"],
    "channel": ["terminal", "bank_app", "bank-app", "BANK_APP", "", "shop", " atm "],
    "provider": ["", "Qiwi", "Kaspi.kz", "x" * 81, "Qi\x00wi", "支付宝", " Halyk ", "\u00a0Halyk"],
    "amount": ["1000.00", "1000", "0.5", "0", "-5", "1,000.00", "1e3", "", "2000.505", "99999999", " 500 ",
               "１０００", "abc", "1000.00\u2009", "NaN", "Infinity"],
    "currency": ["KZT", "kzt", "USD", "JPY", "", "XXX", "ZZZ", " KZT"],
    "paid_amount": ["", "12.5", "0", "abc", "12.555"],
    "paid_currency": ["", "USD", "JPY", "QQQ"],
    "fee": ["", "0", "1.25", "-1", "0.001"],
    "credited_amount": ["", "0", "1000.00", "x"],
    "reference": ["", "R1", "R2", "R1 ", "x" * 121, "Ref\x1b", "'R3"],
    "reference_kind": ["", "receipt", "transaction", "bogus"],
    "status": ["", "pending", "credited", "CREDITED", "done", "refunded"],
    "verified_at": ["", "2026-11-20T11:00:00+05:00", "2099-01-01T00:00:00+05:00", "bad"],
    "verified_by": ["", "sms", "receipt", "pigeon"],
    "package": ["", "10GB", "p" * 121],
    "expires_at": LATER,
    "refund_until": LATER,
    "note": ["", "给妈妈充值", "line1\nline2", "tab\there", "bell\x07", "n" * 2001, "зачем\r\nтак"],
    "receipts": ["", "abc", "a" * 64],
}
# fmt: on
UIDS = [
    "",
    "",
    "9b2c8a70-0c5e-4c4e-9d47-1f0a6f0f6a11",
    "9B2C8A70-0C5E-4C4E-9D47-1F0A6F0F6A12",
    "not-a-uid",
    "{9b2c8a70-0c5e-4c4e-9d47-1f0a6f0f6a13}",
    " 9b2c8a70-0c5e-4c4e-9d47-1f0a6f0f6a14 ",
]  # fmt: skip
UID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


GOOD = {"line": ["+77051234567", "+77771112233", "+77011916496"], "amount": ["1000.00", "500.00", "2500.50"],
        "channel": ["terminal", "bank_app"], "status": ["pending", "credited", ""]}  # fmt: skip


@st.composite
def files(draw: st.DrawFn) -> bytes:
    """A canonical file of valid rows with, in each, none to three cells one of the ways a cell goes wrong."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for _ in range(draw(st.integers(1, 12))):
        minute = draw(st.integers(0, 90))
        cells = {c: draw(st.sampled_from(GOOD.get(c, [CELLS.get(c, [""])[0]]))) for c in COLUMNS}
        cells["occurred_at"] = f"2026-11-20T{10 + minute // 60:02d}:{minute % 60:02d}:00+05:00"
        cells["uid"] = draw(st.sampled_from(UIDS[:3]))
        for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=3, unique=True)):
            cells[column] = draw(st.sampled_from(UIDS if column == "uid" else CELLS[column]))
        listed = [cells[c] for c in COLUMNS]
        shape = draw(st.sampled_from(["row"] * 6 + ["short", "long", "blank"]))
        writer.writerow(listed[:-1] if shape == "short" else [*listed, "x"] if shape == "long" else
                        [""] * len(listed) if shape == "blank" else listed)  # fmt: skip
    return out.getvalue().encode("utf-8")


def outcome(url: str, home: Path, path: Path, way: str, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """What one import did: its report, the rows it stored and the export of them (uids made by the import
    itself, which are new every time, shown as `<made>`). `way`: "rows", "columns", or "ahead" (by column, in a
    second process however small the file)."""
    monkeypatch.setattr(Importer, "_by_column", lambda self, profile, options: way != "rows")
    monkeypatch.setattr(ahead, "AHEAD_BYTES", 0 if way == "ahead" else 1 << 40)
    settings = load_settings(home=home, database_url=url)
    tracker = Tracker(settings, db.make_engine(url), Clock(fixed=NOW))
    try:
        report = tracker.import_file(path, options=ImportOptions(on_error="skip"))
        with tracker.engine.connect() as c:
            stored = [tuple(r) for r in c.execute(select(*TopUp.__table__.c).order_by(TopUp.id))]
            lines = [tuple(r) for r in c.execute(select(*Line.__table__.c).order_by(Line.id))]
        out = io.StringIO()
        tracker.export_csv(out)
    finally:
        tracker.close()
    given = set(UID_RE.findall(path.read_text(encoding="utf-8").lower()))
    made = lambda m: m.group() if m.group() in given else "<made>"  # noqa: E731
    stored = [tuple(v if i != 1 or str(v) in given else "<made>" for i, v in enumerate(r)) for r in stored]
    said = (report.summary, [(r.row, r.column, r.value, r.why) for r in report.refused],
            [(d.row, d.reason) for d in report.duplicates], report.notes, report.new_lines, report.placed)  # fmt: skip
    return said, stored, lines, UID_RE.sub(made, out.getvalue())


def both_ways(backend: str, templates: dict, folder: Path, path: Path, monkeypatch: pytest.MonkeyPatch,
              ways: tuple[str, ...] = ("rows", "columns")) -> list:  # fmt: skip
    results = []
    for way in ways:
        (folder / way).mkdir()
        url = fresh_database_url(backend, templates, folder / way)
        results.append(outcome(url, folder / f"home-{way}", path, way, monkeypatch))
    return results


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=files())
def test_by_column_and_row_by_row_store_and_refuse_the_same(
    backend: str, templates: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    with tempfile.TemporaryDirectory() as folder:  # one per example: hypothesis runs many in one tmp_path
        path = Path(folder) / "in.csv"
        path.write_bytes(content)
        row_wise, columnar = both_ways(backend, templates, Path(folder), path, monkeypatch)
    assert columnar[0] == row_wise[0]  # the same report: every refusal, duplicate and note
    assert columnar[1:] == row_wise[1:]  # the same rows and lines stored, the same export


def test_the_hostile_cells_are_each_refused_the_same_way(
    backend: str, templates: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every hostile value of every column, each in a row of its own that is otherwise valid: both ways refuse or
    accept each row alike, and the file holds enough rows to cross a chunk of the columnar reader."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    good = {c: (CELLS[c][0] if c != "uid" else "") for c in COLUMNS}
    minute = 0
    for column in COLUMNS:
        for value in UIDS if column == "uid" else CELLS[column]:
            minute += 1
            cells = good | {"occurred_at": f"2026-11-{1 + minute // 1440:02d}T{minute // 60 % 24:02d}:"
                                           f"{minute % 60:02d}:00+05:00"} | {column: value}  # fmt: skip
            writer.writerow([cells[c] for c in COLUMNS])
    for n in range(2100):  # past a chunk (2 000 rows): the second chunk's rows meet the first's lines and amounts
        writer.writerow([good[c] if c != "occurred_at" else f"2026-10-{1 + n // 1440:02d}T{n // 60 % 24:02d}:"
                         f"{n % 60:02d}:00+05:00" for c in COLUMNS])  # fmt: skip
    path = tmp_path / "hostile.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    row_wise, columnar, ahead_of = both_ways(backend, templates, tmp_path, path, monkeypatch,
                                             ("rows", "columns", "ahead"))  # fmt: skip
    assert row_wise[0][1], "the file holds refused rows"
    assert columnar == row_wise
    assert ahead_of == row_wise  # read in a second process: the same report, rows, lines and export


def _valid_rows(count: int, day: int = 1) -> list[str]:
    good = {c: (CELLS[c][0] if c != "uid" else "") for c in COLUMNS}
    return [",".join(good[c] if c != "occurred_at" else f"2026-10-{day + n // 1440:02d}T{n // 60 % 24:02d}:"
                     f"{n % 60:02d}:00+05:00" for c in COLUMNS) for n in range(count)]  # fmt: skip


def test_a_second_process_reads_a_large_file_and_its_chunks_are_stored(
    backend: str, templates: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    received = []
    real = ahead._receive
    monkeypatch.setattr(ahead, "_receive", lambda pipe: received.append(found := real(pipe)) or found)
    path = tmp_path / "big.csv"
    path.write_text("\n".join([",".join(COLUMNS), *_valid_rows(4500)]) + "\n", encoding="utf-8")
    url = fresh_database_url(backend, templates, tmp_path)
    said, stored, _lines, _export = outcome(url, tmp_path / "home", path, "ahead", monkeypatch)
    chunks = [found for found in received if found is not None]
    assert [len(items) for _bytes, items in chunks] == [2000, 2000, 500]  # from the second process, in order
    assert chunks[-1][0] == path.stat().st_size  # the progress it reports reaches the end of the file
    assert said[0].startswith("4500 new") and len(stored) == 4500


def test_blank_records_and_line_breaks_in_cells_cut_the_same_chunks_in_every_process(
    backend: str, templates: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each reading process passes the chunks another checks by csv alone: blank records around the chunks' edges
    and a note across two lines must leave every process cutting the file at the same rows, so nothing is read
    twice or missed."""
    rows = _valid_rows(4500)
    note = COLUMNS.index("note")
    for at in (1999, 3001):
        cells = rows[at].split(",")
        cells[note] = '"two\nlines, one note"'
        rows[at] = ",".join(cells)
    for at in (4400, 2001, 2000, 1999, 10):  # blank records before, on and after a chunk's edge
        rows.insert(at, "" if at % 2 else ",,,")
    path = tmp_path / "blanks.csv"
    path.write_text("\n".join([",".join(COLUMNS), *rows]) + "\n", encoding="utf-8")
    columns, ahead_of = both_ways(backend, templates, tmp_path, path, monkeypatch, ("columns", "ahead"))
    assert columns[0][0].startswith("4500 new, 0 already present, 0 possible duplicates, 0 refused")
    assert ahead_of == columns
    assert sum("two\nlines, one note" in row for row in ahead_of[1]) == 2  # stored rows, note whole


def test_when_the_second_process_stops_midway_the_rest_is_read_here_once(
    backend: str, templates: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real, received = ahead._receive, []

    def one_then_gone(pipe):  # the pipe breaks after the first chunk, as when the process is killed
        if received:
            pipe.close()
            return None
        received.append(real(pipe))
        return received[-1]

    monkeypatch.setattr(ahead, "_receive", one_then_gone)
    path = tmp_path / "big.csv"
    path.write_text("\n".join([",".join(COLUMNS), *_valid_rows(4500)]) + "\n", encoding="utf-8")
    url = fresh_database_url(backend, templates, tmp_path)
    said, stored, _lines, _export = outcome(url, tmp_path / "home", path, "ahead", monkeypatch)
    assert len(received[0][1]) == 2000  # one chunk came from the second process
    assert said[0].startswith("4500 new, 0 already present, 0 possible duplicates")  # the rest read once, here
    assert len(stored) == 4500


@pytest.mark.parametrize("fault", ["undecodable", "huge cell"])
def test_a_file_that_breaks_midway_is_refused_alike_in_a_second_process(
    backend: str, templates: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    """The second process stops at the broken row; this one reads on from there and refuses the file with the
    words and row the in-process reading has, storing nothing."""
    lines = [",".join(COLUMNS), *_valid_rows(3000)]
    broken = lines[2600]
    lines[2600] = (
        broken.replace("terminal", "termi\udcffnal")
        if fault == "undecodable"
        else broken.replace("terminal", '"' + "x" * 200_000 + '"')
    )  # past the csv module's cell limit
    path = tmp_path / "broken.csv"
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape") + b"\n")
    assert b"\xff" in path.read_bytes() or fault == "huge cell"
    said = {}
    for way in ("columns", "ahead"):
        monkeypatch.setattr(Importer, "_by_column", lambda self, profile, options: True)
        monkeypatch.setattr(ahead, "AHEAD_BYTES", 0 if way == "ahead" else 1 << 40)
        (tmp_path / way).mkdir()
        url = fresh_database_url(backend, templates, tmp_path / way)
        tracker = Tracker(load_settings(home=tmp_path / way, database_url=url), db.make_engine(url), Clock(fixed=NOW))
        try:
            with pytest.raises(InvalidInput) as refused:
                tracker.import_file(path, options=ImportOptions(encoding="utf-8"))
            assert not tracker.list_topups(limit=1).items  # nothing stored
        finally:
            tracker.close()
        said[way] = (str(refused.value), refused.value.where, refused.value.hint)
    assert said["ahead"] == said["columns"]
    assert "2601" in said["columns"][1]  # the broken row, named (the header is row 1)
