"""Background worker: runs sync rounds on its own thread, never blocking the caller.

- After a successful round it waits ``interval`` seconds (or until
  :meth:`SyncWorker.trigger`, e.g. after the clerk saved something).
- After a retryable failure (offline, server busy) it waits a backoff delay
  with jitter, growing to a cap; :attr:`SyncStatus.next_retry_in` shows it.
- After a failure a person must fix (revoked device, session expired, keyring,
  protocol) it stops retrying until :meth:`SyncWorker.trigger` — no retry loop.

``start``, ``trigger`` and ``stop`` return at once (``stop`` waits at most its
timeout; every request has its own timeout, so the thread ends soon after).
"""

from __future__ import annotations

import logging
import threading

from commune_desk.sync.backoff import Backoff
from commune_desk.sync.engine import RoundResult, SyncEngine
from commune_desk.sync.errors import RETRY_LATER_KINDS
from commune_desk.sync.status import SyncStatus

log = logging.getLogger(__name__)


class SyncWorker:
    """Owns the sync thread of one engine."""

    def __init__(self, engine: SyncEngine, *, interval: float = 60.0, backoff: Backoff | None = None) -> None:
        self.engine = engine
        self.interval = interval
        self.backoff = backoff or Backoff()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0
        self.last_result: RoundResult | None = None

    @property
    def status(self) -> SyncStatus:
        """The engine's latest status snapshot."""
        return self.engine.status

    @property
    def running(self) -> bool:
        """Whether the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (a first round runs at once)."""
        if self.running:
            return
        self._stop.clear()
        self._wake.set()
        self._thread = threading.Thread(target=self._loop, name="sync-worker", daemon=True)
        self._thread.start()

    def trigger(self) -> None:
        """Run a round as soon as possible (also leaves the "stopped on error" state)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> bool:
        """Ask the thread to end; True when it ended within ``timeout``."""
        self._stop.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            if self._stop.is_set():
                return
            self._wake.clear()
            result = self.engine.sync_once()
            self.rounds += 1
            self.last_result = result
            delay = self._delay_after(result)
            if delay is None:
                continue  # wait for trigger()
            self.engine.note_next_retry(delay if not result.ok else None)
            self._wake.wait(delay)
            self._wake.set()

    def _delay_after(self, result: RoundResult) -> float | None:
        """Seconds until the next round, or None to wait for a person."""
        if result.ok:
            self.backoff.reset()
            return self.interval
        if result.error_kind == "busy":
            return self.interval
        if result.error_kind in RETRY_LATER_KINDS:
            return self.backoff.next_delay()
        log.warning("sync stopped until a person acts: %s", result.error_kind)
        return None
