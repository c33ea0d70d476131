"""WAL checkpoints off the save path: a thread of the store runs them after commits.

In WAL mode a commit appends its pages to the ``-wal`` file; a checkpoint
copies them back into the database file and fsyncs it. SQLite's automatic
checkpoint does that inside whichever commit takes the WAL past 1000 pages,
so every few dozen saves one save paid a few milliseconds more (the intake's
mean, ``bench/intake_bench.py``). Here a thread of the store, with its own
connection, checkpoints once writes pause for a moment, or after a run of
commits without a pause, so a save rarely finds the WAL full.

Nothing about durability changes: commits are durable in the WAL
(``synchronous=FULL``) before any checkpoint, a checkpoint is crash-safe at
any point (it only copies committed pages; the WAL stays valid until a later
writer restarts it), and SQLite's automatic checkpoint stays in place as the
bound if this thread falls behind. A ``PASSIVE`` checkpoint never waits for
readers or writers, so it never holds up a save.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

#: Commits in a row after which the thread checkpoints even without a pause
#: (a save dirties ~25 pages: well before SQLite's own 1000-page checkpoint).
CHECKPOINT_COMMITS = 20
#: Seconds without a commit after which the thread checkpoints what is in the WAL.
QUIET_SECONDS = 0.2


class Checkpointer:
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` on its own thread after commits.

    ``on_commit`` listens to the engine's commits (cheap: a counter and an
    event). ``stop()`` waits for a checkpoint in progress.
    """

    def __init__(self, path: Path, *, every: int = CHECKPOINT_COMMITS, quiet: float = QUIET_SECONDS) -> None:
        self.path = path
        self.every = every
        self.quiet = quiet
        self.checkpoints = 0
        self._commits = 0
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="store-checkpoint", daemon=True)
        self._thread.start()

    def on_commit(self, _connection: object) -> None:
        """The engine's ``commit`` listener: pages wait in the WAL."""
        self._commits += 1
        self._wake.set()

    def is_alive(self) -> bool:
        """Whether the thread still runs (until ``stop``)."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop the thread (after a checkpoint in progress, if any)."""
        self._stopping = True
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            # Let the writes pause (or a run of them reach ``every``), then checkpoint.
            while not self._stopping and self._commits < self.every:
                self._wake.clear()
                if not self._wake.wait(self.quiet):
                    break
            if self._stopping:
                return
            self._wake.clear()
            self._commits = 0
            self._checkpoint()

    def _checkpoint(self) -> None:
        try:
            # mode=rw: a store file that vanished is not created again here
            uri = f"{self.path.absolute().as_uri()}?mode=rw"
            db = sqlite3.connect(uri, uri=True, isolation_level=None)
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            finally:
                db.close()
            self.checkpoints += 1
        except sqlite3.Error as exc:  # the file went away (restore, stick pulled): the saves say so
            log.warning("background checkpoint failed: %s", exc)
