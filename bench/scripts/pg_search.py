"""`pg_search` and its baseline: one text search for a rare reference, timed in the process that asks it, as the
app's filter is (connected already, from the query to its first page); prints the seconds as JSON.

python -m bench.scripts.pg_search facade TEXT   # Tracker.open(load_settings()) and the top-ups page query the TUI
                                                 # sends (TOPUP_DATABASE_URL names the database)
python -m bench.scripts.pg_search sql URL TEXT  # the plain SELECT ... WHERE reference LIKE '%TEXT%' LIMIT n
"""

import json
import sys
import time

PAGE = 100  # the TUI's page (tui.widgets.topup_table.PAGE; not imported, which would load Textual)


def facade(text: str) -> tuple[float, int]:
    from tracker.domain.records import TopUpFilter
    from tracker.domain.settings import load_settings
    from tracker.service import Tracker

    tracker = Tracker.open(load_settings())
    tracker.list_topups(limit=PAGE)  # the unfiltered first table, shown before the filter is typed
    start = time.perf_counter()
    page = tracker.list_topups(TopUpFilter(text=text), limit=PAGE)
    seconds = time.perf_counter() - start
    tracker.close()
    return seconds, len(page.items)


def sql(url: str, text: str) -> tuple[float, int]:
    import psycopg

    with psycopg.connect(url) as connection:
        connection.execute("SELECT 1")
        start = time.perf_counter()
        found = connection.execute(
            "SELECT * FROM topups WHERE reference LIKE %s LIMIT %s", (f"%{text}%", PAGE)
        ).fetchall()
        return time.perf_counter() - start, len(found)


if __name__ == "__main__":
    seconds, found = facade(sys.argv[2]) if sys.argv[1] == "facade" else sql(sys.argv[2], sys.argv[3])
    if not found:
        raise SystemExit(f"the search for {sys.argv[-1]!r} found nothing: it measured an empty page")
    print(json.dumps({"seconds": seconds, "found": found}))
