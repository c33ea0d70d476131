"""Where CommuneDesk keeps its files.

Every location comes from platformdirs and can be overridden by an
environment variable, so IT staff can run a portable copy from a folder and
tests can point everything at a temporary directory.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
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

#: On POSIX the data folder and everything in it belong to the PC's user alone.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_POSIX = sys.platform != "win32"


@contextlib.contextmanager
def private_files() -> Iterator[None]:
    """Create every file and folder of the block readable by this user only (umask 077).

    The CLI and the desktop app run inside it, so the store, its WAL, backups,
    logs, settings and attachments are never created readable by others, even
    for an instant. (Windows keeps per-user ACLs on the data folder instead.)
    """
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def _tighten(path: Path, mode: int) -> None:
    """Drop group and other permissions of ``path`` (never following a symlink)."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) & 0o077 == 0:
        return
    with contextlib.suppress(PermissionError):  # not ours (a shared mount): leave it be
        path.chmod(mode)


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
        """Where earlier versions staged MSIs per user (updates now stage per machine:
        ``commune_desk.update.machine``); emptied of installed versions."""
        return self.data_dir / "updates"

    def ensure(self) -> AppPaths:
        """Create the folders if they do not exist yet, private to this user; return self."""
        for folder in (self.data_dir, self.blobs_dir, self.logs_dir, self.backup_dir):
            folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        self.secure()
        return self

    def secure(self) -> None:
        """On POSIX: folders 0700, files 0600 (store, WAL, backups, logs, settings, secrets).

        Also tightens a data folder made by an older version. The store file is
        created empty with mode 0600 when missing, so SQLite (which gives its
        WAL and shared-memory files the store's mode) never makes them wider.
        Attachment files are not walked: their folder is private already.
        """
        if not _POSIX:
            return
        if not self.db_path.exists():
            os.close(os.open(self.db_path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
        for folder in (self.data_dir, self.blobs_dir, self.logs_dir, self.backup_dir, self.staging_dir):
            _tighten(folder, PRIVATE_DIR_MODE)
            if folder != self.blobs_dir and folder.is_dir():
                for entry in folder.iterdir():
                    _tighten(entry, PRIVATE_DIR_MODE if entry.is_dir() else PRIVATE_FILE_MODE)
