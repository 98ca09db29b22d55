"""The benchmark still works (CI's smoke run at 10 000 rows): every case is measured and lands in the JSON.

No timing is asserted here: speed is for `make bench` to print, beside its baselines. Where PostgreSQL's server is
installed the run covers its cases too (on fewer top-ups, so their rows name the count); where it is not, or does not
start, one line says so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench import postgres
from bench.__main__ import main
from bench.cases import Bench
from tests.pgserver import server_bindir

CASES = ["import", "reimport", "export", "pandas_month", "pandas_year", "report_month", "report_year", "check",
         "list_newest", "list_deep", "tui_floor", "tui_first_table", "tui_page_down", "tui_filter_line",
         "tui_filter_search", "tui_filter_common", "tui_filter_old", "python_executemany", "schema_executemany",
         "python_startup", "cli_startup", "cli_startup_list"]  # fmt: skip
SHELL_CASES = ["sqlite3_import", "sqlite3_export", "sqlite3_month", "sqlite3_year", "sqlite3_groupby_all"]
PG_CASES = ["psql_copy", "pg_import", "pg_pandas_month", "psql_month", "pg_pandas_year", "psql_year",
            "pg_report_month", "pg_report_year", "pg_sql_like", "pg_search"]  # fmt: skip
PG_ROWS = 5000


def test_a_quick_run_measures_every_case_beside_its_baseline(tmp_path: Path, capsys) -> None:
    files = ["--json", str(tmp_path / "b.json"), "--markdown", str(tmp_path / "b.md")]
    # two runs of each case, as `make bench` runs three: a case that cannot run twice (a file left by the first) fails
    assert main(["--rows", "10000", "--quick", "--runs", "2", "--pg-rows", str(PG_ROWS), *files]) == 0
    figures = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    cases = {case["name"]: case for case in figures["cases"]}
    with_pg = server_bindir() is not None
    expected = CASES + (SHELL_CASES if shutil.which("sqlite3") else []) + (PG_CASES if with_pg else [])
    assert sorted(cases) == sorted(expected)
    assert figures["rows"] == 10000 and figures["machine"]["cores"] >= 1
    for case in cases.values():
        assert 0 < case["min_s"] <= case["median_s"] <= case["max_s"]
    assert cases["import"]["rows_per_s"] > 0 and cases["import"]["peak_rss_mib"] > 0
    assert cases["reimport"]["baseline"] == "import" and cases["reimport"]["ratio"] > 0
    assert cases["list_deep"]["baseline"] == "list_newest"
    assert cases["tui_first_table"]["baseline"] == "tui_floor" and cases["tui_first_table"]["ratio"] > 0
    for name, target in (("cli_startup", "≤ 0.35 s"), ("cli_startup_list", "≤ 0.6 s")):
        assert cases[name]["baseline"] == "python_startup" and cases[name]["runs"] >= 5
        assert cases[name]["target"] == target and cases[name]["ratio"] > 1
    if shutil.which("sqlite3"):
        assert cases["import"]["baseline"] == "sqlite3_import" and cases["import"]["ratio"] is not None
    assert 100 < figures["db_bytes_per_topup"] < 1000
    table = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "| import |" in table and "| tui_first_table |" in table
    shown = capsys.readouterr()
    assert "topup benchmark: 10,000 top-ups" in shown.out
    if with_pg:
        assert_postgresql_cases(cases, figures, table)
    else:
        assert shown.err.count("PostgreSQL cases left out") == 1


def assert_postgresql_cases(cases: dict[str, dict], figures: dict, table: str) -> None:
    assert figures["postgresql"] and figures["pg_bytes_per_topup"] > 100
    assert all(cases[name]["data_rows"] == PG_ROWS for name in PG_CASES)
    assert all(case["data_rows"] is None for name, case in cases.items() if name not in PG_CASES)
    for name, baseline, target in (
        ("pg_import", "psql_copy", "≤ 8×"),
        ("pg_report_month", "pg_pandas_month", "≤ 1.5×"),
        ("pg_report_year", "pg_pandas_year", "≤ 2×"),
        ("pg_search", "pg_sql_like", "< 100 ms"),
    ):
        assert cases[name]["baseline"] == baseline and cases[name]["target"] == target
        assert cases[name]["ratio"] > 0 and isinstance(cases[name]["met"], bool)
        assert f"| {name} ({PG_ROWS:,} top-ups) |" in table
    assert cases["pg_import"]["rows_per_s"] > 0 and cases["pg_import"]["peak_rss_mib"] > 0
    assert cases["psql_copy"]["rows_per_s"] > 0


def test_without_a_postgresql_server_one_line_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said: list[str] = []
    bench = Bench(tmp_path, 1000, 1, said.append)
    monkeypatch.setattr(postgres, "server_bindir", lambda: None)
    postgres.measure(bench, 1000)
    assert len(said) == 1 and "PostgreSQL cases left out: no PostgreSQL server installed" in said[0]
    assert not bench.cases


def test_a_server_that_does_not_start_is_one_line_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    @contextmanager
    def refused() -> Iterator[str]:
        initdb = ["runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/initdb", "-D", "data"]
        raise subprocess.CalledProcessError(1, initdb, stderr="initdb: error: could not create directory\n")
        yield ""

    (tmp_path / "psql").touch()
    said: list[str] = []
    bench = Bench(tmp_path, 1000, 1, said.append)
    monkeypatch.setattr(postgres, "server_bindir", lambda: tmp_path)
    monkeypatch.setattr(postgres, "running_server", refused)
    postgres.measure(bench, 1000)
    assert said == ["[yellow]PostgreSQL cases left out: the server did not start "
                    "(initdb: initdb: error: could not create directory).[/]"]  # fmt: skip
    assert not bench.cases
