"""Baseline: Python's sqlite3 executemany of rows already validated and converted (read back from topup's imported
database) into an empty database with topup's schema: its constraints and indexes, nothing parsed. The floor for any
importer that writes this schema from Python, before it reads a single field of the CSV."""

import sqlite3
import sys

source, target = sys.argv[1], sys.argv[2]
src = sqlite3.connect(source)
dst = sqlite3.connect(target, isolation_level=None)
for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-32768"):  # as topup's
    dst.execute(f"PRAGMA {pragma}")
# Tables and indexes; not the text-search index (FTS5 tables and their triggers), which an import fills in one
# statement at its end rather than row by row.
schema = (
    "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND type != 'trigger' "
    "AND name NOT LIKE 'topup_search%' AND name NOT LIKE 'receipt_search%' ORDER BY type = 'index'"
)
for (sql,) in src.execute(schema).fetchall():
    dst.execute(sql)
dst.execute("BEGIN")
for table in ("lines", "import_batches", "topups"):
    cursor = src.execute(f"SELECT * FROM {table} ORDER BY id")
    insert = f"INSERT INTO {table} VALUES ({', '.join('?' * len(cursor.description))})"
    while rows := cursor.fetchmany(2000):
        dst.executemany(insert, rows)
dst.execute("COMMIT")
print(dst.execute("SELECT count(*) FROM topups").fetchone()[0])
