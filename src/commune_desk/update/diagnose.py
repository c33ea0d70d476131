"""Name the real cause of a refused stick, so the clerk is told what to do.

python-tuf says *that* verification failed; the files on the stick and the
PC's trusted metadata say *why* it most likely did:

* a target shorter than its signed length, or a metadata file that is not even
  JSON, is a copy that did not finish: "copy the stick again", not "tampered";
* a version older than this PC's trusted one is a replayed (old) stick, but on a
  PC that never trusted a newer one it can only be files of two releases mixed;
* an expired stick is reported with its expiry date and the PC's date; when the
  PC's date is more than a year after the stick was written, the clock is at fault.

This only chooses the words: every case is refused exactly the same way.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tuf.api import exceptions

from commune_desk.update.fetcher import UnsafePathError, is_safe_relative_path
from commune_desk.update.outcome import UpdateKind, UpdateResult
from commune_desk.update.package import PackageError

_ROLES = ("timestamp", "snapshot", "targets", "root")


def classify(exc: BaseException, *, folder: Path, trusted: Path, now: datetime) -> UpdateResult:
    """Map a verification failure on the stick ``folder`` to what the clerk is told."""
    from commune_desk.update.stick import LONGEST_TRAVEL, written_at

    detail = f"{type(exc).__name__}: {exc}"
    chain: list[BaseException] = [exc]
    while chain[-1].__cause__ is not None and len(chain) < 5:
        chain.append(chain[-1].__cause__)
    if any(isinstance(error, UnsafePathError) for error in chain):
        return UpdateResult.of(UpdateKind.UNSAFE_PATH, detail)
    if isinstance(exc, exceptions.ExpiredMetadataError):
        today = now.date().isoformat()
        written = written_at(folder)
        if written is not None and now - written > LONGEST_TRAVEL:
            return UpdateResult.of(
                UpdateKind.CLOCK_AHEAD,
                detail,
                params={"today": today, "written_on": written.date().isoformat()},
            )
        return UpdateResult.of(
            UpdateKind.EXPIRED, detail, params={"today": today, "expired_on": _earliest_expiry(folder, now)}
        )
    if isinstance(exc, exceptions.BadVersionNumberError):
        older = _older_than_trusted(folder, trusted)
        return UpdateResult.of(
            UpdateKind.REPLAYED if older else UpdateKind.MIXED,
            detail + (f" (older than trusted: {older})" if older else ""),
        )
    if isinstance(exc, exceptions.DownloadHTTPError) and exc.status_code == 404:
        return UpdateResult.of(UpdateKind.INCOMPLETE, detail)
    if isinstance(exc, PackageError):  # signed, so a faulty release rather than an attack
        return UpdateResult.of(UpdateKind.APPLY_FAILED, detail)
    if isinstance(exc, exceptions.DownloadLengthMismatchError | exceptions.RepositoryError):
        cut = _cut_short(folder)
        if cut:
            return UpdateResult.of(UpdateKind.INCOMPLETE, f"{detail} (copied short: {cut})")
        return UpdateResult.of(UpdateKind.TAMPERED, detail)
    if isinstance(exc, exceptions.DownloadError | OSError):
        return UpdateResult.of(UpdateKind.UNREADABLE, detail)
    return UpdateResult.of(UpdateKind.TAMPERED, detail)


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _signed(path: Path) -> dict[str, Any]:
    data = _read(path) or {}
    signed = data.get("signed")
    return signed if isinstance(signed, dict) else {}


def _earliest_expiry(folder: Path, now: datetime) -> str:
    """The earliest expiry date on the stick that has passed (``?`` if unreadable)."""
    passed = []
    for role in _ROLES:
        try:
            expires = datetime.fromisoformat(
                str(_signed(folder / "metadata" / f"{role}.json")["expires"]).replace("Z", "+00:00")
            )
        except (KeyError, ValueError):
            continue
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        if expires <= now:
            passed.append(expires)
    return min(passed).date().isoformat() if passed else "?"


def _older_than_trusted(folder: Path, trusted: Path) -> str:
    """Roles whose version on the stick is below this PC's trusted one (empty if none)."""
    older = []
    for role in ("timestamp", "snapshot", "targets"):
        mine = _signed(trusted / f"{role}.json").get("version")
        theirs = _signed(folder / "metadata" / f"{role}.json").get("version")
        if isinstance(mine, int) and isinstance(theirs, int) and theirs < mine:
            older.append(f"{role} {theirs} < {mine}")
    return ", ".join(older)


def _cut_short(folder: Path) -> str:
    """Files of the stick that look like an unfinished copy (empty string if none)."""
    metadata = folder / "metadata"
    broken = [p.name for p in sorted(metadata.glob("*.json")) if _read(p) is None]
    if broken:
        return ", ".join(broken)
    targets = _signed(metadata / "targets.json").get("targets", {})
    short = []
    for path, info in targets.items() if isinstance(targets, dict) else ():
        if not is_safe_relative_path(path) or not isinstance(info, dict):
            continue
        try:
            size = (folder / "targets" / path).stat().st_size
        except OSError:
            continue
        if isinstance(info.get("length"), int) and size < info["length"]:
            short.append(f"{path} ({size} of {info['length']} bytes)")
    return ", ".join(short)
