"""A throwaway PostgreSQL cluster for the test session, from Debian's server binaries.

pytest-postgresql cannot run the server as another user, and the server refuses to run as root (which is what
CI is), so this starts it with `runuser -u postgres` in a directory that user owns, on a Unix socket only.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def server_bindir() -> Path | None:
    """The newest installed server's bin directory (Debian keeps it off PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _run(args: list[str], user: str | None) -> None:
    command = ["runuser", "-u", user, "--", *args] if user else args
    subprocess.run(command, check=True, capture_output=True, text=True)


@contextmanager
def running_server() -> Iterator[str]:
    """Start a cluster, yield a SQLAlchemy URL for its `postgres` database, and remove it all afterwards."""
    bindir = server_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found (install Debian's `postgresql` package)")
    user = "postgres" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="topup-pg-"))
    data = root / "data"
    try:
        if user:
            shutil.chown(root, user)
        _run(
            [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"], user
        )
        options = f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"], user)
        try:
            yield f"postgresql+psycopg://postgres@/postgres?host={root}"
        finally:
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user)
    finally:
        shutil.rmtree(root, ignore_errors=True)
