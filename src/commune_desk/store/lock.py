"""The store lock: one process at a time uses a data folder's store for its work.

The desktop app holds it for as long as it runs; the commands that change
the store (``intake``, ``demo``, ``restore``, ``login``, ``sync``) hold it
while they run. A second app, or a restore while the app is open, is refused
with a clear sentence instead of writing into a store that is being
replaced. Read-only commands and ``backup`` (SQLite's online backup copies a
consistent snapshot) run without it.

The lock is an operating-system lock on ``<data folder>/commune-desk.lock``
held through an open file: ``flock`` on POSIX, ``msvcrt.locking`` on
Windows. The OS releases it when the process ends in any way (crash, power
button, SIGKILL), so a stale lock can never keep the clerk out. The file
also says who holds the lock (process id, PC, what for, since when) for the
message; on Windows a byte far beyond that text is locked, so others can
still read it.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from commune_desk.store.errors import StoreError

LOCK_FILE = "commune-desk.lock"
#: Purpose of the desktop app's lock: never waited for (it lasts all day).
APP = "app"
#: Where the Windows lock byte sits (beyond any holder text, so the text stays readable).
_WIN_LOCK_OFFSET = 1 << 30


@dataclass(frozen=True)
class LockHolder:
    """Who holds a store lock (as written in the lock file; may be partial or stale)."""

    pid: int | None
    host: str
    purpose: str
    since: str

    def describe(self) -> str:
        """Short text for messages: ``app (pid 1234, PC-01, 2026-03-10T08:00)``."""
        return f"{self.purpose} (pid {self.pid}, {self.host}, {self.since[:16]})"


class StoreLock:
    """A held store lock; release it (or let the process end) to let others in."""

    def __init__(self, path: Path, handle: IO[bytes], purpose: str) -> None:
        self.path = path
        self.purpose = purpose
        self._handle: IO[bytes] | None = handle

    @classmethod
    def acquire(cls, data_dir: Path, *, purpose: str, wait: float = 0.0) -> StoreLock:
        """Take the lock of ``data_dir`` for ``purpose``; raise ``StoreError("store_in_use")``.

        Waits up to ``wait`` seconds for a short holder (another command), never
        for the desktop app, which holds the lock all day.
        """
        path = data_dir / LOCK_FILE
        handle = path.open("a+b")
        deadline = time.monotonic() + wait
        try:
            while not _try_lock(handle):
                holder = read_holder(data_dir)
                if time.monotonic() >= deadline or (holder is not None and holder.purpose == APP):
                    raise StoreError(
                        "store_in_use",
                        f"store lock {path} is held by {holder}",
                        path=str(data_dir),
                        holder=holder.describe() if holder else "",
                        app=holder is not None and holder.purpose == APP,
                    )
                time.sleep(0.1)
        except BaseException:
            handle.close()
            raise
        lock = cls(path, handle, purpose)
        lock._write_holder()
        return lock

    @property
    def held(self) -> bool:
        """Whether this object still holds the lock."""
        return self._handle is not None

    def release(self) -> None:
        """Let go of the lock (idempotent). The holder text is left; it is overwritten next time."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            _unlock(handle)
        finally:
            handle.close()

    def __enter__(self) -> StoreLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _write_holder(self) -> None:
        assert self._handle is not None
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "purpose": self.purpose,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            self._handle.seek(0)
            self._handle.truncate(0)
            self._handle.write(json.dumps(info).encode())
            self._handle.flush()
        except OSError:  # the text is only for messages; the lock itself is what matters
            pass


def read_holder(data_dir: Path) -> LockHolder | None:
    """What the lock file says about its holder (None when unreadable or empty)."""
    try:
        data: Any = json.loads((data_dir / LOCK_FILE).read_bytes().rstrip(b"\0") or b"null")
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    pid = data.get("pid")
    return LockHolder(
        pid=pid if isinstance(pid, int) else None,
        host=str(data.get("host", "")),
        purpose=str(data.get("purpose", "")),
        since=str(data.get("since", "")),
    )


def is_locked(data_dir: Path) -> bool:
    """Whether some process holds the lock of ``data_dir`` right now (probe and let go)."""
    path = data_dir / LOCK_FILE
    if not path.exists():
        return False
    try:
        lock = StoreLock.acquire(data_dir, purpose="probe")
    except StoreError:
        return True
    lock.release()
    return False


if sys.platform == "win32":  # pragma: no cover - exercised on the Windows runner
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        handle.seek(_WIN_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(_WIN_LOCK_OFFSET)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        # flock, not fcntl record locks: it belongs to the open file, so a second
        # open in the same process is refused too, and closing another descriptor
        # of the file does not drop it.
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
