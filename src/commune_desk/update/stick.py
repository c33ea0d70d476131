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
   store transaction, the MSI is staged in the per-machine folder
   (:mod:`commune_desk.update.machine`), where the elevated update task installs it.
4. Only when that succeeded, the scratch metadata replaces the trusted copy, so
   the next stick must be at least as new as this one. The trusted copy is per
   machine, like the installed program.

A refusal at any step leaves the store, the staged installers and the trusted
metadata exactly as they were. Each outcome is logged with its kind and detail.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
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
from commune_desk.update.machine import MachineUpdates, sha256_of, version_tuple
from commune_desk.update.outcome import AppliedItem, UpdateKind, UpdateResult
from commune_desk.update.package import (
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
#: Written next to the metadata by ``write-stick`` (unsigned: only chooses a message's words).
WRITTEN_FILE = "written.json"
#: A stick older than this by the PC's clock points at the clock, not at the stick.
LONGEST_TRAVEL = timedelta(days=365)


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


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class StickUpdater:
    """Verifies sticks against this installation's trust and applies them.

    Construct with :meth:`for_installation` in the app; tests pass their own
    root, clock, sink and machine folder.
    """

    machine: MachineUpdates
    trusted_root: bytes | None
    reference_data: ReferenceDataSink | None = None
    app_version: str = field(default_factory=lambda: __version__)
    build_time: datetime | None = None
    now: Callable[[], datetime] = _utc_now
    #: Asks the elevated update task to install what is staged (Windows); True if asked.
    request_install: Callable[[], bool] | None = None
    #: The per-user staging folder of earlier versions, emptied of what is installed.
    legacy_staging_dir: Path | None = None
    #: The per-user trusted metadata of earlier versions: the machine's starting point.
    legacy_trusted_dir: Path | None = None
    #: Kinds of target to verify and apply (the update task only wants the MSI).
    kinds: tuple[str, ...] = (KIND_MSI, KIND_REFERENCE_DATA)
    _config: UpdaterConfig = field(default_factory=lambda: UpdaterConfig(prefix_targets_with_hash=False))

    @classmethod
    def for_installation(
        cls,
        paths: AppPaths,
        *,
        reference_data: ReferenceDataSink | None = None,
        start_installer: bool = False,
    ) -> StickUpdater:
        """The updater of this installation: shipped root and build time, machine state."""
        from commune_desk.update.update_task import request_install

        return cls(
            machine=MachineUpdates.for_paths(paths),
            trusted_root=trust.load_trusted_root(),
            reference_data=reference_data,
            build_time=trust.build_time(),
            request_install=request_install if start_installer else None,
            legacy_staging_dir=paths.staging_dir,
            legacy_trusted_dir=paths.data_dir / "update" / "tuf",
        )

    @property
    def state_dir(self) -> Path:
        """Per-machine update state (trusted metadata, install records)."""
        return self.machine.state_dir

    @property
    def trusted_metadata_dir(self) -> Path:
        """The TUF metadata this PC trusts (advanced only after a good update)."""
        return self.state_dir / "tuf"

    # -- public API -------------------------------------------------------------------------

    def update_from(self, stick: Path) -> UpdateResult:
        """Verify the update on ``stick`` and, only if it passes, apply it (logged)."""
        try:
            result = self._update_from(stick)
        except _Refused as refused:
            result = refused.result
        except OSError as exc:  # e.g. the machine folder cannot be written by this account
            log.exception("update from %s could not use %s", stick, self.machine.root)
            result = UpdateResult.of(UpdateKind.APPLY_FAILED, repr(exc))
        _log_result(f"update from {stick}", result)
        return result

    def verify(self, stick: Path) -> UpdateResult:
        """Verify only: nothing is applied and the trusted metadata does not move."""
        try:
            folder = self._preflight(stick)
            with self._scratch() as work:
                verified = self._verify(folder, work)
                items = tuple(AppliedItem(t.kind, t.version, t.path, "verified") for t in verified)
                result = UpdateResult.of(UpdateKind.VERIFIED, "verified only", items=items)
        except _Refused as refused:
            result = refused.result
        _log_result(f"verify {stick}", result)
        return result

    def verify_into(self, folder: Path, work: Path) -> list[VerifiedTarget]:
        """Verify ``folder`` from the shipped root alone into ``work``; raise on refusal.

        The update task's check of a staged MSI: no state is read or written.
        """
        (work / "metadata").mkdir(parents=True, exist_ok=True)
        (work / "targets").mkdir(exist_ok=True)
        try:
            return self._verify(folder, work)
        except _Refused as refused:
            raise RefusedUpdate(refused.result) from refused

    # -- steps --------------------------------------------------------------------------------

    def _update_from(self, stick: Path) -> UpdateResult:
        folder = self._preflight(stick)
        self._tidy()
        with self._scratch() as work:
            verified = self._verify(folder, work)
            try:
                items, staged = self._apply(verified, folder / "metadata")
            except Exception as exc:  # noqa: BLE001 - any failure here must leave state alone
                log.exception("applying a verified update failed")
                raise _Refused(UpdateResult.of(UpdateKind.APPLY_FAILED, repr(exc))) from exc
            self._commit_metadata(work / "metadata")
        detail = "; ".join(f"{i.kind} {i.version}: {i.action}" for i in items)
        return self._outcome(items, detail, staged)

    def _outcome(self, items: tuple[AppliedItem, ...], detail: str, staged: Path | None) -> UpdateResult:
        """The kind that names what really happened (staged is not installed)."""
        msi = next((i for i in items if i.kind == KIND_MSI), None)
        params = {"installed": self.app_version}
        if msi is not None:
            params["version"] = msi.version
        if msi is not None and msi.action == "install-failed":
            record = self.machine.record(msi.version)
            params.update(
                exit_code=str(record.exit_code if record else "?"), log=record.log if record else ""
            )
            return UpdateResult.of(
                UpdateKind.INSTALL_FAILED, detail, items=items, staged_installer=staged, params=params
            )
        if msi is not None and msi.action in ("staged", "already-staged", "install-pending"):
            return UpdateResult.of(
                UpdateKind.STAGED_NOT_INSTALLED, detail, items=items, staged_installer=staged, params=params
            )
        changed = any(i.action not in ("skipped-not-newer",) for i in items)
        kind = UpdateKind.APPLIED if changed else UpdateKind.UP_TO_DATE
        return UpdateResult.of(kind, detail, items=items, staged_installer=staged, params=params)

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

    def _tidy(self) -> None:
        """Record what the running version proves; drop per-user leftovers of old versions.

        Housekeeping only: a folder this account may not write is logged, never a refusal.
        """
        try:
            self.machine.reconcile(self.app_version)
        except OSError:
            log.warning("could not record installed updates in %s", self.machine.root, exc_info=True)
        legacy = self.legacy_staging_dir
        if legacy is not None and legacy.is_dir():
            for old in legacy.glob("*.msi"):
                match = re.search(r"(\d+(?:\.\d+)+)\.msi$", old.name)
                if match and version_tuple(match.group(1)) <= version_tuple(self.app_version):
                    try:
                        old.unlink(missing_ok=True)
                        log.info("removed %s: this PC runs %s", old, self.app_version)
                    except OSError:
                        log.warning("could not remove %s", old, exc_info=True)

    @contextmanager
    def _scratch(self) -> Iterator[Path]:
        """A temporary folder under the state folder holding a copy of the trusted metadata."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._recover_interrupted_commit()
        legacy = self.legacy_trusted_dir
        if legacy is not None and legacy.is_dir() and not self.trusted_metadata_dir.exists():
            # Earlier versions kept the rollback guard per user: carry it over once, so an
            # old stick this PC already moved past is still refused after the upgrade.
            shutil.copytree(legacy, self.trusted_metadata_dir, symlinks=True)
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
            # Expiry is judged by this updater's clock (the PC's, or a test's), like the
            # build-time check above; ngclient reads the time once, into this attribute.
            updater._trusted_set.reference_time = self.now()  # noqa: SLF001
            updater.refresh()
            targets = Metadata[Targets].from_file(str(work / "metadata" / "targets.json"))
            verified = []
            for path, info in sorted(targets.signed.targets.items()):
                kind, version = _describe(info.unrecognized_fields)
                if kind not in self.kinds:
                    log.info("ignoring target %s of kind %r", path, kind)
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
            raise _Refused(self._classify(exc, folder)) from exc

    def _classify(self, exc: BaseException, folder: Path) -> UpdateResult:
        from commune_desk.update.diagnose import classify

        return classify(exc, folder=folder, trusted=self.trusted_metadata_dir, now=self.now())

    @staticmethod
    def _local_name(work: Path, path: str, length: int) -> Path:
        if not is_safe_relative_path(path) or not all(_SEGMENT.match(s) for s in path.split("/")):
            raise UnsafePathError(f"target path not allowed: {path!r}")
        if length > MAX_TARGET_BYTES:
            raise exceptions.DownloadLengthMismatchError(f"target {path} claims {length} bytes")
        local = work / "targets" / path.replace("/", "__")
        local.parent.mkdir(parents=True, exist_ok=True)
        return local

    def _apply(
        self, verified: list[VerifiedTarget], metadata: Path
    ) -> tuple[tuple[AppliedItem, ...], Path | None]:
        items: list[AppliedItem] = []
        staged: Path | None = None
        # Reference data first: it is the transactional part; an MSI is staged only after.
        for target in sorted(verified, key=lambda t: t.kind != KIND_REFERENCE_DATA):
            if target.kind == KIND_REFERENCE_DATA:
                items.append(self._apply_reference_data(target))
            elif version_tuple(target.version) <= version_tuple(self.app_version):
                items.append(AppliedItem(target.kind, target.version, target.path, "skipped-not-newer"))
            else:
                staged, action = self._stage(target, metadata)
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

    def _stage(self, target: VerifiedTarget, metadata: Path) -> tuple[Path, str]:
        """Stage a verified MSI for the update task; the action says what state it is in.

        An MSI already handed to Windows Installer is never handed over again from
        here: its record says whether that is still pending or failed.
        """
        record = self.machine.record(target.version)
        if record is not None and record.sha256 == sha256_of(target.local_file):
            staged = self.machine.staged_msi(target.version)
            if record.state == "failed":
                return staged or target.local_file, "install-failed"
            if record.state == "handed-over":
                return staged or target.local_file, "install-pending"
        staged, fresh = self.machine.stage(
            version=target.version, target_path=target.path, msi=target.local_file, metadata=metadata
        )
        if self.request_install is not None and self.request_install():
            return staged, "installer-started"
        return staged, "staged" if fresh else "already-staged"

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


class RefusedUpdate(Exception):
    """A staged or stuck update did not verify; ``result`` says why."""

    def __init__(self, result: UpdateResult) -> None:
        super().__init__(f"{result.kind}: {result.detail}")
        self.result = result


def _log_result(what: str, result: UpdateResult) -> None:
    level = logging.INFO if result.ok else logging.WARNING
    log.log(level, "%s: %s (%s)", what, result.kind.value, result.detail)


def _describe(fields: dict[str, Any]) -> tuple[str, str]:
    custom = fields.get("custom", {})
    ours = custom.get("commune_desk", {}) if isinstance(custom, dict) else {}
    if not isinstance(ours, dict):
        return "", ""
    return str(ours.get("kind", "")), str(ours.get("version", ""))


def written_at(folder: Path) -> datetime | None:
    """When ``write-stick`` wrote ``folder`` (its marker, else the metadata's file time)."""
    try:
        stamp = datetime.fromisoformat(json.loads((folder / WRITTEN_FILE).read_text("utf-8"))["written_at"])
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        return datetime.fromtimestamp((folder / "metadata" / "timestamp.json").stat().st_mtime, UTC)
    except OSError:
        return None
