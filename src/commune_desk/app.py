"""Composition root: paths → store (migrated) → device identity → services.

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
from commune_desk.store import Store, open_store
from commune_desk.store.blobs import BlobStore
from commune_desk.store.models import WorkCalendarRow
from commune_desk.store.settings import ensure_device_id

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    """Everything one running installation needs, built once and passed explicitly."""

    paths: AppPaths
    store: Store
    blobs: BlobStore
    device_id: str
    services: Services

    @classmethod
    def open(
        cls,
        paths: AppPaths,
        *,
        clock: Callable[[], datetime] = utc_now,
        catalogue_path: Path | None = None,
        load_catalogue: bool = True,
    ) -> AppContext:
        """Create folders, open and migrate the store, ensure a device id and the catalogue.

        The bundled catalogue is installed when the store has none or an older
        version; a newer one already in the store (from a USB update) is kept.
        """
        paths.ensure()
        store = open_store(paths.db_path)
        try:
            device_id = _ensure_device_id(store)
            blobs = BlobStore(paths.blobs_dir)
            services = Services(store, blobs, device_id=device_id, clock=clock)
            if load_catalogue:
                _install_bundled_catalogue(services, catalogue_path)
                _install_bundled_calendar(services)
        except BaseException:
            store.close()
            raise
        return cls(paths=paths, store=store, blobs=blobs, device_id=device_id, services=services)

    def close(self) -> None:
        """Release the store's connections."""
        self.store.close()

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


def _ensure_device_id(store: Store) -> str:
    """The installation's device UUID, generated on first open and kept in the store."""
    with store.write.begin() as session:
        return ensure_device_id(session)
