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

#: Commits since the last checkpoint after which the thread checkpoints even
#: without a pause (a save dirties ~25 pages: well before SQLite's own 1000).
CHECKPOINT_COMMITS = 20
#: How often (seconds) the thread looks at the commit count; a look that finds
#: no new commit since the previous one is a pause.
POLL_SECONDS = 0.05


class Checkpointer:
    """Runs ``PRAGMA wal_checkpoint(PASSIVE)`` on its own thread after commits.

    ``on_commit`` listens to the engine's commits and only counts them: waking
    a thread on every commit cost the saving thread more than the checkpoint
    it moved (the woken thread takes the GIL). The thread looks at the count
    every ``poll`` seconds instead. ``stop()`` waits for a checkpoint in progress.
    """

    def __init__(self, path: Path, *, every: int = CHECKPOINT_COMMITS, poll: float = POLL_SECONDS) -> None:
        self.path = path
        self.every = every
        self.poll = poll
        self.checkpoints = 0
        self._commits = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="store-checkpoint", daemon=True)
        self._thread.start()

    def on_commit(self, _connection: object) -> None:
        """The engine's ``commit`` listener: pages wait in the WAL."""
        self._commits += 1

    def is_alive(self) -> bool:
        """Whether the thread still runs (until ``stop``)."""
        return self._thread.is_alive()

    def stop(self) -> None:
        """Stop the thread (after a checkpoint in progress, if any)."""
        self._stopping.set()
        self._thread.join()

    def _run(self) -> None:
        checkpointed = seen = 0
        while not self._stopping.wait(self.poll):
            commits = self._commits
            if commits != checkpointed and (commits == seen or commits - checkpointed >= self.every):
                checkpointed = commits  # a pause after commits, or a long run of them
                self._checkpoint()
            seen = commits

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
