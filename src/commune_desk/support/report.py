"""The checks a hotline or a visiting technician needs, run on one installation.

Versions, the store check (``db check``), sync status and recent rounds,
clock skew, free disk, the last backup and the recent log lines. Each check
has a status (``ok``, ``info``, ``warn``, ``fail``), an outcome key whose
Vietnamese sentence says what was found and what to do
(:mod:`commune_desk.support.messages`), and the plain facts behind it for
the archive's ``report.json``. The diagnostics panel shows the same checks.
"""

from __future__ import annotations

import logging
import platform
import re
import shutil
import sqlite3
import sys
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

from commune_desk import __version__
from commune_desk.logfile import LOG_FILE_NAME
from commune_desk.support.messages import describe

log = logging.getLogger(__name__)

#: Free space below which the disk check warns, and below which it fails (bytes).
DISK_WARN = 2 * 1024**3
DISK_FAIL = 500 * 1024**2
#: A backup older than this is "old".
BACKUP_MAX_AGE = timedelta(days=7)
#: No successful sync for this long (with changes waiting) is "late".
SYNC_LATE = timedelta(hours=24)
#: Beyond this clock difference with the server the clerk is warned (seconds).
CLOCK_WARN_SECONDS = 300
#: Log lines kept from the end of the log.
LOG_LINES = 400
#: Sync rounds listed from the log.
ROUNDS = 10
_STOPPED = {"device_revoked", "session_expired", "not_logged_in", "protocol_mismatch", "keyring_unavailable"}
_ROUND = re.compile(r"sync round (done|failed)")
_ERROR = re.compile(r"\s(ERROR|CRITICAL)\s")


@dataclass(frozen=True)
class Check:
    """One check's result."""

    key: str
    status: str
    outcome: str
    params: dict[str, Any] = field(default_factory=dict)

    def found(self) -> str:
        """What was found, in Vietnamese."""
        return describe(self.outcome, self.params)[0]

    def advice(self) -> str:
        """What to do about it, in Vietnamese ("" when nothing)."""
        return describe(self.outcome, self.params)[1]

    def to_json(self) -> dict[str, Any]:
        """The check as ``report.json`` holds it."""
        return {
            "key": self.key,
            "status": self.status,
            "outcome": self.outcome,
            "params": {k: _jsonable(v) for k, v in self.params.items()},
            "found": self.found(),
            "advice": self.advice(),
        }


@dataclass(frozen=True)
class SupportReport:
    """Everything gathered: the checks, the facts behind them and the recent log lines."""

    created_at: datetime
    checks: tuple[Check, ...]
    facts: dict[str, Any]
    log_lines: tuple[str, ...]

    @property
    def worst(self) -> str:
        """The most serious status among the checks."""
        order = ("ok", "info", "warn", "fail")
        return max((c.status for c in self.checks), key=order.index, default="ok")


def collect(app: Any, *, now: datetime | None = None, verify_blobs: bool = True) -> SupportReport:
    """Run every check on the open installation ``app`` (an ``AppContext``)."""
    now = now or datetime.now(UTC)
    facts: dict[str, Any] = {}
    lines = tail_log(app.paths.logs_dir)
    checks = [
        _versions(app, facts),
        _database(app, facts, verify_blobs),
        *_sync(app, facts, now, lines),
        _disk(app.paths.data_dir, facts),
        _backup(app.paths.backup_dir, facts, now),
        _log(lines, facts),
    ]
    return SupportReport(created_at=now, checks=tuple(checks), facts=facts, log_lines=tuple(lines))


# -- the checks ----------------------------------------------------------------------------


def _versions(app: Any, facts: dict[str, Any]) -> Check:
    from commune_desk.store.migrate import current_revision

    versions = {
        "app": __version__,
        "schema": current_revision(app.store.engine) or "?",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "system": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "frozen": bool(getattr(sys, "frozen", False)),
    }
    for package in ("PySide6", "SQLAlchemy", "requests"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    facts["versions"] = versions
    return Check("versions", "info", "versions.info", versions)


def _database(app: Any, facts: dict[str, Any], verify_blobs: bool) -> Check:
    try:
        report = app.services.check_store(verify_blobs=verify_blobs)
    except Exception as exc:  # noqa: BLE001 - a broken store is what support must hear about
        log.exception("db check failed")
        facts["database"] = {"error": type(exc).__name__}
        return Check("database", "fail", "database.error")
    facts["database"] = {"problems": list(report.problems), "checked": list(report.checked)}
    if report.ok:
        return Check("database", "ok", "database.ok", {"checked": len(report.checked)})
    return Check("database", "fail", "database.fail", {"problems": len(report.problems)})


def _sync(app: Any, facts: dict[str, Any], now: datetime, lines: list[str]) -> list[Check]:
    from commune_desk.sync.account import load_account
    from commune_desk.sync.engine import SyncEngine
    from commune_desk.sync.state import load_state

    account = load_account(app.store)
    status = SyncEngine(app.store, app.blobs).status
    rounds = [line for line in lines if _ROUND.search(line)][-ROUNDS:]
    facts["sync"] = {
        **status.to_json(),
        "logged_in": account is not None,
        "server_url": account.server_url if account else None,
        "username": account.username if account else None,
        "commune_code": account.commune_code if account else None,
        "device_id": account.device_id if account else app.device_id,
        "recent_rounds": rounds,
    }
    clock = _clock(status.clock_offset_seconds, facts)
    if account is None:
        return [Check("sync", "info", "sync.local"), clock]
    with app.store.read() as session:
        state = load_state(session, account.device_id)
        error = state.last_error
    facts["sync"]["last_error"] = error
    last = status.last_success_at
    params = {
        "pending": status.pending,
        "last": _when(last),
        "error": error or "-",
        "quarantined": status.quarantined,
        "conflicts": status.open_conflicts,
    }
    checks: list[Check] = []
    if error in _STOPPED:
        checks.append(Check("sync", "fail", "sync.stopped", params))
    elif last is None:
        checks.append(Check("sync", "warn", "sync.never", params))
    elif now - last > SYNC_LATE and status.pending:
        checks.append(Check("sync", "warn", "sync.late", params))
    else:
        checks.append(Check("sync", "ok", "sync.ok", params))
    if status.quarantined or status.open_conflicts:
        checks.append(Check("sync", "warn", "sync.attention", params))
    return [*checks, clock]


def _clock(offset: float | None, facts: dict[str, Any]) -> Check:
    facts["clock"] = {"offset_seconds": offset}
    if offset is None:
        return Check("clock", "info", "clock.unknown")
    if abs(offset) > CLOCK_WARN_SECONDS:
        return Check("clock", "warn", "clock.warn", {"minutes": round(abs(offset) / 60)})
    return Check("clock", "ok", "clock.ok", {"seconds": round(abs(offset))})


def _disk(folder: Path, facts: dict[str, Any]) -> Check:
    usage = shutil.disk_usage(folder)
    facts["disk"] = {"free": usage.free, "total": usage.total}
    params = {"free": human_size(usage.free)}
    if usage.free < DISK_FAIL:
        return Check("disk", "fail", "disk.fail", params)
    if usage.free < DISK_WARN:
        return Check("disk", "warn", "disk.warn", params)
    return Check("disk", "ok", "disk.ok", params)


def _backup(folder: Path, facts: dict[str, Any], now: datetime) -> Check:
    from commune_desk.services.backup import list_backups

    archives = list_backups(folder)
    if not archives:
        facts["backup"] = {"count": 0}
        return Check("backup", "fail", "backup.none", {"folder": str(folder)})
    newest = archives[-1]
    made = datetime.fromtimestamp(newest.stat().st_mtime, UTC)
    facts["backup"] = {
        "count": len(archives),
        "newest": newest.name,
        "made_at": made.isoformat(),
        "size": newest.stat().st_size,
    }
    params = {"when": _when(made), "count": len(archives)}
    if now - made > BACKUP_MAX_AGE:
        return Check("backup", "warn", "backup.old", params)
    return Check("backup", "ok", "backup.ok", params)


def _log(lines: list[str], facts: dict[str, Any]) -> Check:
    errors = sum(1 for line in lines if _ERROR.search(line))
    facts["log"] = {"lines": len(lines), "errors": errors}
    if not lines:
        return Check("log", "info", "log.none")
    if errors:
        return Check("log", "warn", "log.warn", {"errors": errors, "lines": len(lines)})
    return Check("log", "ok", "log.ok", {"lines": len(lines)})


# -- helpers -------------------------------------------------------------------------------


def tail_log(logs_dir: Path, limit: int = LOG_LINES) -> list[str]:
    """The last ``limit`` lines of the application's logs (rotated files included), oldest first."""
    if not logs_dir.is_dir():
        return []
    files = sorted(logs_dir.glob(f"{LOG_FILE_NAME}*"), key=lambda p: p.stat().st_mtime)
    kept: deque[str] = deque(maxlen=limit)
    for path in files[-3:]:
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    kept.append(line.rstrip("\n"))
        except OSError:
            continue
    return list(kept)


def human_size(size: float) -> str:
    """``1,5 GB`` style (Vietnamese decimal comma)."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            text = f"{size:.1f}" if unit in ("GB", "TB") else f"{size:.0f}"
            return f"{text.replace('.', ',')} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    from commune_desk.domain.calendar import VN_TZ

    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value
