"""One service per ``var`` folder: the embedded Redis, the SQLite file and the outbox
there belong to one process. A second start says who holds the folder and exits.

``flock`` on a file in the folder: the kernel lets go when the holder exits, however it
dies, so a crashed service never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

LOCK_FILE = "ideabox.lock"


class FolderInUse(Exception):
    """Another ideabox process holds the folder; the message says which."""


class InstanceLock:
    def __init__(self, var_dir: Path, what: str) -> None:
        self.path = var_dir / LOCK_FILE
        self.what = what  # e.g. "ideabox run", written down for whoever comes second
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode(errors="replace").strip() or "another process"
            os.close(fd)
            folder = self.path.parent.resolve()
            raise FolderInUse(
                f"{folder} is in use by {holder}; stop that one first,"
                " or give this one its own IDEABOX_VAR_DIR"
            ) from None
        started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        os.ftruncate(fd, 0)
        os.write(fd, f"{self.what} (pid {os.getpid()}, since {started})\n".encode())
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.ftruncate(fd, 0)  # the file stays: removing it would race a new holder
            os.close(fd)  # closing drops the flock
