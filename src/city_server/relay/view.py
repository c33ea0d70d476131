"""The office view counters pull: the city's records with the pending operations on top.

For each record the view is the mirror (the city's state as last pulled) with
the relay's pending operations applied in arrival order: a create adds the
record, an update replaces the fields it names, a delete makes a tombstone.
Versions stay the city's (a record the city has not seen yet shows version 1,
the version its create will get), so every base version a counter holds is a
city version. A rebuilt record that differs from what counters have gets the
next change sequence of the relay, so they pull it in their next round.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from city_server.models import Record, utcnow
from city_server.numbers import lock_commune
from city_server.relay.office import COMMUNE_ID
from city_server.relay_models import OP_PENDING, MirrorRecord, RelayOp
from commune_desk.protocol import FIELD_DOSSIER_ID, Action

Key = tuple[str, str]


def _state(mirror: MirrorRecord | None, ops: Iterable[RelayOp]) -> tuple[int, bool, dict[str, Any]] | None:
    """(version, deleted, fields) of the view, or None when the record does not exist."""
    state = (mirror.version, mirror.deleted, dict(mirror.fields)) if mirror is not None else None
    for row in ops:
        action, fields = row.op.get("action"), row.op.get("fields") or {}
        if action == Action.CREATE:
            if state is None:
                state = (1, False, dict(fields))
            elif not state[1]:
                state = (state[0], False, {**state[2], **fields})
        elif state is not None and not state[1]:
            if action == Action.UPDATE:
                state = (state[0], False, {**state[2], **fields})
            elif action == Action.DELETE:
                state = (state[0], True, state[2])
    return state


def rebuild(session: Session, keys: Iterable[Key]) -> int:
    """Recompute the view of ``keys``; return how many records changed (caller commits)."""
    keys = sorted(set(keys))
    if not keys:
        return 0
    commune = lock_commune(session, COMMUNE_ID)
    ids = sorted({k[1] for k in keys})
    mirrors: dict[Key, MirrorRecord] = {}
    views: dict[Key, Record] = {}
    pending: dict[Key, list[RelayOp]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for m in session.scalars(select(MirrorRecord).where(MirrorRecord.entity_id.in_(chunk))):
            mirrors[(m.entity, m.entity_id)] = m
        for r in session.scalars(
            select(Record).where(Record.commune_id == COMMUNE_ID, Record.entity_id.in_(chunk))
        ):
            views[(r.entity, r.entity_id)] = r
        for op in session.scalars(
            select(RelayOp)
            .where(RelayOp.state == OP_PENDING, RelayOp.entity_id.in_(chunk))
            .order_by(RelayOp.id)
        ):
            pending.setdefault((op.entity, op.entity_id), []).append(op)
    changed = 0
    for key in keys:
        state = _state(mirrors.get(key), pending.get(key, []))
        view = views.get(key)
        if state is None:
            if view is not None and not view.deleted:
                state = (view.version, True, {})  # the city refused it: counters drop it
            else:
                continue
        version, deleted, fields = state
        if view is not None and (view.version, view.deleted, view.fields) == (version, deleted, fields):
            continue
        commune.change_seq += 1
        if view is None:
            view = Record(commune_id=COMMUNE_ID, entity=key[0], entity_id=key[1], field_versions={})
            session.add(view)
        view.version, view.deleted, view.fields = version, deleted, fields
        view.change_seq = commune.change_seq
        view.parent_id = (
            fields.get(FIELD_DOSSIER_ID) if isinstance(fields.get(FIELD_DOSSIER_ID), str) else None
        )
        view.updated_at = utcnow()
        changed += 1
    session.flush()
    return changed


def view_version(session: Session, entity: str, entity_id: str) -> int | None:
    """The version counters see for a record (None: not in the view)."""
    return session.scalar(
        select(Record.version).where(
            Record.commune_id == COMMUNE_ID, Record.entity == entity, Record.entity_id == entity_id
        )
    )
