"""Fixtures for the delivery tests: a real TUF release repository, a real store, sticks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.delivery.support import Office, StickMaker

from commune_desk.app import AppContext
from commune_desk.paths import AppPaths
from commune_desk.update.machine import MachineUpdates
from commune_desk.update.reference_data import ServicesReferenceData
from commune_desk.update.repository import ReleaseRepository
from commune_desk.update.stick import StickUpdater


@pytest.fixture()
def release(tmp_path: Path) -> ReleaseRepository:
    """A fresh release repository with its own keys (2-of-3 root)."""
    return ReleaseRepository.init(tmp_path / "release")


@pytest.fixture()
def office(tmp_path: Path, release: ReleaseRepository) -> Iterator[Office]:
    """An office PC trusting ``release``'s root: the real composition root, shipped catalogue."""
    root = tmp_path / "office"
    context = AppContext.open(AppPaths(data_dir=root, backup_dir=root / "backups"))
    updater = StickUpdater(
        machine=MachineUpdates(root / "machine"),
        trusted_root=(release.folder / "metadata" / "1.root.json").read_bytes(),
        reference_data=ServicesReferenceData(context.services),
        app_version="0.1.0",
    )
    yield Office(root=root, services=context.services, updater=updater)
    context.close()


@pytest.fixture()
def sticks(tmp_path: Path, release: ReleaseRepository) -> StickMaker:
    """Stick factory over the test's release repository."""
    return StickMaker(tmp_path, release)
