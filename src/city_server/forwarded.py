"""Operations a device signed, applied on its behalf (office relay, carry bundle).

The caller is not the device itself: an office relay forwarding its counters'
operations, or ``city-server carry import`` reading a USB stick. Each
operation is applied only when its signature verifies with the registered key
of its own device, which must belong to the commune and not be revoked; then
it goes through the same :class:`~city_server.push.PushBatch` as a direct
push, with that device's context, so results are stored under the device's
``(device_id, seq)`` and ``op_id`` and a replay returns them. Runs of
consecutive seqs go together; a hole below a run is recorded as the device's
declared skip (its operations come in seq order: whatever is missing below was
set aside by the device, never delivered).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from city_server.context import AuthContext
from city_server.identity import signature_valid
from city_server.models import Commune, Device, OpResultRow, User
from city_server.push import PushBatch
from commune_desk.protocol import (
    Action,
    ErrorKind,
    Operation,
    OpResult,
    OpStatus,
    Role,
    SignedOperation,
    op_signing_bytes,
)


@dataclass(frozen=True)
class SignedItem:
    """An operation, its device's signature, and the previous one it is rebased on (relay)."""

    op: Operation
    signature: str
    rebase_on: SignedOperation | None = None


def _refused(op: Operation, kind: ErrorKind, message: str) -> OpResult:
    """A refusal that is not stored (it says nothing about the operation itself)."""
    return OpResult(op_id=op.op_id, seq=op.seq, status=OpStatus.REJECTED, kind=kind, message=message)


class SignedApplier:
    """Applies signed operations of a commune's devices in the given order (caller commits).

    ``rebase``: apply the client's own rebase rule between operations of one
    record (a carry bundle holds a PC's whole queue at once; a push never holds
    two operations of one record).
    """

    def __init__(self, session: Session, commune: Commune, *, rebase: bool = False) -> None:
        self.session = session
        self.commune = commune
        self.rebase = rebase
        self._contexts: dict[str, AuthContext | None] = {}
        self._keys: dict[str, str | None] = {}
        # (device, entity_id) -> (base its last op of that record was built on, version produced)
        self._chains: dict[tuple[str, str], tuple[int | None, int | None]] = {}

    def _context(self, device_id: str) -> AuthContext | None:
        if device_id not in self._contexts:
            row = self.session.execute(
                select(Device, User)
                .join(User, User.id == Device.user_id)
                .where(Device.id == device_id, Device.commune_id == self.commune.id)
            ).first()
            if row is None or row[0].revoked_at is not None:
                self._contexts[device_id] = None
            else:
                device, user = row
                self._keys[device_id] = device.public_key
                self._contexts[device_id] = AuthContext(
                    user_id=user.id,
                    username=user.username,
                    role=Role(user.role),
                    commune_id=self.commune.id,
                    commune_code=self.commune.code,
                    device_id=device.id,
                )
        return self._contexts[device_id]

    def _check(self, item: SignedItem) -> tuple[Operation | None, OpResult | None]:
        """The operation to apply (maybe with a lower base), or the refusal."""
        op = item.op
        ctx = self._context(str(op.device_id))
        if ctx is None:
            return None, _refused(
                op, ErrorKind.DEVICE_MISMATCH, "device unknown, revoked or of another commune"
            )
        key = self._keys.get(ctx.device_id)
        if not key or not signature_valid(key, op_signing_bytes(op), item.signature):
            return None, _refused(op, ErrorKind.BAD_SIGNATURE, "signature does not match the device key")
        if item.rebase_on is not None:
            # Unproven: the operation goes on its own signed base (at worst a conflict).
            base = self._proven_base(op, item.rebase_on, key)
            if base is not None:
                op = op.model_copy(update={"base_version": base})
        return op, None

    def _proven_base(self, op: Operation, prev: SignedOperation, key: str) -> int | None:
        """The version ``prev`` produced, if it is the device's own earlier op on this record
        made on the same base (the client's rebase rule); else None."""
        p = prev.op
        if (
            p.device_id != op.device_id
            or p.entity_id != op.entity_id
            or p.entity != op.entity
            or p.seq >= op.seq
            or p.base_version != op.base_version
            or not signature_valid(key, op_signing_bytes(p), prev.signature)
        ):
            return None
        row = self.session.get(OpResultRow, (str(p.device_id), p.seq))
        if row is None or row.op_id != str(p.op_id) or row.status == OpStatus.REJECTED.value:
            return None
        return row.version

    def _rebased(self, op: Operation) -> Operation:
        """The client's rule: a change built on the base its predecessor used follows it."""
        chain = self._chains.get((str(op.device_id), str(op.entity_id)))
        if not self.rebase or chain is None or op.action is Action.CREATE:
            return op
        sent_base, produced = chain
        if produced is not None and (op.base_version is None or op.base_version == sent_base):
            return op.model_copy(update={"base_version": produced})
        return op

    def run(self, items: Sequence[SignedItem]) -> list[OpResult]:
        """One result per item, in order."""
        results: list[OpResult | None] = [None] * len(items)
        run: list[tuple[int, Operation]] = []

        def flush() -> None:
            if not run:
                return
            ctx = self._context(str(run[0][1].device_id))
            assert ctx is not None
            # Signed by the device, which sends a seq only after every one below it was
            # delivered or declared never to come: a hole below the run is such a skip.
            batch = PushBatch(self.session, ctx).run([op for _, op in run], skip_to=run[0][1].seq)
            for (index, op), result in zip(run, batch.results, strict=True):
                results[index] = result
                if result.status is not OpStatus.REJECTED:
                    self._chains[(str(op.device_id), str(op.entity_id))] = (op.base_version, result.version)
            run.clear()

        for index, item in enumerate(items):
            op, refusal = self._check(item)
            if op is None:
                results[index] = refusal
                continue
            same_device = not run or run[0][1].device_id == op.device_id
            follows = not run or op.seq == run[-1][1].seq + 1
            if not same_device or not follows or any(o.entity_id == op.entity_id for _, o in run):
                flush()
            run.append((index, self._rebased(op)))
        flush()
        return [r for r in results if r is not None]
