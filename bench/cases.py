"""The benchmark's cases: each `topup` command a user waits for, and the baseline measured beside it in the same run.

Every case runs as its own process (`python -m tracker ...` from the same interpreter), so start-up, imports and
the database's first reads are in the figure, as they are for a user.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bench import generate
from bench.measure import Figures, Run, repeat, run
from tracker.domain.clock import month_bounds, zone

ALMATY = zone("Asia/Almaty")
ROOT = Path(__file__).resolve().parent.parent  # the checkout whose modules are measured
# The newest full month and the newest full year of the generated data (five years from generate.START).
MONTH = date(2026, 10, 1)
YEAR = 2025


@dataclass
class Case:
    name: str
    figures: Figures
    rows: int | None = None  # rows handled, for rows per second
    baseline: str | None = None
    target: str = ""
    limit: Callable[[Case, dict[str, Case]], bool] | None = None  # is the target met?
    data_rows: int | None = None  # the database's top-ups, when fewer or more than the run's --rows (PostgreSQL's)

    def ratio(self, cases: dict[str, Case]) -> float | None:
        base = cases.get(self.baseline or "")
        return self.figures.median_s / base.figures.median_s if base and base.figures.median_s else None

    def as_json(self, cases: dict[str, Case]) -> dict[str, object]:
        f, ratio = self.figures, self.ratio(cases)
        return {
            "name": self.name,
            "median_s": round(f.median_s, 4),
            "min_s": round(f.min_s, 4),
            "max_s": round(f.max_s, 4),
            "runs": len(f.runs),
            "rows_per_s": round(self.rows / f.median_s) if self.rows and f.median_s else None,
            "peak_rss_mib": round(f.peak_rss_mib, 1) if f.peak_rss_mib else None,
            "baseline": self.baseline,
            "ratio": round(ratio, 3) if ratio is not None else None,
            "target": self.target or None,
            "met": self.limit(self, cases) if self.limit else None,
            "data_rows": self.data_rows,
        }


def ratio_at_most(bound: float) -> Callable[[Case, dict[str, Case]], bool]:
    return lambda case, cases: (case.ratio(cases) or float("inf")) <= bound


def seconds_under(bound: float) -> Callable[[Case, dict[str, Case]], bool]:
    return lambda case, _cases: case.figures.median_s < bound


def seconds_at_most(bound: float) -> Callable[[Case, dict[str, Case]], bool]:
    return lambda case, _cases: case.figures.median_s <= bound


@dataclass
class Bench:
    """One benchmark run: a work directory, the generated file, and the cases measured so far."""

    work: Path
    rows: int
    runs: int
    say: Callable[[str], None]
    cases: dict[str, Case] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    sqlite3_shell: str | None = field(default_factory=lambda: shutil.which("sqlite3"))

    @property
    def csv(self) -> Path:
        return self.work / "topups.csv"

    @property
    def start_runs(self) -> int:
        """Runs of each start (a command's, the app's): short, so the machine's noise weighs most on them."""
        return max(5, 3 * self.runs)

    def env(self, home: Path) -> dict[str, str]:
        """Every measured command's environment: its home, and Python's bytecode used as a user's install has it
        (`generate` compiles the checkout's modules, as installing does), so no case pays for compiling them,
        even where PYTHONDONTWRITEBYTECODE is set for the tests."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOPUP_") and k != "PYTHONDONTWRITEBYTECODE"}
        return env | {"TOPUP_HOME": str(home)}

    def topup(self, home: Path, *args: str, times: int | None = None, **kwargs: object) -> Figures:
        command = [sys.executable, "-m", "tracker", *args]
        return repeat(times or self.runs, command, env=self.env(home), **kwargs)  # type: ignore[arg-type]

    def add(self, case: Case) -> None:
        self.cases[case.name] = case
        shown = f"{case.figures.median_s:8.3f} s"
        if case.figures.peak_rss_mib:
            shown += f"  {case.figures.peak_rss_mib:6.1f} MiB"
        self.say(f"  {case.name:<22}{shown}")

    # The cases, in the order they build on each other ----------------------------------------------------------

    def generate(self) -> None:
        self.say(f"generating {self.rows:,} top-ups (seed 42) in {self.work}")
        generate.write(self.csv, self.rows)
        packages = [str(ROOT / name) for name in ("tracker", "tui", "bench")]
        run([sys.executable, "-m", "compileall", "-q", *packages], env=self.env(self.work))

    def baselines_for_import(self) -> Path | None:
        """The sqlite3 shell's .import (the floor) and Python's executemany of raw text; returns the raw database."""
        raw = None
        if self.sqlite3_shell:
            runs = []
            for i in range(self.runs):
                raw = self.work / f"raw-{i}.sqlite3"
                runs.append(run([self.sqlite3_shell, str(raw), f".import --csv {self.csv} raw"]))
            self.add(Case("sqlite3_import", Figures(runs), self.rows))
        figures = Figures()
        for i in range(self.runs):
            target = self.work / f"executemany-{i}.sqlite3"
            figures.runs.append(
                run([sys.executable, "-m", "bench.scripts.raw_executemany", str(self.csv), str(target)])
            )
            target.unlink()
        self.add(Case("python_executemany", figures, self.rows))
        return raw

    def imports(self) -> Path:
        """The validating import into an empty database, then the same file again; returns the full home."""
        figures = Figures()
        for i in range(self.runs):
            home = self.work / f"home-{i}"
            figures.runs.extend(self.topup(home, "import", str(self.csv), times=1).runs)
        self.add(Case("import", figures, self.rows, "sqlite3_import", "≤ 8×", ratio_at_most(8)))
        home = self.work / f"home-{self.runs - 1}"
        for i in range(self.runs - 1):
            shutil.rmtree(self.work / f"home-{i}")
        self.schema_floor(home)
        again = self.topup(home, "import", str(self.csv))
        self.add(Case("reimport", again, self.rows, "import", "≤ 0.5×", ratio_at_most(0.5)))
        self.database_size(home)
        return home

    def schema_floor(self, home: Path) -> None:
        """Storing the already-valid rows into topup's schema (constraints, indexes) with Python's executemany:
        what an import costs before it parses anything, beside the shell's import of bare text."""
        figures = Figures()
        for i in range(self.runs):
            target = self.work / f"floor-{i}.sqlite3"
            source = str(home / "topup.sqlite3")
            script = [sys.executable, "-m", "bench.scripts.schema_executemany", source, str(target)]
            figures.runs.append(run(script))
            for leftover in self.work.glob(f"floor-{i}.sqlite3*"):
                leftover.unlink()
        self.add(Case("schema_executemany", figures, self.rows, "sqlite3_import", "≤ 4×", ratio_at_most(4)))

    def database_size(self, home: Path) -> None:
        path = home / "topup.sqlite3"
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        per_row = path.stat().st_size / self.rows
        self.extra["db_bytes_per_topup"] = round(per_row, 1)
        self.say(f"  {'database size':<22}{per_row:8.1f} bytes a top-up (target ≤ 420, the search index included)")

    def exports(self, home: Path, raw: Path | None) -> None:
        if raw and self.sqlite3_shell:
            out = self.work / "raw-export.csv"
            shell = [self.sqlite3_shell, "-csv", "-header", str(raw), "SELECT * FROM raw"]
            self.add(Case("sqlite3_export", repeat(self.runs, shell, stdout=out), self.rows))
        out = self.work / "export.csv"
        figures = self.topup(home, "export", "--force", str(out))  # each run replaces the one before
        self.add(Case("export", figures, self.rows, "sqlite3_export", "≤ 4×", ratio_at_most(4)))

    def reports(self, home: Path) -> None:
        db = home / "topup.sqlite3"
        start, end = (int(b.timestamp()) for b in month_bounds(MONTH, ALMATY))
        year_start = int(month_bounds(date(YEAR, 1, 1), ALMATY)[0].timestamp())
        year_end = int(month_bounds(date(YEAR, 12, 1), ALMATY)[1].timestamp())
        live = "deleted_at IS NULL AND status IN ('credited', 'pending', 'disputed')"
        where = f"WHERE {live} AND occurred_at >= {start} AND occurred_at < {end}"
        month_sql = (
            f"SELECT currency, status, count(*) AS n, sum(amount_minor) AS minor FROM topups {where} GROUP BY 1, 2"
        )
        year_sql = (f"SELECT strftime('%Y-%m', occurred_at, 'unixepoch', '+5 hours') AS month, currency, status, "
                    f"count(*) AS n, sum(amount_minor) AS minor FROM topups WHERE {live} AND occurred_at >= "
                    f"{year_start} AND occurred_at < {year_end} GROUP BY 1, 2, 3")  # fmt: skip
        month, year = MONTH.strftime("%Y-%m"), ("--from", f"{YEAR}-01", "--to", f"{YEAR}-12")
        for name, sql, args, target, bound in (
            ("month", month_sql, ("--month", month), "≤ 1.5×", 1.5),
            ("year", year_sql, year, "≤ 2×", 2),
        ):
            # Under a second each, as a start: as many runs, the report and its script taking turns.
            script = [sys.executable, "-m", "bench.scripts.pandas_report", f"sqlite:///{db}", sql]
            report = [sys.executable, "-m", "tracker", "report", *args]
            scripts, reports = Figures(), Figures()
            for _ in range(self.start_runs):
                scripts.runs.append(run(script))
                reports.runs.append(run(report, env=self.env(home)))
            self.add(Case(f"pandas_{name}", scripts, self.rows))
            if self.sqlite3_shell:
                self.add(Case(f"sqlite3_{name}", repeat(self.runs, [self.sqlite3_shell, str(db), sql]), self.rows))
            self.add(Case(f"report_{name}", reports, None, f"pandas_{name}", target, ratio_at_most(bound)))

    def check(self, home: Path) -> None:
        db = home / "topup.sqlite3"
        sql = "SELECT line_id, currency, status, count(*), sum(amount_minor) FROM topups GROUP BY 1, 2, 3"
        if self.sqlite3_shell:
            self.add(Case("sqlite3_groupby_all", repeat(self.runs, [self.sqlite3_shell, str(db), sql]), self.rows))
        figures = self.topup(home, "check", ok_codes=(0, 1))
        self.add(Case("check", figures, self.rows, "sqlite3_groupby_all", "≤ 3×", ratio_at_most(3)))

    def listing(self, home: Path) -> None:
        with sqlite3.connect(home / "topup.sqlite3") as db:
            deep = int(self.rows * 0.9)
            at, topup_id = db.execute(
                "SELECT occurred_at, id FROM topups WHERE deleted_at IS NULL "
                "ORDER BY occurred_at DESC, id DESC LIMIT 1 OFFSET ?",
                (deep,),
            ).fetchone()
        db.close()
        self.add(Case("list_newest", self.topup(home, "list", "--limit", "50")))
        deep_page = self.topup(home, "list", "--limit", "50", "--after", f"{at}.{topup_id}")
        within = lambda case, cases: abs((case.ratio(cases) or 9) - 1) <= 0.2  # noqa: E731
        self.add(Case("list_deep", deep_page, None, "list_newest", "±20 %", within))

    def startup(self, home: Path) -> None:
        """What every command costs before its work: `topup --help` (no database, no SQLAlchemy) and the smallest
        listing (the database opened and read), beside a bare `python -c pass`. A start is short and noisy, so each
        is the median of several runs, after one unmeasured run."""
        env = self.env(home)
        times = self.start_runs
        for name, args, target, bound in (
            ("python_startup", ["-c", "pass"], "", None),
            ("cli_startup", ["-m", "tracker", "--help"], "≤ 0.35 s", 0.35),
            ("cli_startup_list", ["-m", "tracker", "list", "--limit", "1"], "≤ 0.6 s", 0.6),
        ):
            run([sys.executable, *args], env=env)
            figures = repeat(times, [sys.executable, *args], env=env)
            baseline = "python_startup" if bound else None
            self.add(Case(name, figures, None, baseline, target, seconds_at_most(bound) if bound else None))

    def tui(self, home: Path) -> None:
        """The app driven by keys (`bench.tui_probe`), each run followed by one of its floor's, so that both meet
        the machine in the same state: on a shared 2-core machine the same start took from 0.6 to 0.9 s."""
        with sqlite3.connect(home / "topup.sqlite3") as db:
            number = db.execute("SELECT number FROM lines ORDER BY id LIMIT 1 OFFSET 7").fetchone()[0]
            referenced = "SELECT reference FROM topups WHERE reference IS NOT NULL ORDER BY id LIMIT 1 OFFSET ?"
            reference = db.execute(referenced, (self.rows // 2,)).fetchone()[0]  # rare: one top-up's
            old = db.execute(referenced, (self.rows // 10,)).fetchone()[0][:-4]  # its first digits: a run of old ones
            common = db.execute("SELECT provider FROM topups ORDER BY occurred_at DESC LIMIT 1").fetchone()[0]
        db.close()
        typed_line = "8" + number[2:]  # as people type a Kazakh number
        probe = [sys.executable, "-m", "bench.tui_probe", typed_line, reference, common, old]
        floor = [sys.executable, "-m", "bench.scripts.tui_floor", str(home / "topup.sqlite3")]
        probes, floors = [], []
        for _ in range(self.start_runs):  # short and noisy, as a start is: more runs, each beside its floor
            probes.append(json.loads(run(probe, env=self.env(home)).stdout))
            floors.append(json.loads(run(floor, env=self.env(home)).stdout)["tui_floor_s"])
        self.add(Case("tui_floor", Figures([Run(f, 0, "") for f in floors])))
        targets = {
            "tui_first_table_s": ("< 0.6 s", 0.6),
            "tui_page_down_s": ("< 50 ms", 0.05),
            "tui_filter_line_s": ("< 150 ms", 0.15),
            "tui_filter_search_s": ("< 100 ms", 0.1),  # rare text
            "tui_filter_common_s": ("< 100 ms", 0.1),  # a provider's name: common among the newest rows
            "tui_filter_old_s": ("< 100 ms", 0.1),  # the first digits of old references: common only long ago
        }
        for key, (target, bound) in targets.items():
            runs = [Run(p[key], 0, "") for p in probes]
            baseline = "tui_floor" if key == "tui_first_table_s" else None
            self.add(Case(key.removesuffix("_s"), Figures(runs), None, baseline, target, seconds_under(bound)))

    def memory_scaling(self) -> None:
        """Peak memory of import and export at a tenth of the rows: a streaming design needs no more for more."""
        small_rows = self.rows // 10
        small = self.work / "small.csv"
        generate.write(small, small_rows)
        home = self.work / "home-small"
        imported = self.topup(home, "import", str(small), times=1).peak_rss_mib
        exported = self.topup(home, "export", str(self.work / "small-export.csv"), times=1).peak_rss_mib
        self.extra["import_peak_rss_mib_at_tenth"] = round(imported, 1)
        self.extra["export_peak_rss_mib_at_tenth"] = round(exported, 1)
        for name, small_peak in (("import", imported), ("export", exported)):
            big = self.cases[name].figures.peak_rss_mib
            self.extra[f"{name}_memory_growth"] = round(big / small_peak, 3)
            self.say(
                f"  {name + ' memory growth':<22}{big / small_peak:8.2f} × ({small_rows:,} rows: {small_peak:.1f} MiB)"
            )
