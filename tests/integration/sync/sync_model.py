"""A stateful model of a commune's PCs and the city server (hypothesis ``RuleBasedStateMachine``).

Two or three real data folders (each a full installation: store, blobs,
witness) sync through their own fault proxy with the real city server.
Rules are what happens in an office: intake, a dossier event, an edit, a
voided number, an attachment, a backup, a restore of any earlier backup, a
sync through a broken link, a sync killed mid-way (SIGKILL of a child
process), a token refresh whose reply is lost, the city server restored to
any earlier snapshot, a PC revoked with work it never sent (and replaced),
and a data folder cloned to another PC.

After every few rules, and at the end, the model *settles* (links repaired,
the operator ends the recovery hold, every PC syncs until nothing is left)
and checks the invariants:

- every record pushed, or typed and not rewound by a restore, is on the
  server exactly once (refused events of illegal transitions excepted: the
  server keeps them in their conflict);
- every PC holds exactly its commune's records as the server has them, and
  the same derived values (status, appointment) as every other PC;
- no dossier code or register number is used twice;
- every gap in a register is explained: an unused number of a block still
  held by a PC that never issued it, or of a block given up by a revoked PC;
- ``db check`` is clean on every PC.

Used by ``test_sync_model.py`` (bounded, in CI) and ``bench/sync_model_soak.py``.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import keyring
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from sqlalchemy import select
from tests.helpers.city_server import RunningServer, ServerUser, SyncDevice, database_url, run_city_server
from tests.helpers.fault_proxy import FaultProxy
from tests.helpers.memory_keyring import FILE_KEYRING_ENV, FileKeyring
from tests.helpers.server_snapshot import Snapshot, restore, snapshot
from tests.integration.sync.sync_support import Clerk, assert_converged, restore_backup

from city_server.cli import main as city_server_main
from commune_desk import protocol as p
from commune_desk.app import AppContext
from commune_desk.domain.accounts import Actor
from commune_desk.domain.dossier import DossierStatus, EventKind, allowed_events
from commune_desk.domain.errors import DomainError
from commune_desk.domain.roles import Role
from commune_desk.paths import AppPaths
from commune_desk.services.backup import create_backup
from commune_desk.store.models import (
    AuditEntry,
    ClerkAccount,
    Dossier,
    IncomingDocument,
    IssuedNumber,
    QuarantinedOp,
)
from commune_desk.sync.account import login
from commune_desk.sync.engine import RoundResult, SyncEngine
from commune_desk.sync.errors import SyncError
from commune_desk.sync.records import ENTITY_MODELS

CHILD = Path(__file__).with_name("sync_child.py")
COMMUNE = "C01"
MAX_PCS = 3
EVENTS = sorted(
    {
        EventKind.ASSIGNED,
        EventKind.HANDED_OVER,
        EventKind.SUPPLEMENT_REQUESTED,
        EventKind.SUPPLEMENT_RECEIVED,
        EventKind.PAYMENT_REQUESTED,
        EventKind.PAID,
        EventKind.RESULT_READY,
        EventKind.RETURNED,
        EventKind.NOTE,
    }
)
FAULTS: list[dict[str, Any]] = [
    {},
    dict(drop_reply=True, match=b"POST /v1/push", times=1),
    dict(cut_up_after=700, match=b"POST /v1/push", times=1),
    dict(cut_down_after=600, match=b"GET /v1/pull", times=1),
    dict(truncate_down_after=250, match=b"GET /v1/pull", times=1),
    dict(cut_up_after=9_000, match=b"PUT /v1/blobs", times=1),
    dict(drop_reply=True, match=b"POST /v1/handshake", times=1),
    dict(cut_every=30_000),
]
#: The same scan attached on two PCs (one blob for both).
SHARED_SCAN = b"same scan " * 3000
#: Sync outcomes a round may end with while links are broken or the world moves.
TOLERATED = {"offline", "server_unavailable", "device_draining", "busy"}
#: What a clerk does when the PC says its session is gone: log in again.
RELOGIN = {"session_expired", "not_logged_in"}


class ModelViolation(AssertionError):
    """An invariant of the model does not hold."""


@dataclass
class PC:
    """One installation: its folder, its link, what it typed and backed up."""

    name: str
    folder: Path
    proxy: FaultProxy
    clerk: Clerk
    typed: dict[str, int] = field(default_factory=dict)
    backups: list[tuple[Path, int]] = field(default_factory=list)
    revoked: bool = False
    told: bool = False
    retired: bool = False
    drained_step: int | None = None

    @property
    def live(self) -> bool:
        return not self.retired

    def __repr__(self) -> str:
        return f"PC({self.name})"


@dataclass
class World:
    """The server and the bookkeeping of what must be true."""

    server: RunningServer
    user: ServerUser
    root: Path
    pcs: list[PC] = field(default_factory=list)
    snapshots: list[tuple[Snapshot, int]] = field(default_factory=list)
    explained_lost: set[str] = field(default_factory=set)
    refused_events: set[str] = field(default_factory=set)
    step: int = 0
    kills_left: int = 1
    log: list[str] = field(default_factory=list)


def make_machine(root: Path, backend: str, seed: int = 0) -> type[RuleBasedStateMachine]:
    """The model bound to a scratch folder and a database backend."""
    counter = iter(range(10**6))

    class SyncModel(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.rng = random.Random(seed)
            self.stack = contextlib.ExitStack()
            folder = root / f"example-{next(counter)}"
            folder.mkdir(parents=True)
            # One keyring file shared with the child processes that get killed mid-sync.
            self.keyring_file = folder / "keyring.json"
            previous = keyring.get_keyring()
            keyring.set_keyring(FileKeyring(str(self.keyring_file)))
            self.stack.callback(keyring.set_keyring, previous)
            url = self.stack.enter_context(database_url(backend, folder))
            server = self.stack.enter_context(run_city_server(url, communes=(COMMUNE,)))
            self.world = World(server, server.user(COMMUNE), folder)
            self.refresh_grace = _has_refresh_grace(server)

        # -- set-up and tear-down ---------------------------------------------------------

        @initialize()
        def two_pcs(self) -> None:
            for _ in range(2):
                self._new_pc()

        def teardown(self) -> None:
            try:
                if self.world.pcs:
                    self._settle_and_check()
            finally:
                for pc in self.world.pcs:
                    with contextlib.suppress(Exception):
                        pc.clerk.close()
                    pc.proxy.close()
                self.stack.close()

        # -- what a clerk does ----------------------------------------------------------

        @rule(data=st.data())
        def intake(self, data: st.DataObject) -> None:
            pc = self._pick(data, working=True)
            if pc is None:
                return
            with _tolerate("no_counter_slot", "counter_slot_exhausted"):
                self._typed(pc, pc.clerk.register(self.world.step))
                self._note(f"{pc.name} intake")

        @rule(data=st.data())
        def dossier_event(self, data: st.DataObject) -> None:
            pc = self._pick(data, working=True)
            if pc is None:
                return
            with pc.clerk.ctx.store.read() as s:
                rows = [(i, st_) for i, st_ in s.execute(select(Dossier.id, Dossier.status))]
            if not rows:
                return
            dossier_id, status = data.draw(st.sampled_from(sorted(rows)))
            options = [e for e in allowed_events(DossierStatus(status)) if e in EVENTS]
            if not options:
                return
            kind = data.draw(st.sampled_from(options))
            with _tolerate("illegal_transition"):
                detail = pc.clerk.services.record_event(dossier_id, kind, actor=pc.name).value
                self._typed(pc, detail.events[-1].id)
                self._note(f"{pc.name} event {kind.value}")

        @rule(data=st.data())
        def edit(self, data: st.DataObject) -> None:
            pc = self._pick(data, working=True)
            if pc is None:
                return
            with pc.clerk.ctx.store.read() as s:
                docs = sorted(s.scalars(select(IncomingDocument.id)))
            if not docs or data.draw(st.booleans()):
                doc = pc.clerk.incoming(self.world.step)
                self._typed(pc, doc.id)
                self._note(f"{pc.name} incoming {doc.number}")
                return
            handler = data.draw(st.sampled_from(["Ông An", "Bà Bình", "Chị Cúc"]))
            pc.clerk.services.assign_incoming(data.draw(st.sampled_from(docs)), handler=handler)
            self._note(f"{pc.name} assign {handler}")

        @rule(data=st.data())
        def void_a_number(self, data: st.DataObject) -> None:
            pc = self._pick(data, working=True)
            if pc is None:
                return
            with pc.clerk.ctx.store.read() as s:
                issued = sorted(
                    (n.series, n.number)
                    for n in s.scalars(select(IssuedNumber).where(IssuedNumber.voided.is_(False)))
                )
                # Voiding is a leader's act: the leader signs in on the PC and voids as
                # themself (the server checks the operation's actor, not the PC's user).
                leader = s.scalars(
                    select(ClerkAccount).where(ClerkAccount.role == "leader", ClerkAccount.active.is_(True))
                ).first()
            if not issued or leader is None:
                return
            series, number = data.draw(st.sampled_from(issued))
            actor = Actor(username=leader.username, name=leader.full_name, role=Role.LEADER)
            with _tolerate("number_not_voidable"):
                pc.clerk.services.void_number(series, number, reason="viết hỏng", actor=actor)
                self._note(f"{pc.name} void {series} {number} by {leader.username}")

        @rule(data=st.data())
        def attachment(self, data: st.DataObject) -> None:
            pc = self._pick(data, working=True)
            if pc is None:
                return
            with pc.clerk.ctx.store.read() as s:
                ids = sorted(s.scalars(select(Dossier.id)))
            if not ids:
                return
            blob = SHARED_SCAN if data.draw(st.booleans(), label="shared scan") else os.urandom(20_000)
            info = pc.clerk.services.add_attachment(
                "dossier", data.draw(st.sampled_from(ids)), source=blob, filename="scan.pdf"
            ).value
            self._typed(pc, info.id)
            self._note(f"{pc.name} attachment")

        # -- what IT staff and the network do -----------------------------------------------

        @rule(data=st.data())
        def back_up(self, data: st.DataObject) -> None:
            pc = self._pick(data)
            if pc is None:
                return
            info = create_backup(pc.clerk.ctx.paths, to_dir=self.world.root / f"backups-{pc.name}", keep=1000)
            pc.backups.append((info.path, self.world.step))
            self._note(f"{pc.name} backup")

        @rule(data=st.data())
        def restore_a_backup(self, data: st.DataObject) -> None:
            pc = self._pick(data)
            if pc is None or not pc.backups:
                return
            archive, taken = data.draw(st.sampled_from(pc.backups))
            self._collect_refusals(pc)
            on_server = self._server_ids()
            rewound = {i for i, step in pc.typed.items() if step >= taken and i not in on_server}
            self.world.explained_lost |= rewound
            pc.clerk.close()
            restore_backup(pc.clerk.ctx.paths, archive)
            pc.clerk = _reopen(pc.clerk, pc.proxy.url)
            self._note(f"{pc.name} restored a backup of step {taken} ({len(rewound)} rewound)")

        @rule(data=st.data(), fault=st.sampled_from(FAULTS))
        def sync_through_a_broken_link(self, data: st.DataObject, fault: dict[str, Any]) -> None:
            pc = self._pick(data)
            if pc is None:
                return
            pc.proxy.set(**fault)
            try:
                self._sync(pc)
            finally:
                pc.proxy.clear()
            self._note(f"{pc.name} sync {sorted(fault)}")

        @precondition(lambda self: self.world.kills_left > 0 and os.name == "posix")
        @rule(data=st.data(), after=st.floats(0.05, 1.0))
        def kill_mid_sync(self, data: st.DataObject, after: float) -> None:
            pc = self._pick(data, working=True)
            if pc is None:
                return
            self.world.kills_left -= 1
            pc.proxy.set(bandwidth=300_000, latency=0.01)
            try:
                _kill_a_child_sync(pc, self.keyring_file, after)
            finally:
                pc.proxy.clear()
            self._note(f"{pc.name} sync killed after {after:.2f}s")

        @rule(data=st.data())
        def refresh_with_the_reply_lost(self, data: st.DataObject) -> None:
            pc = self._pick(data)
            if pc is None:
                return
            if pc.revoked and not self.refresh_grace:
                # Without a grace for a lost refresh reply a revoked PC could never log in
                # again to finish its drain: that is the refresh rotation's own finding.
                return
            _expire_access_token(pc)
            pc.proxy.set(drop_reply=True, match=b"POST /v1/auth/refresh", times=1)
            try:
                self._sync(pc)
            finally:
                pc.proxy.clear()
            self._sync(pc)  # the next round: the session goes on (or the clerk logs in again)
            self._note(f"{pc.name} refresh reply lost")

        @rule()
        def server_backup(self) -> None:
            self.world.snapshots.append((snapshot(self.world.server.db_url), self.world.step))
            self._note("server backup")

        @rule(data=st.data())
        def server_restore(self, data: st.DataObject) -> None:
            if not self.world.snapshots:
                return
            snap, taken = data.draw(st.sampled_from(self.world.snapshots))
            # What only the server held and its backup lacks is rewound by this restore for
            # good (a PC restored past it, a retired PC); live PCs give back what they hold.
            held = set().union(*(_held_ids(pc) for pc in self.world.pcs if pc.live))
            kept = {row["entity_id"] for row in snap.rows["record"]}
            self.world.explained_lost |= self._server_ids() - kept - held
            restore(self.world.server.db_url, snap)
            _city(self.world.server, "restored", "--commune", COMMUNE)
            self._note(f"server restored to step {taken}")

        @precondition(lambda self: sum(pc.live and not pc.revoked for pc in self.world.pcs) >= 2)
        @rule(data=st.data())
        def revoke_and_replace(self, data: st.DataObject) -> None:
            pc = self._pick(data, working=True)
            if pc is None:
                return
            leader = self.world.server.login(self.world.server.user(COMMUNE, p.Role.LEADER))
            reply = httpx.post(
                f"{self.world.server.base_url}/v1/devices/{pc.clerk.ctx.device_id}/revoke",
                headers={"Authorization": f"Bearer {leader.access_token}"},
                timeout=30,
            )
            if reply.status_code == 404:
                return  # a restored server does not know this PC (yet): nothing to revoke
            assert reply.status_code == 200, reply.text
            pc.revoked = True
            self._note(f"{pc.name} revoked")
            if sum(x.live and not x.revoked for x in self.world.pcs) < MAX_PCS:
                self._new_pc()

        @precondition(lambda self: sum(pc.live for pc in self.world.pcs) < MAX_PCS)
        @rule(data=st.data())
        def clone_a_data_folder(self, data: st.DataObject) -> None:
            original = self._pick(data, working=True)
            if original is None:
                return
            name = f"pc{len(self.world.pcs)}"
            original.clerk.close()
            shutil.copytree(original.folder, self.world.root / name)
            original.clerk = _reopen(original.clerk, original.proxy.url)
            self._new_pc(name=name, existing=True)
            self._note(f"{original.name} cloned to {name}")

        @rule()
        def settle(self) -> None:
            self._settle_and_check()

        # -- plumbing ---------------------------------------------------------------------

        def _new_pc(self, name: str | None = None, existing: bool = False) -> PC:
            name = name or f"pc{len(self.world.pcs)}"
            folder = self.world.root / name
            proxy = FaultProxy("127.0.0.1", self.world.server.port).start()
            ctx = AppContext.open(AppPaths.resolve(folder))
            engine = SyncEngine(ctx.store, ctx.blobs, timeout=(2.0, 4.0), server_url=proxy.url)
            clerk = Clerk(name, ctx, engine)
            _login(clerk, self.world.server, self.world.user)
            pc = PC(name, folder, proxy, clerk)
            self.world.pcs.append(pc)
            return pc

        def _pick(self, data: st.DataObject, *, working: bool = False) -> PC | None:
            for pc in self.world.pcs:
                pc.told = pc.told or _knows_it_is_revoked(pc)
            choices = [pc for pc in self.world.pcs if pc.live and not (working and pc.told)]
            if not choices:
                return None
            self.world.step += 1
            return choices[data.draw(st.integers(0, len(choices) - 1), label="pc")]

        def _typed(self, pc: PC, record_id: str) -> None:
            pc.typed[record_id] = self.world.step

        def _note(self, what: str) -> None:
            self.world.log.append(f"{self.world.step}: {what}")

        def _sync(self, pc: PC) -> RoundResult:
            result = pc.clerk.engine.sync_once()
            kind = result.error_kind
            if kind in RELOGIN and pc.revoked:
                # Revoked, but a restored server may have forgotten it: a clerk tries to log in.
                try:
                    _login(pc.clerk, self.world.server, self.world.user)
                    pc.revoked = False
                    return result
                except SyncError as exc:
                    if exc.kind != "device_revoked":
                        raise
                    kind = "device_revoked"
            if kind in RELOGIN:
                _login(pc.clerk, self.world.server, self.world.user)
            elif kind in ("device_revoked", "device_draining"):
                pc.told = True
                if kind != "device_draining":
                    pc.retired, pc.drained_step = True, self.world.step
            elif kind == "device_cloned":
                raise ModelViolation(f"{pc.name}: a fork reached the server\n" + self._history())
            elif not result.ok and kind not in TOLERATED:
                raise ModelViolation(f"{pc.name}: sync failed with {kind}: {result}\n" + self._history())
            return result

        def _server_ids(self) -> set[str]:
            device = SyncDevice(self.world.server, self.world.server.user(COMMUNE, p.Role.LEADER))
            try:
                changes, _ = device.pull_all()
            finally:
                device.close()
            return {c["entity_id"] for c in changes if not c["deleted"]}

        def _collect_refusals(self, pc: PC) -> None:
            with pc.clerk.ctx.store.read() as s:
                self.world.refused_events.update(
                    s.scalars(
                        select(AuditEntry.entity_id).where(AuditEntry.action == "dossier_event_refused")
                    )
                )

        def _history(self) -> str:
            return "\n".join(self.world.log[-60:])

        def _settle_and_check(self) -> None:
            self._note("settle")
            _city(self.world.server, "end-recovery", "--commune", COMMUNE)
            for pc in self.world.pcs:
                pc.proxy.clear()
            for _ in range(5):
                for pc in self.world.pcs:
                    if pc.live:
                        self._sync(pc)
            live = [pc for pc in self.world.pcs if pc.live]
            for pc in live:
                result = self._sync(pc)
                if not (result.ok and result.converged):
                    raise ModelViolation(f"{pc.name} does not settle: {result}\n" + self._history())
            self._check(live)

        def _check(self, live: list[PC]) -> None:
            for pc in self.world.pcs:
                self._collect_refusals(pc)
            clerks = [pc.clerk for pc in live]
            try:
                assert_converged(self.world.server, COMMUNE, clerks)
            except AssertionError as exc:
                raise ModelViolation(f"not converged: {exc}\n" + self._history()) from exc
            on_server = self._server_ids()
            explained = self.world.explained_lost | self.world.refused_events
            for pc in self.world.pcs:
                missing = set(pc.typed) - on_server - explained
                if missing:
                    raise ModelViolation(f"{pc.name} typed {sorted(missing)[:3]} lost\n" + self._history())
            _same_derived_values(live)
            for pc in live:
                self._check_quarantine(pc)
                # Attachments pulled from other PCs are fetched on demand: not checked here.
                problems = pc.clerk.services.check_store(verify_blobs=False).problems
                if problems:
                    raise ModelViolation(f"{pc.name}: db check {problems}\n" + self._history())
            self._check_gaps(live)

        def _check_quarantine(self, pc: PC) -> None:
            with pc.clerk.ctx.store.read() as s:
                kinds = [
                    q.kind
                    for q in s.scalars(select(QuarantinedOp).where(QuarantinedOp.resolved_at.is_(None)))
                ]
            # Operations a clone inherited stay set aside (the original sends them); a change of
            # a record that a restore took from the server everywhere is refused for what it is.
            allowed = {"identity_changed", "unknown_dossier", "unknown_record"}
            odd = [k for k in kinds if k not in allowed]
            if odd:
                raise ModelViolation(f"{pc.name}: refused {odd}\n" + self._history())

        def _check_gaps(self, live: list[PC]) -> None:
            token = self.world.server.login(self.world.user).access_token
            gaps = httpx.get(
                f"{self.world.server.base_url}/v1/numbers/gaps",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ).json()["gaps"]
            issued: dict[str, set[tuple[str, int]]] = {}
            for pc in live:
                with pc.clerk.ctx.store.read() as s:
                    issued[pc.clerk.ctx.device_id] = {
                        (n.series, n.number) for n in s.scalars(select(IssuedNumber))
                    }
            for gap in gaps:
                holder = gap["leased_to"]
                if holder in issued and (gap["series"], gap["number"]) in issued[holder]:
                    raise ModelViolation(f"gap {gap} was issued by its holder and never arrived")

    return SyncModel


# -- helpers -------------------------------------------------------------------------------


@contextlib.contextmanager
def _tolerate(*kinds: str) -> Any:
    try:
        yield
    except (DomainError, SyncError) as exc:
        if getattr(exc, "kind", None) not in kinds:
            raise


def _city(server: RunningServer, *args: str) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        city_server_main([*args, "--db", server.db_url])


def _login(clerk: Clerk, server: RunningServer, user: ServerUser) -> None:
    url = clerk.engine.server_url_override or server.base_url
    for _ in range(5):
        try:
            login(clerk.ctx.store, server_url=url, username=user.username, password=user.password)
            return
        except SyncError as exc:
            if exc.kind not in ("offline", "server_unavailable"):
                raise
            time.sleep(0.1)
    raise ModelViolation("cannot log in")


def _reopen(clerk: Clerk, url: str) -> Clerk:
    ctx = AppContext.open(clerk.ctx.paths)
    return Clerk(clerk.name, ctx, SyncEngine(ctx.store, ctx.blobs, timeout=(2.0, 4.0), server_url=url))


def _has_refresh_grace(server: RunningServer) -> bool:
    """Whether the server accepts a refresh token once more after rotating it (a lost reply)."""
    tokens = server.login(server.user(COMMUNE, p.Role.LEADER))
    body = {"refresh_token": tokens.refresh_token, "device_id": str(tokens.device_id)}
    first = httpx.post(f"{server.base_url}/v1/auth/refresh", json=body, timeout=30)
    again = httpx.post(f"{server.base_url}/v1/auth/refresh", json=body, timeout=30)
    return first.status_code == 200 and again.status_code == 200


def _expire_access_token(pc: PC) -> None:
    from commune_desk.sync.account import load_account
    from commune_desk.sync.credentials import TokenVault

    account = load_account(pc.clerk.ctx.store)
    if account is None:
        return
    vault = TokenVault()
    cached = vault.load(f"{account.server_url}#access", account.device_id)
    if cached and " " in cached:
        vault.save(f"{account.server_url}#access", account.device_id, f"0 {cached.split(' ', 1)[1]}")


def _kill_a_child_sync(pc: PC, keyring_file: Path, after: float) -> None:
    """Sync in a child process on the same folder (same keyring) and SIGKILL it part-way."""
    env = {**os.environ, FILE_KEYRING_ENV: str(keyring_file)}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(pc.folder), pc.proxy.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    try:
        while not (line := child.stdout.readline()).startswith("ready"):
            if not line:
                return
        time.sleep(after)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
        child.stdout.close()


def _knows_it_is_revoked(pc: PC) -> bool:
    """The PC learnt it is revoked (maybe in a child sync the model did not watch)."""
    from commune_desk.store.models import SyncState

    with pc.clerk.ctx.store.read() as s:
        return (
            s.scalar(select(SyncState.drain_boundary).where(SyncState.drain_boundary.is_not(None)))
            is not None
        )


def _held_ids(pc: PC) -> set[str]:
    """Every synced record's id this PC holds."""
    ids: set[str] = set()
    with pc.clerk.ctx.store.read() as s:
        for model in ENTITY_MODELS.values():
            ids.update(s.scalars(select(model.__table__.c.id)))  # type: ignore[attr-defined]
    return ids


def _same_derived_values(pcs: list[PC]) -> None:
    """Status and dates derived from the merged history agree on every PC."""
    seen: dict[str, tuple[Any, ...]] = {}
    for pc in pcs:
        with pc.clerk.ctx.store.read() as s:
            for d in s.scalars(select(Dossier)):
                values = (d.status, d.appointment_at, d.finished_at, d.returned_at)
                if seen.setdefault(d.id, values) != values:
                    raise ModelViolation(f"dossier {d.id}: {seen[d.id]} != {values} on {pc.name}")
    assert ENTITY_MODELS  # the records compared above are the synced ones
