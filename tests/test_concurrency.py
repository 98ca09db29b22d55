"""Several processes on one database: writers beside a long import and a report, every write lands, none fails.

On SQLite a transaction that may write takes the write lock when it begins and waits for the import (saying so);
on both databases a first top-up to a new number is get-or-create under the line's unique number.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from bench.generate import write as write_bench_csv
from tracker.domain.records import TopUpFilter
from tracker.service import Tracker

ROOT = Path(__file__).resolve().parents[1]
ROWS = 40_000  # an import of several seconds: longer than a writer's first, short wait
WRITERS = 4
ADDS = 8
SHARED_NEW_NUMBER = "+77079990000"

WRITER = textwrap.dedent("""
    import sys
    from tracker.domain.settings import load_settings
    from tracker.domain.vocab import Source
    from tracker.service import Tracker

    url, writer, adds, shared = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    tracker = Tracker.open(load_settings(database_url=url))
    for i in range(adds):
        line = shared if i == 0 else f"+7707{writer:03d}{i:04d}"
        new = tracker.parse_topup({"line": line, "amount": str(1000 + writer * 100 + i), "channel": "bank_app",
                                   "occurred_at": f"2026-11-20 1{writer}:{i:02d}", "reference": f"W{writer}-{i}"})
        tracker.add_topup(new, source=Source.CLI, create_line=True)
    tracker.close()
    print("done", writer)
""")


def _spawn(*args: str, home: Path) -> subprocess.Popen:
    env = {"PATH": "/usr/bin:/bin", "TOPUP_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


def test_writers_beside_an_import_and_a_report_all_land(tracker: Tracker, tmp_path: Path) -> None:
    url = tracker.settings.database_url
    source = tmp_path / "big.csv"
    write_bench_csv(source, ROWS, line_count=300)
    home = tmp_path / "home"
    importer = _spawn("-m", "tracker", "--db", url, "import", str(source), home=home)
    writers = [_spawn("-c", WRITER, url, str(w), str(ADDS), SHARED_NEW_NUMBER, home=home) for w in range(WRITERS)]
    report = _spawn("-m", "tracker", "--db", url, "report", "--month", "2026-11", home=home)
    for process in (importer, *writers, report):
        _out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert "locked" not in err and "internal error" not in err
    assert tracker.count_topups() == ROWS + WRITERS * ADDS
    shared = tracker.list_topups(TopUpFilter(line=SHARED_NEW_NUMBER), limit=100).items
    assert len(shared) == WRITERS and len({t.line for t in shared}) == 1
