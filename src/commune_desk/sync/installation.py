"""Which installation this store belongs to, and whether it went backwards.

A device identity (the UUID every operation and lease is tied to) belongs to
one *installation*: this computer (Windows' ``MachineGuid``, Linux's
``/etc/machine-id``) and this data folder. It is checked every time the
store is opened, before anything can be numbered:

- **Moved or cloned.** The fingerprint differs (the folder was copied to a
  second PC, imaged, or moved): the store gets a new device id — a new device
  for the server, with its own leases. The counter slot and number blocks of
  the old identity are dropped, so this copy cannot issue a code or number
  the original may also issue; the old identity's unsent operations are set
  aside in the quarantine (the original PC, or a person, delivers them).
  Syncing needs a new login.
- **Rewound.** The same installation, but the store is behind the *witness*
  (``sync-witness.json`` beside the store, written before every push and not
  part of backups, with a compact copy in the OS keyring so that a data
  folder copied back over this one is noticed too): it was restored from a
  backup. Every counter continues above what the witness says was sent:
  operation seq, each day's dossier-code counter, each register's numbers.

A fork the client cannot see (a disk image copied with its machine id) is
caught by the server: the same device and seq with another operation is
``device_cloned``; the next login then makes a new identity.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from commune_desk import protocol as p
from commune_desk.domain.errors import DomainError
from commune_desk.domain.numbers import parse_series
from commune_desk.store.audit import audit
from commune_desk.store.models import IssuedNumber, LocalCounter, NumberLease, OutboxOp, SyncState
from commune_desk.store.opening import Store
from commune_desk.store.outbox import (
    DOSSIER_COUNTER_PREFIX,
    OUTBOX_SEQ,
    counter_value,
    dossier_counter_name,
    set_counter,
)
from commune_desk.store.settings import (
    DEVICE_ID,
    INSTALLATION,
    SYNC_ACCOUNT,
    ensure_device_id,
    get_setting,
    merge_office,
    put_setting,
)
from commune_desk.sync.credentials import KEYRING_SERVICE
from commune_desk.sync.state import load_state, quarantine

log = logging.getLogger(__name__)

#: Environment variable that sets the machine id (tests, portable copies on a stick).
MACHINE_ID_ENV = "COMMUNE_DESK_MACHINE_ID"
#: The witness file, beside the store (never inside a backup archive).
WITNESS_NAME = "sync-witness.json"
#: The counter slot value meaning "no slot leased: log in online first".
NO_SLOT = 0
#: Daily code counters kept in the keyring's copy of the witness.
KEYRING_CODES = 12


class IdentityEvent(StrEnum):
    """What opening the store found out about its installation."""

    SAME = "same"
    NEW = "new"
    MOVED = "identity_changed"
    REWOUND = "store_rewound"


@dataclass(frozen=True)
class IdentityCheck:
    """The outcome of :func:`check_installation`."""

    event: IdentityEvent
    device_id: str
    previous_device_id: str | None = None
    set_aside: int = 0


def machine_id() -> str:
    """A stable identifier of this computer (its OS installation)."""
    override = os.environ.get(MACHINE_ID_ENV)
    if override:
        return override
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import winreg

        with (
            contextlib.suppress(OSError),
            winreg.OpenKey(
                winreg.HKEY_LOCAL_MACHINE,
                r"SOFTWARE\Microsoft\Cryptography",
                0,
                winreg.KEY_READ | winreg.KEY_WOW64_64KEY,
            ) as key,
        ):
            return str(winreg.QueryValueEx(key, "MachineGuid")[0])
    for candidate in (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id")):
        with contextlib.suppress(OSError):
            text = candidate.read_text(encoding="ascii").strip()
            if text:
                return text
    return f"{platform.node()}-{uuid.getnode():012x}"


def installation_fingerprint(data_dir: Path) -> str:
    """SHA-256 of this computer's id and the data folder's absolute path."""
    folder = os.path.normcase(str(Path(data_dir).resolve()))
    return hashlib.sha256(f"{machine_id()}\n{folder}".encode()).hexdigest()


def check_installation(store: Store, data_dir: Path) -> IdentityCheck:
    """Tie the store's device identity to this installation; repair a move or a rewind.

    Run when the store is opened, before the services are built (they carry
    the device id).
    """
    fingerprint = installation_fingerprint(data_dir)
    with store.write.begin() as session:
        device_id = ensure_device_id(session)
        stored = get_setting(session, INSTALLATION) or {}
        if not stored.get("fingerprint"):
            put_setting(session, INSTALLATION, {"fingerprint": fingerprint, "device_id": device_id})
            return IdentityCheck(IdentityEvent.NEW, device_id)
        if stored["fingerprint"] != fingerprint or stored.get("device_id") != device_id:
            old = device_id
            device_id, set_aside = new_identity(session, "installation changed")
            put_setting(session, INSTALLATION, {"fingerprint": fingerprint, "device_id": device_id})
            return IdentityCheck(IdentityEvent.MOVED, device_id, old, set_aside)
        if stored.get("forked"):
            return IdentityCheck(IdentityEvent.SAME, device_id)
        # The keyring's copy matters once this PC syncs (a PC without a server account
        # never loads the keyring: see sync.credentials); the file witness always counts.
        kept = _keyring_witness(device_id) if get_setting(session, SYNC_ACCOUNT) else {}
        if apply_witness(session, _merge_witness(read_witness(store), kept), device_id):
            return IdentityCheck(IdentityEvent.REWOUND, device_id)
    return IdentityCheck(IdentityEvent.SAME, device_id)


def new_identity(session: Session, reason: str) -> tuple[str, int]:
    """Give this store a new device id (caller's transaction); return it and the ops set aside.

    The old identity's counter slot, number blocks and account go (its tokens
    belong to the old id); its unsent operations are set aside in the
    quarantine, since the installation it was copied from may still send them.
    The pull cursor is kept: the records here are the commune's all the same.
    """
    old = ensure_device_id(session)
    new = str(uuid.uuid4())
    put_setting(session, DEVICE_ID, new)
    open_ops = list(
        session.scalars(
            select(OutboxOp).where(OutboxOp.device_id == old, OutboxOp.state.in_(p.OPEN_OUTBOX_STATES))
        )
    )
    for op in open_ops:
        quarantine(
            session,
            op.op_id,
            IdentityEvent.MOVED.value,
            "made under this PC's previous identity; the PC it was copied from may still send it",
        )
    session.execute(delete(NumberLease).where(NumberLease.source == "server"))
    logged_in = get_setting(session, SYNC_ACCOUNT) is not None
    if logged_in:
        merge_office(session, counter_slot=NO_SLOT)
        put_setting(session, SYNC_ACCOUNT, None)
    previous = session.get(SyncState, old)
    state = load_state(session, new)
    if previous is not None:
        state.cursor, state.epoch, state.server_url = previous.cursor, previous.epoch, previous.server_url
    state.notice = IdentityEvent.MOVED.value
    set_counter(session, OUTBOX_SEQ, 0)
    audit(
        session,
        "device_identity_changed",
        actor="system",
        entity="device",
        entity_id=new,
        details={"previous": old, "reason": reason, "set_aside": len(open_ops), "was_logged_in": logged_in},
        at=datetime.now(UTC),
    )
    log.warning("new device identity %s (was %s): %s", new, old, reason)
    return new, len(open_ops)


def mark_forked(store: Store) -> None:
    """The server saw another installation use this device id: the next login makes a new one."""
    with store.write.begin() as session:
        stored = dict(get_setting(session, INSTALLATION) or {})
        stored["forked"] = True
        put_setting(session, INSTALLATION, stored)


def renew_identity_if_forked(store: Store) -> str | None:
    """At login: a new device id when the server said this one is shared; None otherwise."""
    with store.write.begin() as session:
        stored = dict(get_setting(session, INSTALLATION) or {})
        if not stored.get("forked"):
            return None
        device_id, _ = new_identity(session, "the server saw this device id used by another installation")
        put_setting(session, INSTALLATION, {"fingerprint": stored.get("fingerprint"), "device_id": device_id})
        return device_id


# -- the witness -------------------------------------------------------------------------


def witness_path(store: Store) -> Path:
    """Where the witness of ``store`` lives (beside it, never in a backup)."""
    return store.path.with_name(WITNESS_NAME)


def counters_witness(session: Session, device_id: str, sent_seq: int) -> dict[str, Any]:
    """What this PC may have sent so far: seq, daily dossier counters, register numbers."""
    codes = dict(
        session.execute(
            select(LocalCounter.name, LocalCounter.value).where(
                LocalCounter.name.startswith(DOSSIER_COUNTER_PREFIX)
            )
        ).all()
    )
    numbers = {
        series: int(top)
        for series, top in session.execute(
            select(IssuedNumber.series, func.max(IssuedNumber.number)).group_by(IssuedNumber.series)
        )
    }
    return {"device_id": device_id, "seq": sent_seq, "codes": codes, "numbers": numbers}


def write_witness(store: Store, witness: dict[str, Any]) -> None:
    """Replace the witness file durably (kept monotonic: never below what it said before)."""
    path = witness_path(store)
    old = read_witness(store)
    if old.get("device_id") == witness["device_id"]:
        witness = {
            **witness,
            "seq": max(int(old.get("seq", 0)), int(witness["seq"])),
            "codes": _max_merge(old.get("codes", {}), witness["codes"]),
            "numbers": _max_merge(old.get("numbers", {}), witness["numbers"]),
        }
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as handle:
        json.dump(witness, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
    _save_keyring_witness(witness)


def _keyring_account(device_id: str) -> str:
    return f"witness|{device_id}"


def _save_keyring_witness(witness: dict[str, Any]) -> None:
    """A compact copy in the OS keyring (a few hundred bytes: the last days' codes only)."""
    codes = dict(sorted(witness["codes"].items())[-KEYRING_CODES:])
    compact = {**witness, "codes": codes}
    try:
        import keyring  # noqa: PLC0415 - loaded only when a witness is kept (see sync.credentials)

        keyring.set_password(KEYRING_SERVICE, _keyring_account(witness["device_id"]), json.dumps(compact))
    except Exception as exc:  # a missing or locked keyring: the file witness still stands
        log.info("witness not kept in the keyring: %s", exc)


def _keyring_witness(device_id: str) -> dict[str, Any]:
    try:
        import keyring  # noqa: PLC0415 - loaded only when a PC that syncs opens

        raw = keyring.get_password(KEYRING_SERVICE, _keyring_account(device_id))
        data = json.loads(raw) if raw else {}
    except Exception as exc:  # a missing or locked keyring, a damaged entry
        log.info("witness not read from the keyring: %s", exc)
        return {}
    return data if isinstance(data, dict) else {}


def _merge_witness(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The higher of two witnesses of the same device (either may be missing)."""
    if not b or b.get("device_id") != a.get("device_id", b.get("device_id")):
        return a or b
    if not a:
        return b
    return {
        "device_id": a["device_id"],
        "seq": max(int(a.get("seq", 0)), int(b.get("seq", 0))),
        "codes": _max_merge(a.get("codes", {}), b.get("codes", {})),
        "numbers": _max_merge(a.get("numbers", {}), b.get("numbers", {})),
    }


def read_witness(store: Store) -> dict[str, Any]:
    """The witness, or an empty dict when there is none (or it is unreadable)."""
    try:
        data = json.loads(witness_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _max_merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, int]:
    out = {k: int(v) for k, v in a.items() if isinstance(v, int)}
    for k, v in b.items():
        if isinstance(v, int):
            out[k] = max(out.get(k, 0), v)
    return out


def apply_witness(session: Session, witness: dict[str, Any], device_id: str) -> bool:
    """Make every counter continue above the witness; True when the store was behind it."""
    if witness.get("device_id") != device_id:
        return False
    behind = False
    seq = int(witness.get("seq", 0) or 0)
    if counter_value(session, OUTBOX_SEQ) < seq:
        set_counter(session, OUTBOX_SEQ, seq)
        behind = True
    for name, value in (witness.get("codes") or {}).items():
        known = isinstance(name, str) and name.startswith(DOSSIER_COUNTER_PREFIX) and isinstance(value, int)
        if known and counter_value(session, name) < value:
            set_counter(session, name, value)
            behind = True
    for series, number in (witness.get("numbers") or {}).items():
        if isinstance(series, str) and isinstance(number, int):
            behind |= raise_floor(session, series, number)
    if behind:
        state = load_state(session, device_id)
        state.notice = IdentityEvent.REWOUND.value
        audit(
            session,
            "store_rewound",
            actor="system",
            entity="device",
            entity_id=device_id,
            details={"witness_seq": seq},
            at=datetime.now(UTC),
        )
        log.warning("store is behind its witness (restored from a backup): counters moved on")
    return behind


def raise_floor(session: Session, series: str, floor: int) -> bool:
    """Never issue a number ``<= floor`` of ``series`` from this PC's leases again.

    Leases wholly below the floor are dropped, the others start above it.
    True when a lease changed.
    """
    changed = False
    for lease in session.scalars(select(NumberLease).where(NumberLease.series == series)):
        issued = session.scalar(
            select(func.count())
            .select_from(IssuedNumber)
            .where(
                IssuedNumber.series == series,
                IssuedNumber.number >= lease.start,
                IssuedNumber.number <= min(floor, lease.end),
            )
        )
        unissued_below = min(floor, lease.end) - lease.start + 1 - int(issued or 0)
        if lease.start > floor or unissued_below <= 0:
            continue
        if lease.end <= floor:
            session.delete(lease)
        else:
            lease.start = floor + 1
        changed = True
    return changed


def apply_marks(session: Session, marks: p.HighWaterMarks) -> None:
    """Counters continue above what the server knows: daily codes and register numbers."""
    for series, number in marks.codes.items():
        head, _, day_text = series.rpartition("/")
        try:
            day = datetime.strptime(day_text, "%y%m%d").date()
            parse_series(head)
        except (ValueError, DomainError):
            continue
        slot = number // 1000
        name = dossier_counter_name(day, slot)
        if counter_value(session, name) < number:
            set_counter(session, name, number)
    for series, number in marks.numbers.items():
        raise_floor(session, series, number)
