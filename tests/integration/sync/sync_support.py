"""Shared pieces of the sync integration tests: clerks on real stores, convergence checks."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from tests.helpers.city_server import RunningServer, ServerUser, SyncDevice

from commune_desk import protocol as p
from commune_desk.app import AppContext
from commune_desk.paths import AppPaths
from commune_desk.services import NewDossier, NewIncomingDocument
from commune_desk.services.restore import RestoreInfo
from commune_desk.services.restore import restore_backup as _restore
from commune_desk.store.lock import StoreLock
from commune_desk.store.models import OutboxOp
from commune_desk.sync.account import login
from commune_desk.sync.engine import SyncEngine
from commune_desk.sync.records import ENTITY_MODELS, comparable_fields, content_hash, local_view

PROCEDURE = "HT-KS"


@dataclass
class Clerk:
    """One PC: its own data folder, store, services and sync engine."""

    name: str
    ctx: AppContext
    engine: SyncEngine

    @property
    def services(self) -> Any:
        return self.ctx.services

    def close(self) -> None:
        self.ctx.close()

    def register(self, i: int = 0) -> str:
        """Register a dossier; return its id."""
        detail = self.services.register_dossier(
            NewDossier(
                procedure_code=procedure_code(self),
                applicant_name=f"Nguyễn Văn {self.name} {i}",
                applicant_id_number="001099012345",
                received_by=self.name,
            )
        ).value
        return detail.summary.id

    def incoming(self, i: int = 0) -> Any:
        """Register an incoming document."""
        return self.services.register_incoming(
            NewIncomingDocument(
                author="UBND thành phố",
                summary=f"Công văn {self.name} {i}",
            )
        ).value

    def open_ops(self) -> int:
        with self.ctx.store.read() as s:
            return len(list(s.scalars(select(OutboxOp).where(OutboxOp.state.in_(("pending", "in_flight"))))))


def procedure_code(clerk: Clerk) -> str:
    """A procedure of the bundled catalogue."""
    return clerk.services.list_procedures()[0].code


def make_clerk(
    root: Path,
    name: str,
    server_url: str,
    user: ServerUser,
    *,
    sync_url: str | None = None,
    timeout: tuple[float, float] = (2.0, 5.0),
    insecure_storage: bool = False,
) -> Clerk:
    """A fresh installation logged in to ``server_url`` (syncing through ``sync_url``).

    ``insecure_storage`` keeps the secrets in the data folder's file (shared with child
    processes) instead of the test's in-memory keyring.
    """
    ctx = AppContext.open(AppPaths.resolve(root / name))
    login(
        ctx.store,
        server_url=server_url,
        username=user.username,
        password=user.password,
        insecure_storage=insecure_storage,
    )
    engine = SyncEngine(ctx.store, ctx.blobs, timeout=timeout, server_url=sync_url)
    return Clerk(name, ctx, engine)


def server_snapshot(server: RunningServer, commune: str) -> list[dict[str, Any]]:
    """Every current record of a commune, read over HTTP by a fresh leader device."""
    device = SyncDevice(server, server.user(commune, p.Role.LEADER))
    try:
        changes, _ = device.pull_all()
    finally:
        device.close()
    return changes


def assert_converged(server: RunningServer, commune: str, clerks: list[Clerk]) -> None:
    """Every clerk holds exactly the server's records (content hashes), nothing pending."""
    changes = server_snapshot(server, commune)
    live = [c for c in changes if not c["deleted"] and c["entity"] in ENTITY_MODELS]
    expected = {
        (c["entity"], c["entity_id"]): content_hash(
            c["entity"], c["entity_id"], comparable_fields(c["entity"], c["fields"])
        )
        for c in live
    }
    codes = Counter(c["fields"].get("code") for c in live if c["entity"] == "dossier")
    assert all(n == 1 for n in codes.values()), f"duplicate dossier codes: {codes}"
    numbers = Counter(
        (c["fields"].get("series"), c["fields"].get("number"))
        for c in live
        if c["entity"] in ("incoming_document", "outgoing_document") and c["fields"].get("number") is not None
    )
    assert all(n == 1 for n in numbers.values()), f"number issued twice: {numbers}"
    by_id = {c["entity_id"]: comparable_fields(c["entity"], c["fields"]).keys() for c in live}
    for clerk in clerks:
        assert clerk.open_ops() == 0, f"{clerk.name} still has unpushed operations"
        got: dict[tuple[str, str], str] = {}
        with clerk.ctx.store.read() as s:
            for entity, model in ENTITY_MODELS.items():
                for rec in s.scalars(select(model)):
                    if rec.server_version is None and not rec.dirty:
                        continue  # installed reference data never changed here (the calendar seed)
                    key = (str(entity), rec.id)
                    names = by_id.get(rec.id)
                    if names is None:
                        got[key] = "missing on server"
                        continue
                    got[key] = content_hash(entity, rec.id, local_view(entity, rec, names))
        missing = expected.keys() - got.keys()
        extra = got.keys() - expected.keys()
        assert not missing, f"{clerk.name} lacks {sorted(missing)[:5]}"
        assert not extra, f"{clerk.name} has records the server lacks: {sorted(extra)[:5]}"
        differ = [k for k in expected if expected[k] != got[k]]
        assert not differ, f"{clerk.name} differs on {differ[:5]}"


def new_id() -> str:
    return str(uuid.uuid4())


def restore_backup(paths: AppPaths, archive: Path) -> RestoreInfo:
    """Restore ``archive`` as ``commune-desk restore`` does: holding the store lock."""
    with StoreLock.acquire(paths.data_dir, purpose="restore") as lock:
        return _restore(paths, archive, lock=lock)
