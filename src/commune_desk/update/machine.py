"""Per-machine update state: staged installers, their install records, the trusted metadata.

A clerk is not an administrator, yet the MSI installs per machine. So the work is split:

* the clerk's app (or ``commune-desk update``) verifies a stick and *stages* the MSI in
  the per-machine folder, laid out as a small update folder (the stick's metadata plus
  the one MSI target), so it can be verified again later;
* the elevated scheduled task the MSI registers (``CommuneDesk\\Cập nhật``, running
  ``CommuneDesk.exe install-staged`` as SYSTEM at start-up and on request) verifies each
  staged MSI again from the root shipped in Program Files, copies it to a private folder,
  hands it to Windows Installer once, and records that;
* whoever looks next (the task, the app, ``commune-desk update``) *reconciles*: a staged
  version that is now installed is recorded and its files deleted; a failed hand-over is
  recorded with Windows Installer's exit code and never retried on its own.

Layout of the machine folder (``%ProgramData%\\CommuneDesk`` on Windows)::

    updates/<version>/metadata/*.json        the stick's TUF metadata
    updates/<version>/targets/msi/<file>     the verified MSI
    update-state/tuf/                        trusted TUF metadata of this PC (rollback guard)
    update-state/installs.json               one record per staged version (see InstallRecord)
    update-state/logs/                       Windows Installer logs, one per hand-over

Nothing here needs Windows; :class:`Installer` is how an MSI is handed over
(:class:`MsiexecInstaller` on Windows).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from commune_desk.paths import APP_NAME, DATA_DIR_ENV, AppPaths

log = logging.getLogger(__name__)

#: Moves the machine folder (tests, portable copies).
MACHINE_DIR_ENV = "COMMUNE_DESK_MACHINE_DIR"
#: Windows Installer exit codes that mean the product is installed.
MSI_SUCCESS = (0, 1641, 3010)
_VERSION_DIR = re.compile(r"^\d+(\.\d+){0,3}$")


def machine_dir(paths: AppPaths) -> Path:
    """The per-machine folder: ``$COMMUNE_DESK_MACHINE_DIR``, or beside a portable data
    folder, or ``%ProgramData%\\CommuneDesk`` on Windows, or ``<data>/machine`` elsewhere."""
    chosen = os.environ.get(MACHINE_DIR_ENV)
    if chosen:
        return Path(chosen)
    if sys.platform == "win32" and not os.environ.get(DATA_DIR_ENV):
        import platformdirs

        return Path(platformdirs.site_data_dir(APP_NAME, appauthor=False))
    return paths.data_dir / "machine"


def version_tuple(version: str) -> tuple[int, ...]:
    """``"0.12.3"`` -> ``(0, 12, 3)``; non-numeric parts count as 0."""
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class InstallRecord:
    """What happened to one staged version.

    ``state``: ``handed-over`` (Windows Installer started, outcome not known yet),
    ``installed`` (this PC now runs that version or newer; files deleted),
    ``failed`` (Windows Installer said no; ``exit_code`` tells why).
    """

    version: str
    sha256: str
    state: str
    at: str
    log: str = ""
    exit_code: int | None = None


class Installer(Protocol):
    """Hands a verified MSI to Windows Installer."""

    def hand_over(self, msi: Path, log_file: Path) -> int | None:
        """Start the install; return its exit code if it finished, ``None`` if it runs on."""
        ...


class MachineUpdates:
    """The per-machine folder of one PC: staging, records, reconciliation."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def for_paths(cls, paths: AppPaths) -> MachineUpdates:
        """The machine folder of this installation (see :func:`machine_dir`)."""
        return cls(machine_dir(paths))

    # -- folders ----------------------------------------------------------------------------

    @property
    def staging_dir(self) -> Path:
        """Staged updates, one folder per version."""
        return self.root / "updates"

    @property
    def state_dir(self) -> Path:
        """Trusted metadata, install records and installer logs."""
        return self.root / "update-state"

    @property
    def records_file(self) -> Path:
        """One JSON object: version -> :class:`InstallRecord`."""
        return self.state_dir / "installs.json"

    def staged_folder(self, version: str) -> Path:
        """Where ``version`` is (or would be) staged."""
        return self.staging_dir / version

    # -- records ----------------------------------------------------------------------------

    def records(self) -> dict[str, InstallRecord]:
        """Every install record (an unreadable file counts as none: the task rebuilds it)."""
        try:
            raw = json.loads(self.records_file.read_text("utf-8"))
            return {v: InstallRecord(**r) for v, r in raw.items()}
        except (OSError, ValueError, TypeError):
            return {}

    def record(self, version: str) -> InstallRecord | None:
        """The record of ``version``, if any."""
        return self.records().get(version)

    def save_record(self, record: InstallRecord) -> None:
        """Write one record (atomic replace of the whole file)."""
        records = self.records()
        records[record.version] = record
        self.state_dir.mkdir(parents=True, exist_ok=True)
        partial = self.records_file.with_name(self.records_file.name + ".partial")
        partial.write_text(json.dumps({v: asdict(r) for v, r in records.items()}, indent=1), "utf-8")
        os.replace(partial, self.records_file)

    # -- staging (the clerk's side) ---------------------------------------------------------

    def staged_msi(self, version: str) -> Path | None:
        """The staged MSI of ``version``, if a complete staging is there."""
        folder = self.staged_folder(version) / "targets" / "msi"
        try:
            files = [p for p in folder.iterdir() if p.suffix.lower() == ".msi"]
        except OSError:
            return None
        return files[0] if len(files) == 1 else None

    def staged_versions(self) -> list[str]:
        """Versions with a staging folder, newest first."""
        try:
            names = [p.name for p in self.staging_dir.iterdir() if p.is_dir()]
        except OSError:
            return []
        return sorted((n for n in names if _VERSION_DIR.match(n)), key=version_tuple, reverse=True)

    def stage(self, *, version: str, target_path: str, msi: Path, metadata: Path) -> tuple[Path, bool]:
        """Stage a verified MSI with the metadata that verified it; False if already staged.

        Written to ``<version>.partial`` and renamed, so a staging cut short by a power
        failure is never taken for a complete one.
        """
        final = self.staged_folder(version)
        existing = self.staged_msi(version)
        if existing is not None and sha256_of(existing) == sha256_of(msi):
            return existing, False
        partial = self.staging_dir / f"{version}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        (partial / "metadata").mkdir(parents=True)
        for source in sorted(metadata.glob("*.json")):
            shutil.copyfile(source, partial / "metadata" / source.name)
        destination = partial / "targets" / target_path
        destination.parent.mkdir(parents=True)
        shutil.copyfile(msi, destination)
        shutil.rmtree(final, ignore_errors=True)
        partial.rename(final)
        return final / "targets" / target_path, True

    def remove_staged(self, version: str) -> bool:
        """Delete a staged version (True when nothing of it is left)."""
        shutil.rmtree(self.staged_folder(version), ignore_errors=True)
        shutil.rmtree(self.staging_dir / f"{version}.partial", ignore_errors=True)
        return not self.staged_folder(version).exists()

    # -- reconciling (anyone) ---------------------------------------------------------------

    def reconcile(self, installed_version: str) -> list[InstallRecord]:
        """Record what the running version proves, and clean up; return changed records.

        A staged version at or below the running one is installed (or obsolete): its
        record becomes ``installed`` and its files go. A hand-over whose installer log
        says it failed becomes ``failed``.
        """
        changed: list[InstallRecord] = []
        for version in self.staged_versions():
            if version_tuple(version) > version_tuple(installed_version):
                continue
            record = self.record(version)
            if record is not None and record.state != "installed":
                record.state, record.at = "installed", _now()
                self.save_record(record)
                changed.append(record)
            if self.remove_staged(version):
                log.info("staged update %s removed: this PC runs %s", version, installed_version)
        for record in self.records().values():
            if record.state != "handed-over":
                continue
            if version_tuple(record.version) <= version_tuple(installed_version):
                record.state, record.at = "installed", _now()
            else:
                code = installer_log_exit_code(Path(record.log)) if record.log else None
                if code is None or code in MSI_SUCCESS:
                    continue  # still running, or done and waiting for the restart
                record.state, record.exit_code, record.at = "failed", code, _now()
                log.error(
                    "installing %s failed: Windows Installer exit code %s (log %s)",
                    record.version,
                    code,
                    record.log,
                )
            self.save_record(record)
            changed.append(record)
        return changed


_MSI_RETURN = re.compile(
    r"(?:Installation|Configuration) (?:success or error status|completed"
    r" with status): (\d+)",
    re.IGNORECASE,
)
_MSI_MAIN_ENGINE = re.compile(r"MainEngineThread is returning (\d+)")


def installer_log_exit_code(log_file: Path) -> int | None:
    """Windows Installer's final status from its verbose log, or ``None`` while unfinished."""
    try:
        raw = log_file.read_bytes()
    except OSError:
        return None
    text = raw.decode("utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else raw.decode("utf-8", "replace")
    for pattern in (_MSI_RETURN, _MSI_MAIN_ENGINE):
        found = pattern.findall(text)
        if found:
            return int(found[-1])
    return None
