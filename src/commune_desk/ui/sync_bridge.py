"""Connects the sync engine (plain Python, its own thread) to the Qt side.

The engine calls its listeners from the syncing thread; the bridge re-emits
each status snapshot as a Qt signal, which Qt queues to the GUI thread. The
background worker is started only once this PC has logged in to a server
(otherwise the engine only reports local counts, honestly).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from commune_desk.ui.qt_compat import emit

log = logging.getLogger(__name__)


class SyncBridge(QObject):
    """Owns the sync engine and worker of the running app.

    Signals:
        status_changed(object): a new ``SyncStatus`` snapshot (delivered on the GUI thread).
    """

    status_changed = Signal(object)

    def __init__(self, engine: Any, worker: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.worker = worker
        self.configured = worker is not None
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
        emit(self.status_changed, status)
