"""The benchmark still works (CI's smoke run at 10 000 rows): every case is measured and lands in the JSON.

No timing is asserted here: speed is for `make bench` to print, beside its baselines.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bench.__main__ import main

CASES = ["import", "reimport", "export", "pandas_month", "pandas_year", "report_month", "report_year", "check",
         "list_newest", "list_deep", "tui_first_table", "tui_page_down", "tui_filter_line", "tui_filter_search",
         "python_executemany", "schema_executemany", "python_startup", "cli_startup", "cli_startup_list"]  # fmt: skip
SHELL_CASES = ["sqlite3_import", "sqlite3_export", "sqlite3_month", "sqlite3_year", "sqlite3_groupby_all"]


def test_a_quick_run_measures_every_case_beside_its_baseline(tmp_path: Path, capsys) -> None:
    assert (
        main(["--rows", "10000", "--quick", "--json", str(tmp_path / "b.json"), "--markdown", str(tmp_path / "b.md")])
        == 0
    )
    figures = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    cases = {case["name"]: case for case in figures["cases"]}
    expected = CASES + (SHELL_CASES if shutil.which("sqlite3") else [])
    assert sorted(cases) == sorted(expected)
    assert figures["rows"] == 10000 and figures["machine"]["cores"] >= 1
    for case in cases.values():
        assert 0 < case["min_s"] <= case["median_s"] <= case["max_s"]
    assert cases["import"]["rows_per_s"] > 0 and cases["import"]["peak_rss_mib"] > 0
    assert cases["reimport"]["baseline"] == "import" and cases["reimport"]["ratio"] > 0
    assert cases["list_deep"]["baseline"] == "list_newest"
    for name, target in (("cli_startup", "≤ 0.35 s"), ("cli_startup_list", "≤ 0.6 s")):
        assert cases[name]["baseline"] == "python_startup" and cases[name]["runs"] >= 5
        assert cases[name]["target"] == target and cases[name]["ratio"] > 1
    if shutil.which("sqlite3"):
        assert cases["import"]["baseline"] == "sqlite3_import" and cases["import"]["ratio"] is not None
    assert 100 < figures["db_bytes_per_topup"] < 1000
    table = (tmp_path / "b.md").read_text(encoding="utf-8")
    assert "| import |" in table and "| tui_first_table |" in table
    assert "topup benchmark: 10,000 top-ups" in capsys.readouterr().out
