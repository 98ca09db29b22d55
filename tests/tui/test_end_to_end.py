"""The real `topup` command in a pseudo-terminal: add a top-up with keystrokes, quit, find it with `topup list`."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

TOPUP = [sys.executable, "-m", "tracker"]


def _drain(fd: int, sink: bytearray, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        sink.extend(chunk)


def _wait_for(sink: bytearray, text: bytes, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in sink:
            return True
        time.sleep(0.1)
    return False


def test_add_a_top_up_with_keystrokes_and_find_it_from_the_cli(tmp_path: Path) -> None:
    env = {**os.environ, "TOPUP_HOME": str(tmp_path / "home"), "TERM": "xterm-256color", "COLUMNS": "100",
           "LINES": "30"}  # fmt: skip
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    app = subprocess.Popen(TOPUP, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    screen, stop = bytearray(), threading.Event()
    reader = threading.Thread(target=_drain, args=(master, screen, stop), daemon=True)
    reader.start()

    def keys(*sequence: bytes, pause: float = 0.4) -> None:
        for key in sequence:
            os.write(master, key)
            time.sleep(pause)

    try:
        assert _wait_for(screen, b"This month", 20), "the dashboard did not appear"
        keys(b"2", b"a", pause=1.0)
        assert _wait_for(screen, b"New top-up", 10), "the form did not open"
        keys(b"87011234567", b"\t", b"2500", pause=0.6)
        keys(b"\x13", pause=1.5)  # ctrl+s: save; a new line asks first
        assert _wait_for(screen, b"is a new line", 10)
        keys(b"y", pause=1.5)
        keys(b"q", pause=0.5)
        app.wait(timeout=20)
    finally:
        stop.set()
        if app.poll() is None:
            app.kill()
        os.close(master)
    listed = subprocess.run([*TOPUP, "list", "--format", "csv"], env=env, capture_output=True, text=True, check=True)
    rows = listed.stdout.splitlines()[1:]
    assert len(rows) == 1
    assert ",+77011234567," in rows[0] and ",2500.00,KZT," in rows[0]
