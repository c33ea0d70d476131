"""The first pull of a new PC from the server's snapshot, falling back to paging.

When this PC has never pulled (cursor 0, no pull from zero under way) and its
store holds no synced record and no unsent work, and the commune is large
enough for it to pay, the engine downloads the commune's snapshot into the
data folder (``snapshot/``), checks its SHA-256, unpacks it and seeds the store
(:mod:`commune_desk.sync.seed`). Ordinary paging then continues from the
snapshot's cursor.

Nothing here can lose or block work: a server without the endpoint (404), a
refusal, a digest that does not match, a snapshot the PC cannot take whole
or a link that keeps cutting all end in paging, as before. A cut download
keeps its part file and resumes with ``Range`` next time (the same file, by
its ETag); anything else is deleted.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from commune_desk import protocol as p
from commune_desk.protocol import snapshot as snap
from commune_desk.store.opening import Store
from commune_desk.sync.client import SnapshotReply, SyncClient
from commune_desk.sync.errors import SyncError, SyncErrorKind
from commune_desk.sync.seed import SeedResult, SnapshotUnusable, seed_from_snapshot, store_is_empty
from commune_desk.sync.state import load_state

log = logging.getLogger(__name__)

#: Below this many changes in the commune, paging is about as quick as a snapshot.
SNAPSHOT_MIN_CHANGES = 20_000
#: Attempts at the download in one round (each resumes where the last one was cut).
ATTEMPTS = 3
_PART, _INFO, _FILE = "snapshot.gz.part", "snapshot.json", "snapshot.sqlite3"


def snapshot_folder(store: Store) -> Path:
    """Where the download lives: the data folder of the store."""
    return store.path.parent / "snapshot"


def wants_snapshot(store: Store, device_id: str, hs: p.HandshakeResponse, min_changes: int) -> bool:
    """True when a snapshot may seed this store (never pulled, empty, commune large enough)."""
    if hs.relay or hs.cursor < max(min_changes, 1):
        return False
    with store.write.begin() as session:
        state = load_state(session, device_id)
        return state.cursor == 0 and not state.resync and store_is_empty(session)


def first_pull(
    store: Store,
    client: SyncClient,
    *,
    device_id: str,
    hs: p.HandshakeResponse,
    min_changes: int = SNAPSHOT_MIN_CHANGES,
) -> SeedResult | None:
    """Seed the store from the server's snapshot when it should; None when paging must do it all."""
    folder = snapshot_folder(store)
    if not wants_snapshot(store, device_id, hs, min_changes):
        clear(folder)
        return None
    try:
        packed, sha256 = download(client, folder)
        unpacked = folder / _FILE
        snap.expand(packed, unpacked, sha256)
        expect = (hs.commune_code, hs.epoch, hs.source_id or "")
        seeded = seed_from_snapshot(store, unpacked, device_id=device_id, expect=expect)
        clear(folder)
        return seeded
    except SyncError as exc:
        log.warning("snapshot not used (%s: %s); paging instead", exc.kind.value, exc.message)
        if exc.kind is not SyncErrorKind.OFFLINE:
            clear(folder)
        return None
    except (snap.SnapshotError, SnapshotUnusable) as exc:
        log.warning("snapshot refused (%s); paging instead", exc)
        clear(folder)
        return None
    finally:
        (folder / _FILE).unlink(missing_ok=True)


def seed_from_stick(store: Store, packed: Path, *, device_id: str, commune_code: str) -> SeedResult:
    """Seed a new PC from a snapshot file written by ``city-server snapshot`` (a USB stick).

    A stick passes through many hands: the file is taken only with ``<file>.sig``,
    the city server's signature of its digest, checked with the key of the
    server this PC logged in to (a changed byte, another server's file or a
    hand-made one is refused). Raises :class:`SnapshotUnusable` with the reason;
    nothing is written then. The next sync pulls after its cursor.
    """
    folder = snapshot_folder(store)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        sha256 = _signed_digest(store, packed)
        snap.expand(packed, folder / _FILE, sha256)
        return seed_from_snapshot(store, folder / _FILE, device_id=device_id, commune_code=commune_code)
    except (OSError, IndexError, UnicodeDecodeError, snap.SnapshotError) as exc:
        raise SnapshotUnusable(str(exc)) from exc
    finally:
        clear(folder)


def _signed_digest(store: Store, packed: Path) -> str:
    """The digest in ``<file>.sha256`` once the city's signature of it in ``<file>.sig`` is
    verified; :func:`snap.expand` then checks the file against it (the file is read once)."""
    from commune_desk.sync.device_key import signature_valid  # noqa: PLC0415
    from commune_desk.sync.relay_link import source_facts  # noqa: PLC0415

    with store.read() as session:
        key = source_facts(session).get("server_key")
    if not key:
        raise SnapshotUnusable("this PC does not know its city server's key yet: sync once first")
    sig_file = packed.with_name(packed.name + ".sig")
    if not sig_file.is_file():
        raise SnapshotUnusable(f"{sig_file.name} (the city server's signature) is not beside the file")
    sidecar = packed.with_name(packed.name + ".sha256")
    if not sidecar.is_file():
        raise SnapshotUnusable(f"{sidecar.name} (the file's digest) is not beside the file")
    sha256 = sidecar.read_text(encoding="ascii").split()[0].lower()
    signature = sig_file.read_text(encoding="ascii", errors="replace").strip()
    if not signature_valid(str(key), snap.stick_signing_message(sha256), signature):
        raise SnapshotUnusable("the file is not the one this PC's city server signed")
    return sha256


def download(client: SyncClient, folder: Path) -> tuple[Path, str]:
    """Download (or resume) the snapshot into ``folder``; return (file, SHA-256 it must have)."""
    folder.mkdir(parents=True, exist_ok=True)
    part, info_path = folder / _PART, folder / _INFO
    info: dict[str, Any] | None = _load_info(info_path) if part.exists() else None
    for attempt in range(1, ATTEMPTS + 1):
        if info is not None and part.stat().st_size >= info["size"] >= 0:
            break  # complete: the digest decides

        def remember(reply: SnapshotReply) -> None:
            nonlocal info
            if reply.resumed and info is not None:
                return
            size = reply.size if reply.size >= 0 else -1
            info = {"sha256": reply.sha256, "cursor": reply.cursor, "size": size}
            info_path.write_text(json.dumps(info), encoding="utf-8")

        start = part.stat().st_size if (info is not None and part.exists()) else 0
        try:
            with part.open("a+b") as out:
                reply = client.snapshot(
                    out, start=start, etag=info["sha256"] if info else None, on_reply=remember
                )
            if reply.size < 0 or info is None:
                break
            if reply.resumed:
                info["size"] = start + reply.size
        except SyncError as exc:
            if exc.kind is not SyncErrorKind.OFFLINE or attempt == ATTEMPTS:
                raise
            log.info("snapshot download cut (%s); resuming", exc.message)
    if info is None or not info.get("sha256"):
        raise snap.SnapshotError("the server sent no digest with its snapshot")
    return part, str(info["sha256"])


def _load_info(path: Path) -> dict[str, Any] | None:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and isinstance(info.get("size"), int) else None


def clear(folder: Path) -> None:
    """Forget a download (files of an earlier attempt included)."""
    for name in (_PART, _INFO, _FILE):
        (folder / name).unlink(missing_ok=True)
