"""Composition root: paths → data-folder checks and lock → store (migrated) → device identity (checked)
→ services.

``AppContext.open(paths)`` is what the GUI, the CLI and the tests start from.
There are no module-level singletons; close the context when done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from commune_desk.domain.errors import DomainError
from commune_desk.paths import AppPaths
from commune_desk.services import Services, load_catalogue_file
from commune_desk.services.base import CALENDAR_ID, utc_now
from commune_desk.services.data_folder import open_checked
from commune_desk.services.restore import restore_backup
from commune_desk.store.blobs import BlobStore
from commune_desk.store.lock import APP, StoreLock
from commune_desk.store.models import WorkCalendarRow
from commune_desk.store.opening import Store
from commune_desk.sync.installation import IdentityCheck, IdentityEvent, check_installation

log = logging.getLogger(__name__)

#: Purpose of the desktop app's store lock (held all day; commands never wait for it).
APP_LOCK = APP


@dataclass
class AppContext:
    """Everything one running installation needs, built once and passed explicitly."""

    paths: AppPaths
    store: Store
    blobs: BlobStore
    device_id: str
    services: Services
    #: What opening found out about the installation (moved or cloned folder, restored store).
    identity: IdentityCheck | None = None
    #: The store lock this context holds (None for read-only use), released by ``close``.
    lock: StoreLock | None = None

    @classmethod
    def open(
        cls,
        paths: AppPaths,
        *,
        clock: Callable[[], datetime] = utc_now,
        catalogue_path: Path | None = None,
        load_catalogue: bool = True,
        lock: str | StoreLock | None = None,
    ) -> AppContext:
        """Check the data folder, open and migrate the store, check its device identity, the catalogue.

        ``lock``: a purpose (``"app"``, ``"intake"``...) to take the store lock for
        as long as the context is open, or a lock the caller already holds (it is
        released by ``close`` too). A folder that held a store whose file is gone,
        empty or unreadable raises ``StoreError`` instead of starting over (see
        ``services/data_folder.py``). The identity is checked before anything can
        be numbered: a data folder copied to another PC (or moved) becomes a new
        device, a store restored from a backup continues its counters above what
        it had sent (see ``sync.installation``). The bundled catalogue is
        installed when the store has none or an older version; a newer one
        already in the store (from a USB update) is kept.
        """
        store, held = open_checked(paths, lock=lock)
        try:
            identity = check_installation(store, paths.data_dir)
            if identity.event is not IdentityEvent.SAME:
                log.warning("installation check: %s", identity)
            device_id = identity.device_id
            blobs = BlobStore(paths.blobs_dir)
            services = Services(store, blobs, device_id=device_id, clock=clock)
            if load_catalogue:
                _install_bundled_catalogue(services, catalogue_path)
                _install_bundled_calendar(services)
        except BaseException:
            store.close()
            if held is not None:
                held.release()
            raise
        return cls(
            paths=paths,
            store=store,
            blobs=blobs,
            device_id=device_id,
            services=services,
            identity=identity,
            lock=held,
        )

    @classmethod
    def restore_then_open(cls, paths: AppPaths, archive: Path, *, lock: str = APP_LOCK) -> AppContext:
        """Take the store lock for ``lock``'s purpose, restore ``archive`` (see
        ``services/restore.py``), then open the restored store holding that same lock."""
        paths.data_dir.mkdir(parents=True, exist_ok=True)
        held = StoreLock.acquire(paths.data_dir, purpose=lock)
        try:
            restore_backup(paths, archive, lock=held)
            return cls.open(paths, lock=held)
        except BaseException:
            held.release()
            raise

    def close(self) -> None:
        """Release the store's connections, then its lock."""
        try:
            self.store.close()
        finally:
            if self.lock is not None:
                self.lock.release()

    def __enter__(self) -> AppContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _install_bundled_catalogue(services: Services, path: Path | None) -> None:
    """Install the bundled catalogue when it is newer than the store's (or the store has none).

    A missing or unreadable bundled file is fatal only for a store without any
    catalogue; otherwise the store's own (possibly newer, from a USB update) is kept.
    """
    installed = services.catalogue_version()
    try:
        catalogue = load_catalogue_file(path)
    except DomainError:
        if installed is None:
            raise
        log.warning("bundled procedure catalogue unreadable; keeping version %s", installed)
        return
    if installed is None or installed < catalogue.version:
        services.replace_catalogue(catalogue, actor="system")
        log.info("procedure catalogue version %s installed", catalogue.version)


def _install_bundled_calendar(services: Services) -> None:
    """Write the bundled base calendar when the store has none or an older one.

    Appointment dates come from the store's calendar only, never from a
    library on the PC. An unreadable bundled file is fatal only for a store
    without a calendar.
    """
    try:
        outcome = services.install_base_calendar()
    except DomainError:
        with services.store.read() as session:
            if session.get(WorkCalendarRow, CALENDAR_ID) is None:
                raise
        log.warning("bundled calendar unreadable; keeping the store's")
        return
    if outcome.changes:
        log.info("working calendar base version %s installed", outcome.value)
