"""Reading and checking a large file of topup's own CSV a chunk ahead, in two other processes.

An import's time goes in two halves of about the same size: reading and checking the rows, then storing them.
Both hold Python's interpreter lock (a thread reading ahead made a 100 000-row import slower, 5.2 -> 5.6 s), so
the reading runs in processes of their own while this one stores the chunk before. Each reads the whole file and
checks every other chunk, so a re-import (all checking, little storing) uses both cores too (1M rows: 16.4 s with
one reader, 14.0 s with two). What crosses between them is small: each row's staged tuple
(`storage.rows.staged_values`) or, for a row the columnar reader leaves to the row-wise rules, its cells as read.

Nothing is decided in a reading process. A row it does not accept comes back as cells, and this process reads it
row by row, wording the refusal in the user's language. If a reader stops for any reason (the file breaks off in
the middle, a row is not valid text, the process is killed), this one reads the rest of the file itself from the
first row it was not sent, and meets the same fault where the reading in-process would: the import's outcome and
its messages are the same either way (`tests/test_columnar.py` imports the same files both ways).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC
from itertools import count, islice
from multiprocessing.connection import Connection
from typing import Any

from tracker.domain import collector
from tracker.domain.canonical import ParseContext
from tracker.domain.clock import zone
from tracker.flows.importing.columnar import ColumnarReader
from tracker.flows.importing.profile import Profile
from tracker.flows.importing.reading import Rows, SourceFile, filled

# Below this size the second process's start (about 0.3 s: a fresh interpreter importing topup's readers) costs
# more than it saves: about 20 000 rows of topup's own CSV.
AHEAD_BYTES = 4 << 20
READERS = 2

Item = tuple[int, Any, Any]  # (row number, staged tuple, receipts) or (row number, None, cells)
Chunk = tuple[int, list[Item]]  # (bytes of the file read so far, the chunk's rows)


@dataclass(frozen=True)
class Plan:
    """What the reading of chunks needs: plain values, sent as they are to the second process."""

    source: SourceFile
    profile: Profile
    ctx: ParseContext
    index: dict[str, int]
    by_column: bool
    size: int

    def __reduce__(self) -> tuple:
        """Pickled with the zone's name: topup's zones come from the bundled tzdata, which pickle cannot carry."""
        now = self.ctx.now.astimezone(UTC) if self.ctx.now else None
        ctx = replace(self.ctx, zone=UTC, now=now)
        return _plan, (self.source, self.profile, ctx, self.ctx.zone.key, self.index, self.by_column, self.size)


def _plan(source: SourceFile, profile: Profile, ctx: ParseContext, zone_name: str, *rest: Any) -> Plan:
    return Plan(source, profile, replace(ctx, zone=zone(zone_name)), *rest)


def chunks(rows: Rows, plan: Plan, *, after: int = 1, share: tuple[int, int] = (0, 1)) -> Iterator[Chunk]:
    """The chunks of `rows` from the row after `after` (the header is row 1); with `share` (k, n), only every n-th
    chunk from the k-th (the others are read past, not checked). A chunk is `plan.size` records, blank ones
    included, so that every reading process cuts the file at the same rows while passing the others' chunks by
    csv alone (`Rows.skip`); its blank records are left out."""
    reader = ColumnarReader(plan.ctx, plan.index, unescapes=plan.profile.unescape_formulas) if plan.by_column else None
    width, receipts = len(rows.header), plan.index.get("receipts")
    rows.skip(after - 1)
    records = rows.records()
    mine, every = share
    for turn in count():
        if turn % every != mine:
            if rows.skip(plan.size) < plan.size:
                return
            continue
        taken = list(islice(records, plan.size))
        batch = [(number, cells) for number, cells in taken if filled(cells)]
        whole = [cells for _number, cells in batch if len(cells) == width]
        read = iter(reader.read(whole)) if reader and whole else None
        items: list[Item] = []
        for number, cells in batch:
            staged = next(read) if read and len(cells) == width else None
            if staged is None:
                items.append((number, None, cells))
            else:
                shas = cells[receipts].split(";") if receipts is not None and cells[receipts] else ()
                items.append((number, staged, tuple(s for s in shas if s)))
        if taken:
            yield rows.bytes_read, items
        if len(taken) < plan.size:
            return


def read_ahead(rows: Rows, plan: Plan) -> Iterator[Chunk]:
    """The chunks of `rows`, read by other processes when the file is large enough to gain from it: each reads the
    whole file and checks every n-th chunk, and the chunks are taken from them in the file's order."""
    readers = _readers()
    if not plan.by_column or plan.source.size < AHEAD_BYTES or not readers:
        yield from chunks(rows, plan)
        return
    last, turn = 1, 0
    context = multiprocessing.get_context("spawn")  # no fork: the app calls this from a thread
    pipes: list[Connection] = []
    processes: list[Any] = []
    try:
        with _uninterruptible_children():
            for k in range(readers):
                receiving, sending = context.Pipe(duplex=False)
                pipes.append(receiving)
                processes.append(context.Process(target=_serve, args=(sending, plan, (k, readers)), daemon=True,
                                                 name=f"topup-import-reader-{k}"))  # fmt: skip
                processes[-1].start()
                sending.close()
        while (message := _receive(pipes[turn % readers])) is not None:
            bytes_read, items = message
            if items:
                last = items[-1][0]
            turn += 1
            yield bytes_read, items
        finished = processes[turn % readers]
        finished.join(timeout=10)
        if finished.exitcode == 0:
            return  # the file ended: every chunk was sent
    except OSError:
        pass  # no other process on this system: read here
    finally:
        for pipe in pipes:
            pipe.close()
        for process in processes:
            if process.is_alive():
                process.kill()
            if process.pid is not None:
                process.join()
    yield from chunks(rows, plan, after=last)


@contextmanager
def _uninterruptible_children() -> Iterator[None]:
    """Processes started inside ignore Ctrl-C from their first instruction: a Ctrl-C while one still imports would
    otherwise print its traceback. The importing process handles Ctrl-C and ends them. (Only the main thread may
    set signal handlers; in the app, imports run in a worker thread and Textual reads Ctrl-C as a key.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        if previous is not None:  # None: a handler set outside Python, which cannot be put back from here
            signal.signal(signal.SIGINT, previous)


def _readers() -> int:
    """How many processes read ahead: none on one core, where they would only take turns with this one; else two,
    so that the checking (about half an import, and all of a re-import) is shared by two cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 0 if cores < 2 else READERS


def _receive(receiving: Connection) -> Chunk | None:
    """The next chunk; None at the end of the file and when the reader stopped (its exit code says which)."""
    try:
        message = receiving.recv()
    except (EOFError, OSError):
        return None
    return message


def _serve(sending: Connection, plan: Plan, share: tuple[int, int]) -> None:
    """A reading process: sends its share of the file's chunks, then closes. Whatever stops it is said by the
    importing process, which reads the rest itself: nothing is printed here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importing process's to handle; it ends this one
    rows = None
    try:
        rows = Rows(plan.source, plan.profile)
        with collector.bulk():
            for chunk in chunks(rows, plan, share=share):
                sending.send(chunk)
    except BaseException:  # reported by the exit code; the importing process reads on
        raise SystemExit(1) from None
    finally:
        if rows is not None:
            rows.close()
        sending.close()
