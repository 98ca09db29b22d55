"""Running one command as its own process and measuring what its user waits for: wall time and peak memory.

The memory is that of the command and of every process it starts (an import reads ahead in two more): the larger of
the command's own peak (`ru_maxrss`, exact) and the sum over its process tree, sampled every 50 ms from /proc.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mib: float
    stdout: str


@dataclass
class Figures:
    """Several runs of one case: what the table and the JSON print."""

    runs: list[Run] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def min_s(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def max_s(self) -> float:
        return max(r.seconds for r in self.runs)

    @property
    def peak_rss_mib(self) -> float:
        return max(r.peak_rss_mib for r in self.runs)


class CommandFailed(Exception):
    def __init__(self, command: Sequence[str], code: int, stderr: str) -> None:
        super().__init__(f"{' '.join(command)} exited with {code}: {stderr.strip()[-800:]}")


def run(
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    stdin: Path | None = None,
    stdout: Path | None = None,
    ok_codes: tuple[int, ...] = (0,),
) -> Run:
    """One process; `os.wait4` gives the peak resident memory of exactly this child (ru_maxrss, KiB on Linux), a
    sampler the peak of its whole process tree."""
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(stdout.open("wb")) if stdout else subprocess.PIPE
        source = stack.enter_context(stdin.open("rb")) if stdin else subprocess.DEVNULL
        errors = stack.enter_context(tempfile.TemporaryFile())  # a file, not a pipe: a chatty child cannot block
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdin=source, stdout=out, stderr=errors)
        tree = TreeMemory(process.pid)
        captured = process.stdout.read() if process.stdout else b""
        _pid, status, usage = os.wait4(process.pid, 0)
        tree.stop()
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code  # reaped by wait4 already
        if process.stdout:
            process.stdout.close()
        if code not in ok_codes:
            errors.seek(0)
            raise CommandFailed(command, code, errors.read().decode(errors="replace"))
    return Run(seconds, max(usage.ru_maxrss, tree.peak_kib) / 1024, captured.decode(errors="replace"))


class TreeMemory:
    """The peak of the summed resident memory of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every, self.peak_kib = pid, every, 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        if Path("/proc").is_dir():
            self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def _sample(self) -> None:
        while not self._done.wait(self.every):
            self.peak_kib = max(self.peak_kib, sum(_rss_kib(pid) for pid in _tree(self.pid)))


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, ()))
    return found


def _rss_kib(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def repeat(times: int, command: Sequence[str], **kwargs: object) -> Figures:
    return Figures([run(command, **kwargs) for _ in range(times)])  # type: ignore[arg-type]
