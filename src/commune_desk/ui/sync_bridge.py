"""Connects the sync engine (plain Python, its own thread) to the Qt side.

The engine calls its listeners from the syncing thread; the bridge re-emits
each status snapshot as a Qt signal, which Qt queues to the GUI thread. The
background worker is started only once this PC has logged in to a server
(otherwise the engine only reports local counts, honestly).

A round whose pull applied records ends with ``records_pulled``, which the
application turns into one "store changed" broadcast, so every list shows
what the other PCs did without the clerk pressing anything.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from commune_desk.ui.qt_compat import emit

log = logging.getLogger(__name__)


#: Status snapshots are delivered to the GUI at most this often: a round reports progress
#: for every batch and chunk, and repainting the status bar for each would stall the GUI.
DELIVERY_INTERVAL_MS = 100


class SyncBridge(QObject):
    """Owns the sync engine and worker of the running app.

    Signals:
        status_changed(object): the latest ``SyncStatus`` snapshot (GUI thread; coalesced,
            at most one per ``DELIVERY_INTERVAL_MS``).
        records_pulled(object): a round has ended after its pull applied records; carries
            a ``Changes`` naming every synced entity (GUI thread, once per such round).
        _wake(): internal; a snapshot is waiting (emitted from the syncing thread).
    """

    status_changed = Signal(object)
    records_pulled = Signal(object)
    _wake = Signal()

    def __init__(self, engine: Any, worker: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.worker = worker
        self.configured = worker is not None
        self._lock = threading.Lock()
        self._latest: Any = None
        self._pending = False
        self._pulled = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELIVERY_INTERVAL_MS)
        self._timer.timeout.connect(self._deliver)
        self._wake.connect(self._timer.start, Qt.ConnectionType.QueuedConnection)
        engine.add_listener(self._on_status)

    @staticmethod
    def build_engine(app_context: Any) -> tuple[Any, Any] | None:
        """(engine, worker or None) for the open store; call on the store thread (it reads)."""
        try:
            from commune_desk.sync.account import load_account
            from commune_desk.sync.engine import SyncEngine
            from commune_desk.sync.worker import SyncWorker
        except ImportError:  # pragma: no cover - sync package incomplete
            log.warning("sync engine not available")
            return None
        engine = SyncEngine(app_context.store, app_context.blobs)
        worker = SyncWorker(engine) if load_account(app_context.store) is not None else None
        return engine, worker

    def view(self, status: Any = None) -> Any:
        """The status bar/page view of ``status`` (default: the latest snapshot)."""
        from commune_desk.ui.sync_status import view_from_sync_status

        return view_from_sync_status(status or self.status, configured=self.configured)

    @property
    def status(self) -> Any:
        """The engine's latest snapshot."""
        return self.engine.status

    def refresh_counts(self) -> None:
        """Re-read pending/quarantined/conflict counts (store thread)."""
        self.engine.refresh_counts()

    def start(self) -> None:
        """Start background rounds when a server account exists."""
        if self.worker is not None:
            self.worker.start()

    def sync_now(self) -> Any:
        """Run a round now (network thread) or wake the worker; returns the round result."""
        if self.worker is not None and self.worker.running:
            self.worker.trigger()
            return None
        return self.engine.sync_once()

    def stop(self) -> None:
        """Stop the worker thread (each request has its own timeout)."""
        if self.worker is not None and not self.worker.stop(timeout=10.0):
            log.warning("sync worker did not stop within 10 s")

    def _on_status(self, status: Any) -> None:
        """Syncing thread: keep the snapshot; wake the GUI once per burst."""
        if not shiboken6.isValid(self):  # the app has closed; the engine may still report
            return
        with self._lock:
            self._latest = status
            progress = getattr(status, "progress", None)
            if getattr(progress, "step", "") == "pull" and getattr(progress, "done", 0) > 0:
                self._pulled = True  # noted here: coalescing may skip this very snapshot
            if self._pending:
                return
            self._pending = True
        emit(self._wake)

    def _deliver(self) -> None:
        """GUI thread: hand on the newest snapshot; announce records a finished round pulled."""
        with self._lock:
            status, self._latest, self._pending = self._latest, None, False
            round_over = status is not None and str(getattr(status, "phase", "")) != "syncing"
            pulled, self._pulled = (self._pulled, False) if round_over else (False, self._pulled)
        if status is not None:
            emit(self.status_changed, status)
        if pulled:
            emit(self.records_pulled, pulled_changes())


def pulled_changes() -> Any:
    """What a pull may have changed: any record of every synced entity (ids unknown)."""
    from commune_desk.protocol import Entity
    from commune_desk.services.values import Changes

    return Changes.anything_of(*(entity.value for entity in Entity))
