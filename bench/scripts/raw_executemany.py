"""Baseline: Python's own sqlite3 executemany of the raw text rows, no validation at all."""

import csv
import sqlite3
import sys

source, target = sys.argv[1], sys.argv[2]
with open(source, encoding="utf-8", newline="") as handle, sqlite3.connect(target) as db:
    rows = csv.reader(handle)
    header = next(rows)
    db.execute(f"CREATE TABLE raw ({', '.join(f'{c} TEXT' for c in header)})")
    db.executemany(f"INSERT INTO raw VALUES ({', '.join('?' * len(header))})", rows)
print(db.execute("SELECT count(*) FROM raw").fetchone()[0])
