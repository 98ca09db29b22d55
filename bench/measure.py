"""Running one command as its own process and measuring what its user waits for: wall time and peak memory."""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import tempfile
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
    """One process; `os.wait4` gives the peak resident memory of exactly this child (ru_maxrss, KiB on Linux)."""
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(stdout.open("wb")) if stdout else subprocess.PIPE
        source = stack.enter_context(stdin.open("rb")) if stdin else subprocess.DEVNULL
        errors = stack.enter_context(tempfile.TemporaryFile())  # a file, not a pipe: a chatty child cannot block
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdin=source, stdout=out, stderr=errors)
        captured = process.stdout.read() if process.stdout else b""
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        process.returncode = code  # reaped by wait4 already
        if process.stdout:
            process.stdout.close()
        if code not in ok_codes:
            errors.seek(0)
            raise CommandFailed(command, code, errors.read().decode(errors="replace"))
    return Run(seconds, usage.ru_maxrss / 1024, captured.decode(errors="replace"))


def repeat(times: int, command: Sequence[str], **kwargs: object) -> Figures:
    return Figures([run(command, **kwargs) for _ in range(times)])  # type: ignore[arg-type]
