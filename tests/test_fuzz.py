"""Property-based fuzzing of what reads outside input: typed fields, CSV files and bundles. Each may refuse, with a
TrackerError that says where and why; nothing may escape as another exception.

CI runs a bounded number of examples; TOPUP_FUZZ_EXAMPLES=5000 runs more. A crasher found is kept below as an
explicit example, so it stays a regression case.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.conftest import NOW
from tracker.domain.canonical import COLUMNS, ParseContext, parse_fields
from tracker.domain.clock import zone
from tracker.domain.errors import InvalidInput, TrackerError
from tracker.domain.records import ImportOptions
from tracker.flows.importing.bundles import opened_bundle
from tracker.service import Tracker

EXAMPLES = int(os.environ.get("TOPUP_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
CONTEXT = ParseContext(zone=zone("Asia/Almaty"), now=NOW)
cell = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["2000", "2 000,50", "1,234", "-5", "0", "9" * 40, "1e5", "NaN", "Infinity", "２０００",
                     "+77011234567", "8 701 123 45 67", "2026-02-30 10:00", "0001-01-01T00:00:00+05:00",
                     "bank_app", "credited", "KZT", "JPY", "xx", "\x00", "\x1b[2J", "=cmd", "'=x", ""]),
)  # fmt: skip


@FUZZ
@given(st.dictionaries(st.sampled_from(COLUMNS), cell))
@example({"amount": "1" * 30, "currency": "KZT", "line": "87011234567", "channel": "bank_app"})
@example({"occurred_at": "9999-12-31T23:59:59-05:00", "expires_at": "0001-01-01T00:00:00+05:00"})
def test_typed_fields_are_parsed_or_refused(fields: dict[str, str]) -> None:
    with contextlib.suppress(InvalidInput):
        parse_fields(fields, CONTEXT)


@FUZZ
@given(st.lists(st.lists(cell, min_size=0, max_size=len(COLUMNS) + 2), max_size=6), st.booleans())
def test_any_csv_is_imported_or_refused_row_by_row(tracker: Tracker, tmp_path: Path, rows, header: bool) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(COLUMNS)
    writer.writerows(rows)
    source = tmp_path / "fuzz.csv"
    source.write_text(out.getvalue(), encoding="utf-8")
    with contextlib.suppress(TrackerError):
        tracker.import_file(source, options=ImportOptions(dry_run=True, on_error="skip"))


@FUZZ
@given(st.binary(max_size=300))
@example(b"PK\x03\x04" + b"\x00" * 40)
def test_any_bytes_named_csv_are_refused_or_read(tracker: Tracker, tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "bytes.csv"
    source.write_bytes(data)
    with contextlib.suppress(TrackerError):
        tracker.import_file(source, options=ImportOptions(dry_run=True))


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=70) | st.sampled_from(["topups.csv", "0" * 64]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(
        ["csv", "name", "sha256", "receipts", "media_type", "x"]), children, max_size=4),
    max_leaves=12,
)  # fmt: skip


@FUZZ
@given(json_value, st.dictionaries(st.sampled_from(["topups.csv", "receipts/" + "0" * 64, "receipts/../x"]),
                                   st.binary(max_size=40), max_size=3))  # fmt: skip
@example({"csv": {"name": "../../etc/passwd", "sha256": "0" * 64}}, {})
@example({"csv": {"name": "topups.csv", "sha256": "0" * 64}, "receipts": [{"sha256": "../../x"}]}, {})
def test_any_bundle_is_refused_or_read_and_writes_only_its_temporary_folder(tmp_path: Path, manifest, members) -> None:
    bundle = tmp_path / "fuzz.zip"
    with zipfile.ZipFile(bundle, "w") as z:
        z.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            z.writestr(name, data)
    before = sorted(tmp_path.rglob("*"))
    try:
        with opened_bundle(bundle) as (csv_path, _names, _files):
            assert csv_path.is_file()
    except InvalidInput:
        pass
    assert sorted(tmp_path.rglob("*")) == before
