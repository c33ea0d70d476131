"""Background work for the desktop app, after Anki's ``aqt/taskman.py``.

Two single-thread executors: ``store`` runs every service call (SQLite
writes go through one thread), ``network`` runs sync rounds and anything else
that talks to the server. Results hop back to the GUI thread through a queued
Qt signal, so callbacks always run where widgets may be touched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from commune_desk.ui.qt_compat import emit

log = logging.getLogger(__name__)

#: Thread-name prefixes, so tests can check that every worker has stopped.
STORE_THREAD = "cd-store"
NETWORK_THREAD = "cd-network"

DoneCallback = Callable[[Any, BaseException | None], None]


class TaskManager(QObject):
    """Runs callables on the store or network worker and reports back on the GUI thread.

    Signals:
        _delivered(object): internal; carries ``(callback, result, error)`` from a
            worker to the GUI thread (queued connection).
        busy_changed(bool): True while at least one task is queued or running.
    """

    _delivered = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = ThreadPoolExecutor(max_workers=1, thread_name_prefix=STORE_THREAD)
        self._network = ThreadPoolExecutor(max_workers=1, thread_name_prefix=NETWORK_THREAD)
        self._pending = 0
        self._lock = threading.Lock()
        self._closed = False
        # Emitted only on the worker threads, so the automatic connection is a queued one:
        # the callback runs on the GUI thread, where this object lives. (Naming
        # ``Qt.ConnectionType`` here would build all of Qt's enum types before the first paint.)
        self._delivered.connect(self._on_delivered)

    # -- public -----------------------------------------------------------------

    def run_on_store(self, task: Callable[[], Any], on_done: DoneCallback) -> None:
        """Run ``task`` on the single store thread; ``on_done(result, error)`` on the GUI thread."""
        self._submit(self._store, task, on_done)

    def run_on_network(self, task: Callable[[], Any], on_done: DoneCallback) -> None:
        """Run ``task`` on the network thread; ``on_done(result, error)`` on the GUI thread."""
        self._submit(self._network, task, on_done)

    @property
    def busy(self) -> bool:
        """Whether a task is queued or running."""
        return self._pending > 0

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop accepting work and join both workers (queued tasks not yet started are dropped)."""
        if self._closed:
            return
        self._closed = True
        self._store.shutdown(wait=wait, cancel_futures=True)
        self._network.shutdown(wait=wait, cancel_futures=True)

    # -- internals --------------------------------------------------------------

    def _submit(self, pool: ThreadPoolExecutor, task: Callable[[], Any], on_done: DoneCallback) -> None:
        if self._closed:
            log.debug("task dropped after shutdown: %r", task)
            return
        with self._lock:
            self._pending += 1
            first = self._pending == 1
        if first:
            emit(self.busy_changed, True)

        def _wrapped() -> None:
            try:
                result, error = task(), None
            except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
                result, error = None, exc
            emit(self._delivered, (on_done, result, error))

        future: Future[None] = pool.submit(_wrapped)
        del future

    @Slot(object)
    def _on_delivered(self, payload: tuple[DoneCallback, Any, BaseException | None]) -> None:
        on_done, result, error = payload
        with self._lock:
            self._pending -= 1
            idle = self._pending == 0
        try:
            on_done(result, error)
        finally:
            if idle:
                emit(self.busy_changed, False)
