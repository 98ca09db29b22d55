"""The PostgreSQL cases (issue 21): the import, the reports and the text search on the throwaway server the tests
start (`tests.pgserver`: Debian's server binaries, a temporary directory, a Unix socket only, fsync off), each beside
PostgreSQL's own way of doing the same work, measured in the same run on the same server.

Optional by failure: without the server binaries, or when the server does not start, one line says so and the
SQLite cases are printed as before. The server and its directory are removed at the end, whatever happened.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import generate
from bench.cases import ALMATY, MONTH, YEAR, Bench, Case, ratio_at_most, seconds_under
from bench.measure import Figures, Run, repeat, run
from tests.pgserver import running_server, server_bindir
from tracker.domain.canonical import COLUMNS
from tracker.domain.clock import month_bounds

# An import into PostgreSQL costs about 2.5 times one into SQLite (32 s for 100 000 top-ups on the 2-core machine),
# so unless --pg-rows says otherwise the PostgreSQL cases use at most this many (the count is printed in their rows).
QUICK_ROWS = 20_000
FULL_ROWS = 100_000
Limit = Callable[[Case, dict[str, Case]], bool]
SIZE_SQL = (
    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind = 'r'"
)  # every table of topup's with its indexes and TOAST
LIVE = "deleted_at IS NULL AND status IN ('credited', 'pending', 'disputed')"


def rows_for(rows: int, quick: bool, asked: int | None) -> int:
    return asked or min(rows, QUICK_ROWS if quick else FULL_ROWS)


def measure(bench: Bench, rows: int) -> None:
    """Every PostgreSQL case on `rows` top-ups, or one line saying why there are none."""
    bindir = server_bindir()
    if bindir is None:
        bench.say("[yellow]PostgreSQL cases left out: no PostgreSQL server installed (Debian's `postgresql` "
                  "package; .ci/ensure-postgres installs it, as root).[/]")  # fmt: skip
        return
    client = bindir / "psql" if (bindir / "psql").exists() else shutil.which("psql")
    if client is None:
        bench.say(
            "[yellow]PostgreSQL cases left out: its client psql is not installed (Debian's `postgresql-client`).[/]"
        )
        return
    with contextlib.ExitStack() as stack:
        try:
            admin = stack.enter_context(running_server())
        except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
            bench.say(f"[yellow]PostgreSQL cases left out: the server did not start ({_reason(exc)}).[/]")
            return
        Postgres(bench, admin, str(client), rows).run()


def _reason(exc: Exception) -> str:
    if isinstance(exc, subprocess.CalledProcessError):
        program = Path(exc.cmd[4] if exc.cmd[0] == "runuser" else exc.cmd[0]).name  # runuser -u postgres -- ...
        said = (exc.stderr or "").strip().splitlines()
        return f"{program}: {said[-1] if said else exc}"
    return str(exc)


@dataclass
class Postgres:
    bench: Bench
    admin: str  # the SQLAlchemy URL of the server's `postgres` database
    client: str  # psql
    rows: int

    @property
    def home(self) -> Path:
        return self.bench.work / "pg-home"

    def url(self, database: str, driver: str = "postgresql+psycopg") -> str:
        """A database's URL: SQLAlchemy's for topup and pandas, libpq's (driver "postgresql") for psql and psycopg."""
        _driver, user, _path, query, _ = urlsplit(self.admin)
        return urlunsplit((driver, user, f"/{database}", query, ""))

    def execute(self, database: str, *statements: str) -> str:
        """Untimed set-up through psql, each statement on its own (CREATE DATABASE and VACUUM refuse a transaction),
        so this process loads no database driver: its size would count in the peak memory of every child."""
        command = self.psql(database, *statements)
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()

    def add(self, name: str, figures: Figures, rows: int | None = None, baseline: str | None = None,
            target: str = "", limit: Limit | None = None) -> None:  # fmt: skip
        shown = self.rows if self.rows != self.bench.rows else None
        self.bench.add(Case(name, figures, rows, baseline, target, limit, data_rows=shown))

    def psql(self, database: str, *statements: str) -> list[str]:
        commands = [part for statement in statements for part in ("-c", statement)]
        return [self.client, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.url(database, "postgresql"),
                *commands]  # fmt: skip

    # The cases, in the order they build on each other ----------------------------------------------------------

    def run(self) -> None:
        version = self.execute("postgres", "SHOW server_version").split()[0]
        self.bench.extra["postgresql"] = version
        self.bench.say(f"PostgreSQL {version}, {self.rows:,} top-ups")
        source = self.source()
        self.copy(source)
        database = self.imports(source)
        self.reports(database)
        self.search(database)

    def source(self) -> Path:
        if self.rows == self.bench.rows:
            return self.bench.csv
        path = self.bench.work / "pg-topups.csv"
        generate.write(path, self.rows)
        return path

    def copy(self, source: Path) -> None:
        """The floor: psql's \\copy of the same file into a table of text columns, PostgreSQL's own bulk load."""
        self.execute("postgres", "CREATE DATABASE raw")
        columns = ", ".join(f'"{column}" text' for column in COLUMNS)
        runs = []
        for _ in range(self.bench.runs):
            self.execute("raw", "DROP TABLE IF EXISTS raw", f"CREATE TABLE raw ({columns})")
            runs.append(run(self.psql("raw", f"\\copy raw FROM '{source}' WITH (FORMAT csv, HEADER true)")))
        self.execute("postgres", "DROP DATABASE raw")
        self.add("psql_copy", Figures(runs), self.rows)

    def imports(self, source: Path) -> str:
        """`topup --db URL import` into an empty database (migrated by the command, as on SQLite); returns the
        last one, vacuumed and analysed (untimed) as autovacuum would have it a minute later."""
        figures = Figures()
        for i in range(self.bench.runs):
            database = f"topup_{i}"
            self.execute("postgres", f"CREATE DATABASE {database}")
            figures.runs += self.bench.topup(self.home, "--db", self.url(database), "import", str(source), times=1).runs
            if i < self.bench.runs - 1:
                self.execute("postgres", f"DROP DATABASE {database}")
        self.add("pg_import", figures, self.rows, "psql_copy", "≤ 8×", ratio_at_most(8))
        self.execute(database, "VACUUM (ANALYZE)")
        size = self.execute(database, SIZE_SQL)
        self.bench.extra["pg_bytes_per_topup"] = round(int(size) / self.rows, 1)
        self.bench.say(f"  {'database size':<22}{int(size) / self.rows:8.1f} bytes a top-up (tables, indexes, TOAST)")
        return database

    def reports(self, database: str) -> None:
        """The same month and year as the SQLite cases: the pandas script and psql on PostgreSQL's SQL for them."""
        at = lambda instant: f"'{instant.isoformat()}'::timestamptz"  # noqa: E731
        start, end = month_bounds(MONTH, ALMATY)
        year_start: datetime = month_bounds(date(YEAR, 1, 1), ALMATY)[0]
        year_end: datetime = month_bounds(date(YEAR, 12, 1), ALMATY)[1]
        month_sql = (f"SELECT currency, status, count(*) AS n, sum(amount_minor) AS minor FROM topups WHERE {LIVE} "
                     f"AND occurred_at >= {at(start)} AND occurred_at < {at(end)} GROUP BY 1, 2")  # fmt: skip
        year_sql = (f"SELECT to_char(occurred_at AT TIME ZONE '{ALMATY.key}', 'YYYY-MM') AS month, currency, status, "
                    f"count(*) AS n, sum(amount_minor) AS minor FROM topups WHERE {LIVE} AND occurred_at >= "
                    f"{at(year_start)} AND occurred_at < {at(year_end)} GROUP BY 1, 2, 3")  # fmt: skip
        for name, sql in (("month", month_sql), ("year", year_sql)):
            script = [sys.executable, "-m", "bench.scripts.pandas_report", self.url(database), sql]
            self.add(f"pg_pandas_{name}", repeat(self.bench.runs, script), self.rows)
            self.add(f"psql_{name}", repeat(self.bench.runs, self.psql(database, sql)), self.rows)
        month = self.topup(database, "report", "--month", MONTH.strftime("%Y-%m"))
        self.add("pg_report_month", month, None, "pg_pandas_month", "≤ 1.5×", ratio_at_most(1.5))
        year = self.topup(database, "report", "--from", f"{YEAR}-01", "--to", f"{YEAR}-12")
        self.add("pg_report_year", year, None, "pg_pandas_year", "≤ 2×", ratio_at_most(2))

    def topup(self, database: str, *args: str) -> Figures:
        return self.bench.topup(self.home, "--db", self.url(database), *args)

    def search(self, database: str) -> None:
        """A rare reference (one top-up's), first page: the facade's text search as the app's filter asks it,
        beside a plain LIKE in psycopg; each timed from the query to its rows, connected already."""
        offset = self.rows // 2
        reference = self.execute(database, "SELECT reference FROM topups WHERE reference IS NOT NULL "
                                 f"ORDER BY id LIMIT 1 OFFSET {offset}")  # fmt: skip
        env = self.bench.env(self.home)
        self.add("pg_sql_like", self.searches(["sql", self.url(database, "postgresql"), reference], env))
        found = self.searches(["facade", reference], env | {"TOPUP_DATABASE_URL": self.url(database)})
        self.add("pg_search", found, None, "pg_sql_like", "< 100 ms", seconds_under(0.1))

    def searches(self, args: list[str], env: dict[str, str]) -> Figures:
        """Runs of the search script, each figure the seconds it timed itself."""
        runs = repeat(self.bench.runs, [sys.executable, "-m", "bench.scripts.pg_search", *args], env=env).runs
        return Figures([Run(json.loads(r.stdout)["seconds"], 0, "") for r in runs])
