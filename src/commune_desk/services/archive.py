"""The backup archive: its name, its manifest, and the checks that make it trustworthy.

An archive is one zip file::

    commune-desk-backup-<PC>-<store>-<YYYYmmdd-HHMMSS-ffffff>[-pre-restore].zip
        manifest.json              what is inside, with hashes (see Manifest)
        commune-desk.sqlite3       the store (a consistent SQLite snapshot)
        blobs/ab/<sha256>          each attachment the store refers to

``<PC>`` is the computer's name and ``<store>`` the first 8 hex digits of the
store's identity, so two PCs backing up to one stick never rotate away each
other's archives. Archives of the first format (``commune-desk-backup-<stamp>.zip``,
no PC or store) are still read; rotation leaves them alone.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from commune_desk.services.errors import BackupError

ARCHIVE_PREFIX = "commune-desk-backup-"
DB_MEMBER = "commune-desk.sqlite3"
MANIFEST_MEMBER = "manifest.json"
FORMAT = 2
PRE_RESTORE_TAG = "-pre-restore"
_STAMP = "%Y%m%d-%H%M%S-%f"
_NAME = re.compile(
    r"^commune-desk-backup-(?:(?P<pc>[A-Za-z0-9-]{1,40})-(?P<store>[0-9a-f]{8})-)?"
    r"(?P<stamp>\d{8}-\d{6}-\d{6})(?P<pre>-pre-restore)?\.zip$"
)
_BLOB_MEMBER = re.compile(r"^blobs/([0-9a-f]{2})/([0-9a-f]{64})$")
_FOLDER_MEMBER = re.compile(r"^blobs/(?:[0-9a-f]{2}/)?$")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


def pc_name() -> str:
    """This computer's name as used in archive names (ASCII letters, digits, hyphens)."""
    raw = socket.gethostname().split(".")[0]
    clean = re.sub(r"[^A-Za-z0-9-]+", "-", raw).strip("-")[:40]
    return clean or "pc"


def archive_file_name(store_id: str, created_at: datetime, *, pre_restore: bool = False) -> str:
    """The file name of a new archive of ``store_id`` made on this PC at ``created_at``."""
    tag = PRE_RESTORE_TAG if pre_restore else ""
    return f"{ARCHIVE_PREFIX}{pc_name()}-{store_id[:8]}-{created_at:{_STAMP}}{tag}.zip"


@dataclass(frozen=True)
class ArchiveName:
    """What an archive's file name says (``pc`` and ``store`` are None for first-format names)."""

    path: Path
    pc: str | None
    store: str | None
    created_at: datetime
    pre_restore: bool

    @classmethod
    def parse(cls, path: Path) -> ArchiveName | None:
        """Read ``path``'s name; None when it is not an archive name."""
        match = _NAME.match(path.name)
        if match is None:
            return None
        try:
            stamp = datetime.strptime(match["stamp"], _STAMP).replace(tzinfo=UTC)
        except ValueError:
            return None
        return cls(
            path=path, pc=match["pc"], store=match["store"], created_at=stamp, pre_restore=bool(match["pre"])
        )

    def of_store(self, store_id: str) -> bool:
        """Whether this archive belongs to ``store_id`` (first-format names belong to none)."""
        return self.store is not None and self.store == store_id[:8]


def list_archives(folder: Path) -> list[ArchiveName]:
    """Every archive in ``folder``, oldest first (by the time in its name)."""
    if not folder.is_dir():
        return []
    found = [ArchiveName.parse(p) for p in folder.glob(f"{ARCHIVE_PREFIX}*.zip")]
    return sorted((a for a in found if a is not None), key=lambda a: (a.created_at, a.path.name))


@dataclass(frozen=True)
class Manifest:
    """``manifest.json``. ``blobs`` maps each archived attachment's SHA-256 to its size
    (None in first-format archives, which only counted them); ``missing_blobs`` lists
    attachments the store refers to that were missing or damaged when the copy was made."""

    format: int
    created_at: datetime
    schema_revision: str
    db_sha256: str
    store_id: str | None = None
    pc: str | None = None
    app_version: str | None = None
    db_size: int | None = None
    blobs: dict[str, int] | None = None
    missing_blobs: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The manifest as written into the archive."""
        created = self.created_at.isoformat()
        return json.dumps(
            {
                "format": self.format,
                "created_at": created,
                "store_id": self.store_id,
                "pc": self.pc,
                "app_version": self.app_version,
                "schema_revision": self.schema_revision,
                "db_sha256": self.db_sha256,
                "db_size": self.db_size,
                "blobs": self.blobs,
                "missing_blobs": list(self.missing_blobs),
            },
            indent=1,
        )

    @classmethod
    def parse(cls, raw: bytes) -> Manifest:
        """Read and check a manifest; ``BackupError("invalid_backup")`` when it is not one."""
        try:
            data: Any = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise _invalid(f"manifest is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise _invalid(f"manifest is a JSON {type(data).__name__}, not an object")
        fmt = data.get("format")
        if fmt not in (1, FORMAT):
            raise _invalid(f"unknown manifest format {fmt!r}")
        created = _text(data, "created_at")
        try:
            created_at = datetime.fromisoformat(created)
        except ValueError as exc:
            raise _invalid(f"bad created_at {created!r}") from exc
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        db_sha = _text(data, "db_sha256")
        if not _SHA.match(db_sha):
            raise _invalid("bad db_sha256")
        manifest = cls(
            format=fmt,
            created_at=created_at,
            schema_revision=_text(data, "schema_revision"),
            db_sha256=db_sha,
        )
        if fmt == 1:
            return manifest
        blobs = data.get("blobs")
        missing = data.get("missing_blobs")
        if not isinstance(blobs, dict) or not all(
            isinstance(k, str) and _SHA.match(k) and type(v) is int and v >= 0 for k, v in blobs.items()
        ):
            raise _invalid("bad blobs list")
        if not isinstance(missing, list) or not all(isinstance(m, str) and _SHA.match(m) for m in missing):
            raise _invalid("bad missing_blobs list")
        db_size = data.get("db_size")
        if type(db_size) is not int or db_size <= 0:
            raise _invalid("bad db_size")
        return cls(
            format=fmt,
            created_at=created_at,
            schema_revision=manifest.schema_revision,
            db_sha256=db_sha,
            store_id=_text(data, "store_id"),
            pc=_text(data, "pc"),
            app_version=str(data.get("app_version") or ""),
            db_size=db_size,
            blobs=dict(blobs),
            missing_blobs=tuple(missing),
        )


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise _invalid(f"manifest lacks {key}")
    return value


def _invalid(detail: str) -> BackupError:
    return BackupError("invalid_backup", detail, detail=detail)


def corrupt(detail: str) -> BackupError:
    """The archive's content does not match its hashes or is a damaged database."""
    return BackupError("backup_corrupt", detail, detail=detail)


def check_member_names(names: Iterable[str]) -> dict[str, str]:
    """Check every member name; return ``{sha256: member}`` of the attachments.

    Only ``manifest.json``, the database and ``blobs/ab/<sha256>`` may be in an
    archive: a path that climbs out (``../``), is absolute or uses a drive or
    backslash is ``backup_unsafe_path``; anything else unknown, a duplicate or a
    missing part is ``invalid_backup``.
    """
    seen: set[str] = set()
    blobs: dict[str, str] = {}
    for name in names:
        if name in seen:
            raise _invalid(f"member {name!r} appears twice")
        seen.add(name)
        if _unsafe(name):
            raise BackupError("backup_unsafe_path", f"unsafe member path {name!r}", detail=name)
        if name in (MANIFEST_MEMBER, DB_MEMBER) or _FOLDER_MEMBER.match(name):
            continue
        match = _BLOB_MEMBER.match(name)
        if match is None or match[2][:2] != match[1]:
            raise _invalid(f"unexpected member {name!r}")
        blobs[match[2]] = name
    for required in (MANIFEST_MEMBER, DB_MEMBER):
        if required not in seen:
            raise _invalid(f"archive lacks {required}")
    return blobs


def _unsafe(name: str) -> bool:
    if not name or "\\" in name or "\0" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return any(part in ("..", ".") for part in name.split("/"))


def stream_member(zf: zipfile.ZipFile, name: str, target: Path | None) -> str:
    """SHA-256 of member ``name``, copying it to ``target`` on the way (when given)."""
    digest = hashlib.sha256()
    try:
        with zf.open(name) as src:
            out = target.open("wb") if target is not None else None
            try:
                for chunk in iter(lambda: src.read(_CHUNK), b""):
                    digest.update(chunk)
                    if out is not None:
                        out.write(chunk)
            finally:
                if out is not None:
                    out.close()
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
        raise corrupt(f"member {name}: {exc}") from exc
    return digest.hexdigest()


def open_archive(path: Path) -> zipfile.ZipFile:
    """Open an archive for reading; ``invalid_backup`` when it is not a readable zip."""
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError as exc:
        raise BackupError("backup_not_found", f"no file {path}", detail=str(path)) from exc
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise _invalid(f"cannot open {path}: {exc}") from exc


def read_manifest(zf: zipfile.ZipFile) -> Manifest:
    """The archive's checked manifest."""
    try:
        raw = zf.read(MANIFEST_MEMBER)
    except KeyError as exc:
        raise _invalid("archive lacks manifest.json") from exc
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise corrupt(f"manifest unreadable: {exc}") from exc
    return Manifest.parse(raw)


def quick_check_archive(path: Path) -> Manifest:
    """A light check for offering an archive: it opens, its names and manifest are right,
    and every member passes the zip's CRC (no database check; restore does that)."""
    with open_archive(path) as zf:
        check_member_names(zf.namelist())
        manifest = read_manifest(zf)
        try:
            bad = zf.testzip()
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
            raise corrupt(f"{path}: {exc}") from exc
        if bad is not None:
            raise corrupt(f"member {bad} fails its CRC")
    return manifest
