"""Where CommuneDesk keeps its files.

Every location comes from platformdirs and can be overridden by an
environment variable, so IT staff can run a portable copy from a folder and
tests can point everything at a temporary directory.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "CommuneDesk"

#: Environment variable that moves the whole data folder (portable mode, tests).
DATA_DIR_ENV = "COMMUNE_DESK_DATA_DIR"
#: Environment variable that moves only the backup folder (e.g. to a second disk).
BACKUP_DIR_ENV = "COMMUNE_DESK_BACKUP_DIR"
#: Environment variable that moves the per-user state folder (the list of known data folders).
STATE_DIR_ENV = "COMMUNE_DESK_STATE_DIR"
#: Environment variable naming the bundled ``resources/`` folder (procedures, translations,
#: update root); moves all resources at once (bundles, tests).
RESOURCES_ENV = "COMMUNE_DESK_RESOURCES_DIR"


def resources_dir() -> Path:
    """The ``resources/`` folder: environment override, PyInstaller bundle, or the source tree."""
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


@dataclass(frozen=True)
class AppPaths:
    """The folders and files of one CommuneDesk installation's data."""

    data_dir: Path
    backup_dir: Path
    #: Per-user folder outside the data folder (None: platformdirs, or $COMMUNE_DESK_STATE_DIR).
    state_dir: Path | None = None

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> AppPaths:
        """Pick the data folder: explicit argument, then environment, then platformdirs."""
        chosen = data_dir or os.environ.get(DATA_DIR_ENV)
        base = (
            Path(chosen)
            if chosen
            else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))
        )
        backups = os.environ.get(BACKUP_DIR_ENV)
        return cls(data_dir=base, backup_dir=Path(backups) if backups else base / "backups")

    @property
    def db_path(self) -> Path:
        """The SQLite store the clerk writes to."""
        return self.data_dir / "commune-desk.sqlite3"

    @property
    def blobs_dir(self) -> Path:
        """Content-addressed attachment files (``ab/cdef...`` by SHA-256)."""
        return self.data_dir / "blobs"

    @property
    def logs_dir(self) -> Path:
        """Rotating log files."""
        return self.data_dir / "logs"

    @property
    def settings_path(self) -> Path:
        """Per-installation settings (office identity, server address, language)."""
        return self.data_dir / "settings.json"

    @property
    def registry_path(self) -> Path:
        """The per-user list of data folders that held a store (outside every data folder,
        so a folder on a pulled USB stick is still known)."""
        base = self.state_dir
        if base is None:
            chosen = os.environ.get(STATE_DIR_ENV)
            base = (
                Path(chosen)
                if chosen
                else Path(platformdirs.user_state_dir(APP_NAME, appauthor=False, roaming=False))
            )
        return base / "known-data-folders.json"

    @property
    def staging_dir(self) -> Path:
        """Verified updates waiting to be applied."""
        return self.data_dir / "updates"

    def ensure(self) -> AppPaths:
        """Create the folders if they do not exist yet; return self."""
        for folder in (self.data_dir, self.blobs_dir, self.logs_dir, self.backup_dir):
            folder.mkdir(parents=True, exist_ok=True)
        return self
