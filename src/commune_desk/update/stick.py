"""Verify an update stick with TUF, then apply it; refuse anything doubtful.

The order matters and is the point of this module:

1. The trusted TUF metadata of this installation is copied to a scratch folder
   and python-tuf's ``ngclient`` refreshes that copy from the stick (through
   :class:`~commune_desk.update.fetcher.FolderFetcher`), starting from the root
   shipped with the app. Signatures, thresholds, versions (no replay of an older
   stick), expiry and every target's length and SHA-256 are checked here.
2. Every target is checked for a safe relative path and downloaded into the
   scratch folder, where its hashes are verified again.
3. Only when all of that passed: the reference-data package is replaced in one
   store transaction, the MSI is staged (and on Windows handed to msiexec).
4. Only when that succeeded, the scratch metadata replaces the trusted copy, so
   the next stick must be at least as new as this one.

A refusal at any step leaves the store, the staged installers and the trusted
metadata exactly as they were.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tuf.api import exceptions
from tuf.api.metadata import Metadata, Targets
from tuf.ngclient import Updater, UpdaterConfig

from commune_desk import __version__
from commune_desk.paths import AppPaths
from commune_desk.update import trust
from commune_desk.update.fetcher import (
    METADATA_URL,
    TARGETS_URL,
    FolderFetcher,
    UnsafePathError,
    is_safe_relative_path,
)
from commune_desk.update.outcome import AppliedItem, UpdateKind, UpdateResult
from commune_desk.update.package import (
    PackageError,
    ReferenceDataSink,
    parse_package,
)

log = logging.getLogger(__name__)

#: Folder on the stick written by ``commune-desk-release write-stick``.
UPDATE_FOLDER = "CommuneDesk-update"
#: Target kinds this app knows; others are ignored (a newer release tool may add some).
KIND_MSI = "msi"
KIND_REFERENCE_DATA = "reference-data"
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
#: Largest target accepted; a stick claiming more is not ours.
MAX_TARGET_BYTES = 2 * 1024**3


@dataclass(frozen=True)
class VerifiedTarget:
    """A target whose signature chain, length and hashes were checked."""

    path: str
    kind: str
    version: str
    local_file: Path


class _Refused(Exception):
    """Internal: stop with this result."""

    def __init__(self, result: UpdateResult) -> None:
        super().__init__(result.detail)
        self.result = result


def find_update_folder(stick: Path) -> Path | None:
    """The update folder on ``stick`` (the stick root or the folder itself), if any."""
    for candidate in (stick / UPDATE_FOLDER, stick):
        if (candidate / "metadata" / "timestamp.json").is_file():
            return candidate
    return None


def version_tuple(version: str) -> tuple[int, ...]:
    """``"0.12.3"`` -> ``(0, 12, 3)``; non-numeric parts count as 0."""
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


def start_msiexec(msi: Path) -> bool:
    """Hand a verified MSI to Windows Installer; False where there is none (Linux)."""
    if sys.platform != "win32":
        return False
    log_file = msi.with_suffix(".install.log")
    flags = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    subprocess.Popen(  # noqa: S603 - fixed program, verified file
        ["msiexec.exe", "/i", str(msi), "/qb", "/norestart", "/l*v", str(log_file)],
        creationflags=flags,
        close_fds=True,
    )
    return True


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class StickUpdater:
    """Verifies sticks against this installation's trust and applies them.

    Construct with :meth:`for_installation` in the app; tests pass their own
    root, clock and sink.
    """

    state_dir: Path
    staging_dir: Path
    trusted_root: bytes | None
    reference_data: ReferenceDataSink | None = None
    app_version: str = __version__
    build_time: datetime | None = None
    now: Callable[[], datetime] = _utc_now
    install_msi: Callable[[Path], bool] | None = None
    _config: UpdaterConfig = field(default_factory=lambda: UpdaterConfig(prefix_targets_with_hash=False))

    @classmethod
    def for_installation(
        cls,
        paths: AppPaths,
        *,
        reference_data: ReferenceDataSink | None = None,
        start_installer: bool = False,
    ) -> StickUpdater:
        """The updater of this installation: shipped root and build time, data-folder state."""
        return cls(
            state_dir=paths.data_dir / "update",
            staging_dir=paths.staging_dir,
            trusted_root=trust.load_trusted_root(),
            reference_data=reference_data,
            build_time=trust.build_time(),
            install_msi=start_msiexec if start_installer else None,
        )

    @property
    def trusted_metadata_dir(self) -> Path:
        """The TUF metadata this installation trusts (advanced only after a good update)."""
        return self.state_dir / "tuf"

    # -- public API -------------------------------------------------------------------------

    def update_from(self, stick: Path) -> UpdateResult:
        """Verify the update on ``stick`` and, only if it passes, apply it."""
        try:
            return self._update_from(stick)
        except _Refused as refused:
            log.warning("update from %s refused: %s (%s)", stick, refused.result.kind, refused.result.detail)
            return refused.result

    def verify(self, stick: Path) -> UpdateResult:
        """Verify only: nothing is applied and the trusted metadata does not move."""
        try:
            folder = self._preflight(stick)
            with self._scratch() as work:
                verified = self._verify(folder, work)
                items = tuple(AppliedItem(t.kind, t.version, t.path, "verified") for t in verified)
                return UpdateResult.of(UpdateKind.VERIFIED, "verified only", items=items)
        except _Refused as refused:
            return refused.result

    # -- steps --------------------------------------------------------------------------------

    def _update_from(self, stick: Path) -> UpdateResult:
        folder = self._preflight(stick)
        with self._scratch() as work:
            verified = self._verify(folder, work)
            try:
                items, staged = self._apply(verified)
            except Exception as exc:  # noqa: BLE001 - any failure here must leave state alone
                log.exception("applying a verified update failed")
                raise _Refused(UpdateResult.of(UpdateKind.APPLY_FAILED, repr(exc))) from exc
            self._commit_metadata(work / "metadata")
        changed = any(i.action not in ("skipped-not-newer", "already-staged") for i in items)
        kind = UpdateKind.APPLIED if changed else UpdateKind.UP_TO_DATE
        detail = "; ".join(f"{i.kind} {i.version}: {i.action}" for i in items)
        log.info("update from %s: %s (%s)", stick, kind, detail)
        return UpdateResult.of(kind, detail, items=items, staged_installer=staged)

    def _preflight(self, stick: Path) -> Path:
        try:
            folder = find_update_folder(stick)
        except OSError as exc:
            raise _Refused(UpdateResult.of(UpdateKind.UNREADABLE, repr(exc))) from exc
        if folder is None:
            raise _Refused(UpdateResult.of(UpdateKind.NO_UPDATE_FOUND, f"no update in {stick}"))
        if self.trusted_root is None:
            raise _Refused(UpdateResult.of(UpdateKind.NOT_CONFIGURED, "no trusted root.json"))
        now = self.now()
        if self.build_time is not None and now < self.build_time:
            detail = f"PC clock {now.isoformat()} is before build time {self.build_time.isoformat()}"
            raise _Refused(UpdateResult.of(UpdateKind.CLOCK_BEHIND_BUILD, detail))
        return folder

    @contextmanager
    def _scratch(self) -> Iterator[Path]:
        """A temporary folder under the state folder holding a copy of the trusted metadata."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._recover_interrupted_commit()
        for leftover in self.state_dir.glob("verify-*"):  # from a run killed mid-way
            shutil.rmtree(leftover, ignore_errors=True)
        with tempfile.TemporaryDirectory(dir=self.state_dir, prefix="verify-") as name:
            work = Path(name)
            if self.trusted_metadata_dir.exists():
                shutil.copytree(self.trusted_metadata_dir, work / "metadata", symlinks=True)
            else:
                (work / "metadata").mkdir()
            (work / "targets").mkdir()
            yield work

    def _verify(self, folder: Path, work: Path) -> list[VerifiedTarget]:
        """Run the TUF client workflow against the stick; return every verified target."""
        try:
            updater = Updater(
                metadata_dir=str(work / "metadata"),
                metadata_base_url=METADATA_URL,
                target_dir=str(work / "targets"),
                target_base_url=TARGETS_URL,
                fetcher=FolderFetcher(folder),
                config=self._config,
                bootstrap=self.trusted_root,
            )
            updater.refresh()
            targets = Metadata[Targets].from_file(str(work / "metadata" / "targets.json"))
            verified = []
            for path, info in sorted(targets.signed.targets.items()):
                kind, version = _describe(info.unrecognized_fields)
                if kind not in (KIND_MSI, KIND_REFERENCE_DATA):
                    log.info("ignoring target %s of unknown kind %r", path, kind)
                    continue
                local = self._local_name(work, path, info.length)
                checked = updater.get_targetinfo(path)
                if checked is None:  # cannot happen for a listed target; be strict anyway
                    raise exceptions.RepositoryError(f"target {path} vanished")
                updater.download_target(checked, filepath=str(local))
                verified.append(VerifiedTarget(path, kind, version, local))
            for target in verified:
                if target.kind == KIND_REFERENCE_DATA:
                    package = parse_package(target.local_file.read_bytes())
                    if self.reference_data is not None:
                        self.reference_data.check(package)
            return verified
        except _Refused:
            raise
        except Exception as exc:  # noqa: BLE001 - mapped to a result, never escapes
            raise _Refused(_classify(exc)) from exc

    @staticmethod
    def _local_name(work: Path, path: str, length: int) -> Path:
        if not is_safe_relative_path(path) or not all(_SEGMENT.match(s) for s in path.split("/")):
            raise UnsafePathError(f"target path not allowed: {path!r}")
        if length > MAX_TARGET_BYTES:
            raise exceptions.DownloadLengthMismatchError(f"target {path} claims {length} bytes")
        local = work / "targets" / path.replace("/", "__")
        local.parent.mkdir(parents=True, exist_ok=True)
        return local

    def _apply(self, verified: list[VerifiedTarget]) -> tuple[tuple[AppliedItem, ...], Path | None]:
        items: list[AppliedItem] = []
        staged: Path | None = None
        # Reference data first: it is the transactional part; an MSI is staged only after.
        for target in sorted(verified, key=lambda t: t.kind != KIND_REFERENCE_DATA):
            if target.kind == KIND_REFERENCE_DATA:
                items.append(self._apply_reference_data(target))
            elif version_tuple(target.version) <= version_tuple(self.app_version):
                items.append(AppliedItem(target.kind, target.version, target.path, "skipped-not-newer"))
            else:
                staged, fresh = self._stage(target)
                started = self.install_msi(staged) if self.install_msi else False
                action = "installer-started" if started else ("staged" if fresh else "already-staged")
                items.append(AppliedItem(target.kind, target.version, target.path, action))
        return tuple(items), staged

    def _apply_reference_data(self, target: VerifiedTarget) -> AppliedItem:
        package = parse_package(target.local_file.read_bytes())
        if self.reference_data is None:
            raise RuntimeError("no store to apply reference data to")
        done = self.reference_data.replace(package)
        applied = [name for name, action in done.items() if action == "applied"]
        if not applied:
            return AppliedItem(target.kind, package.label, target.path, "skipped-not-newer")
        label = "+".join(f"{name}-{package.versions[name]}" for name in applied)
        return AppliedItem(target.kind, label, target.path, "applied")

    def _stage(self, target: VerifiedTarget) -> tuple[Path, bool]:
        """Copy a verified MSI to the staging folder (atomic rename); False if already there."""
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        final = self.staging_dir / target.path.rsplit("/", 1)[-1]
        if final.is_file() and _sha256(final) == _sha256(target.local_file):
            return final, False
        partial = final.with_name(final.name + ".partial")
        try:
            shutil.copyfile(target.local_file, partial)
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
        return final, True

    def _commit_metadata(self, new: Path) -> None:
        """Make the scratch metadata the trusted copy; crash-safe with the recovery below."""
        live, old = self.trusted_metadata_dir, self.state_dir / "tuf.old"
        pending = self.state_dir / "tuf.new"
        shutil.rmtree(pending, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
        new.rename(pending)
        if live.exists():
            live.rename(old)
        pending.rename(live)
        shutil.rmtree(old, ignore_errors=True)

    def _recover_interrupted_commit(self) -> None:
        live, old = self.trusted_metadata_dir, self.state_dir / "tuf.old"
        if not live.exists() and old.exists():
            old.rename(live)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _describe(fields: dict[str, Any]) -> tuple[str, str]:
    custom = fields.get("custom", {})
    ours = custom.get("commune_desk", {}) if isinstance(custom, dict) else {}
    if not isinstance(ours, dict):
        return "", ""
    return str(ours.get("kind", "")), str(ours.get("version", ""))


def _classify(exc: BaseException) -> UpdateResult:
    """Map a verification failure to what the clerk is told."""
    detail = f"{type(exc).__name__}: {exc}"
    chain: list[BaseException] = [exc]
    while chain[-1].__cause__ is not None and len(chain) < 5:
        chain.append(chain[-1].__cause__)
    for error in chain:
        if isinstance(error, UnsafePathError):
            return UpdateResult.of(UpdateKind.UNSAFE_PATH, detail)
    if isinstance(exc, exceptions.ExpiredMetadataError):
        return UpdateResult.of(UpdateKind.EXPIRED, detail)
    if isinstance(exc, exceptions.BadVersionNumberError):
        return UpdateResult.of(UpdateKind.REPLAYED, detail)
    if isinstance(exc, exceptions.DownloadHTTPError) and exc.status_code == 404:
        return UpdateResult.of(UpdateKind.INCOMPLETE, detail)
    if isinstance(exc, PackageError):  # signed, so a faulty release rather than an attack
        return UpdateResult.of(UpdateKind.APPLY_FAILED, detail)
    if isinstance(exc, exceptions.DownloadLengthMismatchError | exceptions.RepositoryError):
        return UpdateResult.of(UpdateKind.TAMPERED, detail)
    if isinstance(exc, exceptions.DownloadError | OSError):
        return UpdateResult.of(UpdateKind.UNREADABLE, detail)
    return UpdateResult.of(UpdateKind.TAMPERED, detail)
