"""`python -m bench`: every figure beside its baseline, measured in one run, with issue 21's targets; `--json FILE`
keeps them.

python -m bench                       # 1 000 000 top-ups, three runs of each case (of a start or a report, nine)
python -m bench --rows 100000 --quick  # one run of each, under two minutes

With PostgreSQL's server installed, the same import, reports and search also run on a throwaway server (on at most
100 000 top-ups, 20 000 with --quick, unless --pg-rows says otherwise); without it, one line says they were left out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench import postgres
from bench.cases import Bench
from bench.measure import CommandFailed


def machine() -> dict[str, object]:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = next((ln.split(":", 1)[1].strip() for ln in _cpuinfo() if ln.startswith("model name")), platform.processor())
    sqlite_version = __import__("sqlite3").sqlite_version
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory, 1), "python": platform.python_version(),
            "sqlite": sqlite_version, "system": platform.platform()}  # fmt: skip


def _cpuinfo() -> list[str]:
    try:
        return Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return []


HEADINGS = ("case", "median s", "min–max s", "rows/s", "peak MiB", "baseline", "ratio", "target", "met")


def rows(bench: Bench) -> list[tuple[str, ...]]:
    found = []
    for case in bench.cases.values():
        row = case.as_json(bench.cases)
        met = row["met"]
        found.append((
            case.name + (f" ({case.data_rows:,} top-ups)" if case.data_rows else ""),
            f"{row['median_s']:.3f}",
            f"{row['min_s']:.3f}–{row['max_s']:.3f}",
            f"{row['rows_per_s']:,}" if row["rows_per_s"] else "",
            f"{row['peak_rss_mib']:.0f}" if row["peak_rss_mib"] else "",
            case.baseline or "",
            f"{row['ratio']:.2f}" if row["ratio"] is not None else "",
            case.target,
            "" if met is None else ("yes" if met else "**no**"),
        ))  # fmt: skip
    return found


def markdown(bench: Bench, about: dict[str, object]) -> str:
    """The table for the README, with the machine it came from."""
    lines = [
        f"{bench.rows:,} top-ups, {bench.runs} run(s) of each case ({bench.start_runs} of each start and "
        f"report, each beside its baseline), medians; {about['cpu']}, {about['cores']} cores, "
        f"{about['memory_gib']} GiB, Python {about['python']}, SQLite {about['sqlite']}.",
        "",
        "| " + " | ".join(HEADINGS) + " |",
        "|" + "---|" * len(HEADINGS),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows(bench)]
    lines += [""] + [f"- {key}: {value}" for key, value in bench.extra.items()]
    return "\n".join(lines) + "\n"


def table(bench: Bench, console: Console) -> None:
    shown = Table(title=f"topup benchmark: {bench.rows:,} top-ups, {bench.runs} run(s) each, medians")
    for title in HEADINGS:
        shown.add_column(title, justify="left" if title in ("case", "baseline", "target") else "right",
                         no_wrap=title == "case")  # fmt: skip
    for row in rows(bench):
        shown.add_row(*(cell.replace("**no**", "[bold red]no[/]") for cell in row))
    console.print(shown)
    for key, value in bench.extra.items():
        console.print(f"{key}: {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--rows", type=int, default=1_000_000, help="top-ups to generate (default 1 000 000)")
    parser.add_argument("--runs", type=int, help="runs of each case (default 3, or 1 with --quick)")
    parser.add_argument("--quick", action="store_true", help="one run of each case, no memory-growth comparison")
    parser.add_argument("--pg-rows", type=int, help="top-ups for the PostgreSQL cases (default: --rows, at most "
                        f"{postgres.FULL_ROWS:,}, or {postgres.QUICK_ROWS:,} with --quick)")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--markdown", type=Path, help="also write the table as markdown (the README's)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (printed) for a look")
    args = parser.parse_args(argv)
    if args.rows < 1000:
        parser.error("--rows: at least 1000, or the deep page and the filters have nothing to find")
    if args.pg_rows is not None and args.pg_rows < 1000:
        parser.error("--pg-rows: at least 1000, as --rows")
    console = Console(stderr=True)
    work = Path(tempfile.mkdtemp(prefix="topup-bench-"))
    bench = Bench(work, args.rows, args.runs or (1 if args.quick else 3), lambda text: console.print(text))
    if not bench.sqlite3_shell:
        console.print("[yellow]The sqlite3 command-line shell is not installed, so its baselines are left out: "
                      "install it with `apt-get install sqlite3` (`make bench` does, as root).[/]")  # fmt: skip
    started = time.perf_counter()
    try:
        bench.generate()
        raw = bench.baselines_for_import()
        home = bench.imports()
        bench.exports(home, raw)
        bench.reports(home)
        bench.check(home)
        bench.listing(home)
        bench.startup(home)
        bench.tui(home)
        postgres.measure(bench, postgres.rows_for(bench.rows, args.quick, args.pg_rows))
        if not args.quick:
            bench.memory_scaling()
    except CommandFailed as exc:
        console.print(f"[bold red]benchmark stopped:[/] {exc}")
        return 1
    except KeyboardInterrupt:
        console.print("[bold red]benchmark interrupted[/]")
        return 130
    finally:
        if args.keep:
            console.print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results = {
        "machine": machine(),
        "rows": bench.rows,
        "runs": bench.runs,
        "seconds": round(time.perf_counter() - started, 1),
        "cases": [case.as_json(bench.cases) for case in bench.cases.values()],
        **bench.extra,
    }
    # Written to a file or a pipe, the table keeps its full width instead of rich's 80 columns (names cut short).
    table(bench, Console(width=None if sys.stdout.isatty() else 150))
    if args.markdown:
        args.markdown.write_text(markdown(bench, results["machine"]), encoding="utf-8")  # type: ignore[arg-type]
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        console.print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
