"""The release side: a TUF repository on the release officer's machine, and sticks made from it.

Layout of a repository folder::

    repository.json          expiry settings and role key files
    keys/root/root-N.pem     root keys: OFFLINE in production (see README, key ceremony)
    keys/online/*.pem        targets, snapshot and timestamp keys (release machine)
    metadata/N.root.json     every root version (clients walk the chain)
    metadata/{targets,snapshot,timestamp}.json
    targets/<kind>/<file>    the MSI and reference-data packages currently offered

Private keys are PKCS#8 PEM, encrypted with ``$COMMUNE_RELEASE_KEY_PASSPHRASE``
when that variable is set. Root is signed by ``threshold`` of its keys; the
other roles by one key each. Expiries are long because a stick may travel for
months before it is plugged in; ``renew`` re-signs with fresh expiries.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import (
    Metadata,
    MetaFile,
    Root,
    Snapshot,
    TargetFile,
    Targets,
    Timestamp,
)
from tuf.api.serialization.json import JSONSerializer

from commune_desk.update.fetcher import is_safe_relative_path
from commune_desk.update.stick import KIND_MSI, KIND_REFERENCE_DATA, UPDATE_FOLDER, WRITTEN_FILE

PASSPHRASE_ENV = "COMMUNE_RELEASE_KEY_PASSPHRASE"
ONLINE_ROLES = ("targets", "snapshot", "timestamp")
KINDS = (KIND_MSI, KIND_REFERENCE_DATA)


class ReleaseError(Exception):
    """A release operation that must not go ahead (bad input, missing keys)."""


@dataclass(frozen=True)
class Expiries:
    """Days each role stays valid after signing."""

    root: int = 5 * 365
    targets: int = 365
    snapshot: int = 365
    timestamp: int = 180


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class ReleaseRepository:
    """One TUF repository for CommuneDesk updates, kept in a folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        settings_file = folder / "repository.json"
        if not settings_file.is_file():
            raise ReleaseError(f"{folder} is not a release repository (no repository.json)")
        settings = json.loads(settings_file.read_text("utf-8"))
        self.expiries = Expiries(**settings["expiry_days"])

    # -- creation -------------------------------------------------------------------------------

    @classmethod
    def init(
        cls,
        folder: Path,
        *,
        root_keys: int = 3,
        root_threshold: int = 2,
        expiries: Expiries | None = None,
        now: datetime | None = None,
    ) -> ReleaseRepository:
        """Create keys and the first signed metadata (root v1, empty targets)."""
        if not 1 <= root_threshold <= root_keys:
            raise ReleaseError("root threshold must be between 1 and the number of root keys")
        if (folder / "repository.json").exists():
            raise ReleaseError(f"{folder} already holds a repository")
        expiries = expiries or Expiries()
        now = now or _now()
        for sub in ("keys/root", "keys/online", "metadata", "targets"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        (folder / "repository.json").write_text(
            json.dumps({"expiry_days": asdict(expiries)}, indent=1), "utf-8"
        )
        repo = cls(folder)

        root = Root(expires=now + timedelta(days=expiries.root), consistent_snapshot=False)
        root_signers = []
        for n in range(1, root_keys + 1):
            signer = CryptoSigner.generate_ed25519()
            _write_key(folder / "keys" / "root" / f"root-{n}.pem", signer)
            root.add_key(signer.public_key, Root.type)
            root_signers.append(signer)
        root.roles[Root.type].threshold = root_threshold
        for role in ONLINE_ROLES:
            signer = CryptoSigner.generate_ed25519()
            _write_key(folder / "keys" / "online" / f"{role}.pem", signer)
            root.add_key(signer.public_key, role)
        root_md = Metadata(root)
        for signer in root_signers:
            root_md.sign(signer, append=True)
        repo._write(root_md, "1.root.json")
        repo._write(root_md, "root.json")
        repo.publish(Targets(expires=now), now=now)
        return repo

    # -- releasing ------------------------------------------------------------------------------

    def add_target(self, file: Path, *, kind: str, version: str, now: datetime | None = None) -> str:
        """Offer ``file`` as the current ``kind`` (replacing the previous one); return its path."""
        if kind not in KINDS:
            raise ReleaseError(f"kind must be one of {KINDS}")
        path = f"{kind}/{file.name}"
        if not is_safe_relative_path(path) or not file.is_file():
            raise ReleaseError(f"cannot release {file}")
        targets = self.load(Targets).signed
        for old_path in [p for p in targets.targets if p.startswith(f"{kind}/")]:
            del targets.targets[old_path]
            (self.folder / "targets" / old_path).unlink(missing_ok=True)
        destination = self.folder / "targets" / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, destination)
        info = TargetFile.from_file(path, str(destination), ["sha256"])
        targets.targets[path] = TargetFile(
            info.length,
            info.hashes,
            path,
            {"custom": {"commune_desk": {"kind": kind, "version": version}}},
        )
        self.publish(targets, now=now)
        return path

    def publish(
        self,
        targets: Targets,
        *,
        now: datetime | None = None,
        timestamp_expires: datetime | None = None,
        edit: Callable[[Targets], None] | None = None,
    ) -> None:
        """Sign ``targets`` and a matching snapshot and timestamp, each one version up.

        ``timestamp_expires`` overrides the timestamp's expiry (tests use it to
        make an expired stick); ``edit`` changes targets before signing.
        """
        now = now or _now()
        if edit is not None:
            edit(targets)
        targets.version = self._next_version(Targets)
        targets.expires = now + timedelta(days=self.expiries.targets)
        self._write(self._signed(targets), "targets.json")

        snapshot = self._current(Snapshot.type) or Snapshot(expires=now)
        snapshot.meta["targets.json"] = MetaFile(version=targets.version)
        snapshot.version = self._next_version(Snapshot)
        snapshot.expires = now + timedelta(days=self.expiries.snapshot)
        self._write(self._signed(snapshot), "snapshot.json")

        timestamp = self._current(Timestamp.type) or Timestamp(expires=now)
        timestamp.snapshot_meta = MetaFile(version=snapshot.version)
        timestamp.version = self._next_version(Timestamp)
        timestamp.expires = timestamp_expires or now + timedelta(days=self.expiries.timestamp)
        self._write(self._signed(timestamp), "timestamp.json")

    def rotate_key(self, role: str, *, now: datetime | None = None) -> int:
        """Replace ``role``'s online key (e.g. after a leak); return the new root version.

        Needs ``threshold`` root keys on this machine (bring them out of the safe);
        writes ``metadata/N.root.json``, which clients walk to before trusting
        anything signed with the new key, then re-signs the other roles.
        """
        if role not in ONLINE_ROLES:
            raise ReleaseError(f"role must be one of {ONLINE_ROLES}")
        now = now or _now()
        root_md = self.load(Root)
        root: Root = root_md.signed
        signers = self.root_signers()
        if len(signers) < root.roles[Root.type].threshold:
            raise ReleaseError("not enough root keys on this machine to sign a new root")
        for keyid in list(root.roles[role].keyids):
            root.revoke_key(keyid, role)
        new_signer = CryptoSigner.generate_ed25519()
        root.add_key(new_signer.public_key, role)
        root.version += 1
        root.expires = now + timedelta(days=self.expiries.root)
        new_root: Metadata[Any] = Metadata(root)
        for signer in signers:
            new_root.sign(signer, append=True)
        _write_key(self.folder / "keys" / "online" / f"{role}.pem", new_signer)
        self._write(new_root, f"{root.version}.root.json")
        self._write(new_root, "root.json")
        self.renew(now=now)
        return root.version

    def renew(self, *, now: datetime | None = None) -> None:
        """Re-sign targets, snapshot and timestamp with fresh expiries (same content)."""
        self.publish(self.load(Targets).signed, now=now)

    def write_stick(self, stick: Path) -> Path:
        """Write the update folder onto ``stick`` and read it back; return the folder."""
        final = stick / UPDATE_FOLDER
        partial = stick / (UPDATE_FOLDER + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        (partial / "metadata").mkdir(parents=True)
        metadata = self.folder / "metadata"
        for source in sorted(metadata.glob("*.json")):
            if source.name != "root.json":
                shutil.copyfile(source, partial / "metadata" / source.name)
        targets = self.load(Targets).signed
        for path, info in targets.targets.items():
            if not is_safe_relative_path(path):
                shutil.rmtree(partial, ignore_errors=True)
                raise ReleaseError(f"refusing to write target path {path!r}")
            destination = partial / "targets" / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.folder / "targets" / path, destination)
            with destination.open("rb") as copied:  # sticks are flaky: read back and check
                info.verify_length_and_hashes(copied)
        (partial / WRITTEN_FILE).write_text(  # unsigned: only words the "clock ahead" message
            json.dumps({"written_at": _now().isoformat()}), "utf-8"
        )
        shutil.rmtree(final, ignore_errors=True)
        partial.rename(final)
        return final

    # -- helpers -------------------------------------------------------------------------------

    def load(self, role: type[Root] | type[Targets] | type[Snapshot] | type[Timestamp]) -> Metadata:
        """The current signed metadata of a top-level role."""
        return Metadata.from_file(str(self.folder / "metadata" / f"{role.type}.json"))

    def _next_version(self, role: type[Targets] | type[Snapshot] | type[Timestamp]) -> int:
        path = self.folder / "metadata" / f"{role.type}.json"
        return Metadata.from_file(str(path)).signed.version + 1 if path.exists() else 1

    def _current(self, role: str) -> Any:
        """The signed part of a role's current metadata, or ``None`` before the first."""
        path = self.folder / "metadata" / f"{role}.json"
        return Metadata.from_file(str(path)).signed if path.exists() else None

    def _signed(self, payload: Targets | Snapshot | Timestamp) -> Metadata[Any]:
        md: Metadata[Any] = Metadata(payload)
        md.sign(self.signer(payload.type))
        return md

    def signer(self, role: str) -> CryptoSigner:
        """Load the signing key of an online role."""
        return _read_key(self.folder / "keys" / "online" / f"{role}.pem")

    def root_signers(self) -> list[CryptoSigner]:
        """Root keys present on this machine (none on a release machine in production)."""
        return [_read_key(p) for p in sorted((self.folder / "keys" / "root").glob("*.pem"))]

    def _write(self, md: Metadata, name: str) -> None:
        path = self.folder / "metadata" / name
        partial = path.with_name(name + ".partial")
        md.to_file(str(partial), JSONSerializer(compact=False))
        os.replace(partial, path)


def _write_key(path: Path, signer: CryptoSigner) -> None:
    passphrase = os.environ.get(PASSPHRASE_ENV)
    encryption = BestAvailableEncryption(passphrase.encode()) if passphrase else NoEncryption()
    private = load_pem_private_key(signer.private_bytes, None)
    path.write_bytes(private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption))
    path.chmod(0o600)


def _read_key(path: Path) -> CryptoSigner:
    if not path.is_file():
        raise ReleaseError(f"signing key {path} is not on this machine")
    passphrase = os.environ.get(PASSPHRASE_ENV)
    private = load_pem_private_key(path.read_bytes(), passphrase.encode() if passphrase else None)
    return CryptoSigner(private)
