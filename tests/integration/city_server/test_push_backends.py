"""The push path's two statement sets agree: generated batches replayed on SQLite and PostgreSQL.

PostgreSQL runs the push's reads and writes as fixed statements with array
parameters (``city_server/push_pg.py``), SQLite as plain Core statements. The
same generated sequence of batches — new dossiers with codes in and outside
the slot or already taken, stale updates (conflicts), deletes and edits of
deleted records, events (legal and illegal transitions, unknown dossiers),
register entries with leased, foreign, taken or provisional numbers, voids,
replays of sent operations, op_ids reused under a new seq, seq gaps, declared
skips, malformed operations — must give identical replies and identical
stored state (records, results, numbers, counters) on both.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.helpers.city_server import PG_ENV, postgres_schema_url, sqlite_url

from city_server.admin import add_commune, add_user
from city_server.auth import AuthContext
from city_server.db import make_engine, migrate, session_factory
from city_server.models import Commune, Device, NumberUse, OpResultRow, Record, SeqSkip
from city_server.numbers import grant_lease
from city_server.push import PushBatch
from commune_desk.protocol import LeaseRequest, Role

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} not set"),
]

UNIT = "U0001"
COUNTER = 0


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[sessionmaker[Session]]]:
    """Session factories of a fresh SQLite file and a fresh PostgreSQL schema."""
    with contextlib.ExitStack() as stack:
        factories = []
        for url in (
            sqlite_url(Path(tmp_path_factory.mktemp("push-backends"))),
            stack.enter_context(postgres_schema_url(os.environ[PG_ENV])),
        ):
            engine = make_engine(url)
            stack.callback(engine.dispose)
            migrate(engine)
            factories.append(session_factory(engine))
        yield factories


def _setup(
    sessions: sessionmaker[Session], code: str, device_id: str, role: Role
) -> tuple[AuthContext, int, int]:
    """A commune, its clerk or leader, one device with a counter slot and a register block of 5."""
    with sessions() as session:
        commune = add_commune(session, code=code, name=code)
        user = add_user(
            session,
            commune_code=code,
            username=f"u-{code}",
            role=role,
            password="x" * 12,
            fast_hash=True,
        )
        session.add(Device(id=device_id, commune_id=commune.id, user_id=user.id, last_seq=0))
        session.flush()
        slot = grant_lease(session, commune.id, device_id, LeaseRequest(series=f"dossier-code/{UNIT}"))
        block = grant_lease(session, commune.id, device_id, LeaseRequest(series="incoming/2026", size=5))
        session.commit()
        ctx = AuthContext(user.id, user.username, role, commune.id, code, device_id)
        return ctx, slot.first, block.first


# -- generated operations ----------------------------------------------------------

IDS = [str(uuid.UUID(int=i + 1)) for i in range(4)]  # records the batches keep coming back to


@st.composite
def _fields(draw: st.DrawFn, entity: str, slot_first: int, block_first: int) -> dict[str, Any]:
    if entity == "dossier":
        number = draw(st.sampled_from([slot_first, slot_first + 1, slot_first + 2, 42]))
        fields: dict[str, Any] = {
            "code": f"{UNIT}-260105-{number:04d}",
            "applicant_name": draw(st.sampled_from(["Nguyễn Thị Hoa", "Trần Văn Bình"])),
            "procedure_code": "1.001193",
            "received_at": "2026-01-05T08:00:00+07:00",
        }
        if draw(st.booleans()):
            fields["applicant_phone"] = draw(st.sampled_from(["0912345678", "0987654321"]))
        return fields
    if entity == "dossier_event":
        return {
            "dossier_id": draw(st.sampled_from(IDS)),
            "kind": draw(st.sampled_from(["received", "assigned", "note", "returned", "bogus"])),
            "note": "x",
        }
    if entity == "number_void":
        return {"series": "incoming/2026", "number": draw(st.integers(block_first, block_first + 6))}
    fields = {
        "series": "incoming/2026",
        "author": "UBND tỉnh",
        "summary": "Về việc",
        "received_on": "2026-01-05",
    }
    if draw(st.booleans()):
        fields["number"] = draw(st.integers(block_first - 1, block_first + 6))
    else:
        fields["provisional"] = True
    return fields


@st.composite
def _op(draw: st.DrawFn, slot_first: int, block_first: int) -> dict[str, Any]:
    entity = draw(
        st.sampled_from(["dossier", "dossier", "dossier_event", "incoming_document", "number_void"])
    )
    action = "create"
    if entity in ("dossier", "incoming_document"):
        action = draw(st.sampled_from(["create", "create", "update", "delete"]))
    fields = draw(_fields(entity, slot_first, block_first))
    if action == "update":
        fields = {k: v for k, v in fields.items() if k in ("applicant_phone", "author")} or {"notes": "n"}
    return {
        "op_id": str(uuid.UUID(int=draw(st.integers(1, 2**64)))),
        "entity": entity,
        "entity_id": draw(st.sampled_from(IDS)) if entity != "number_void" else str(uuid.uuid4()),
        "action": action,
        "base_version": None if action == "create" else draw(st.integers(0, 3)),
        "fields": {} if action == "delete" else fields,
    }


def _batches(slot_first: int, block_first: int) -> st.SearchStrategy[list[tuple[list[Any], str, int | None]]]:
    """Batches of ops plus how to number them: in order, a replay, a gap, a declared skip."""
    batch = st.lists(_op(slot_first, block_first), min_size=1, max_size=6)
    how = st.sampled_from(["next", "next", "next", "replay", "gap", "reuse", "malformed"])
    return st.lists(st.tuples(batch, how, st.one_of(st.none(), st.integers(1, 4))), min_size=1, max_size=8)


def _numbered(
    ops: list[Any], how: str, skip: int | None, last: int, sent: list[dict[str, Any]], device_id: str
) -> tuple[list[Any], int | None]:
    """A batch as the device sends it after ``last`` (its last seq the server confirmed):
    in order; a replay of ops sent before; a gap (declared with ``skip_to`` when ``skip``
    was drawn); an op_id used before under a new seq; a malformed op among the others."""
    if how == "replay" and sent:
        return sent[-len(ops) :], None
    seq = last + (skip or 2 if how == "gap" else 0)
    batch: list[Any] = []
    for op in ops:
        seq += 1
        batch.append({**op, "device_id": device_id, "seq": seq})
    if how == "reuse" and sent:
        batch[-1] = {**batch[-1], "op_id": sent[0]["op_id"]}
    sent += batch
    if how == "malformed":
        batch.insert(len(batch) // 2, {"op_id": "not-a-uuid", "seq": seq + 1, "entity": "dossier"})
    return batch, batch[0]["seq"] if how == "gap" and skip is not None else None


# -- comparing ---------------------------------------------------------------------


def _state(session: Session, commune_id: int, device_id: str) -> dict[str, Any]:
    records = session.execute(
        select(
            Record.entity,
            Record.entity_id,
            Record.version,
            Record.deleted,
            Record.fields,
            Record.field_versions,
            Record.change_seq,
            Record.parent_id,
            Record.status,
        )
        .where(Record.commune_id == commune_id)
        .order_by(Record.change_seq, Record.entity_id)
    ).all()
    results = session.execute(
        select(
            OpResultRow.seq,
            OpResultRow.op_id,
            OpResultRow.status,
            OpResultRow.kind,
            OpResultRow.message,
            OpResultRow.version,
            OpResultRow.assigned_number,
            OpResultRow.conflict_id,
        )
        .where(OpResultRow.device_id == device_id)
        .order_by(OpResultRow.seq)
    ).all()
    uses = session.execute(
        select(NumberUse.series, NumberUse.number, NumberUse.entity, NumberUse.entity_id, NumberUse.voided)
        .where(NumberUse.commune_id == commune_id)
        .order_by(NumberUse.series, NumberUse.number)
    ).all()
    skips = session.execute(select(SeqSkip.first, SeqSkip.last).where(SeqSkip.device_id == device_id)).all()
    return {
        "records": [tuple(r) for r in records],
        "results": [tuple(r) for r in results],
        "uses": [tuple(u) for u in uses],
        "skips": sorted(tuple(s) for s in skips),
        "change_seq": session.scalar(select(Commune.change_seq).where(Commune.id == commune_id)),
        "last_seq": session.scalar(select(Device.last_seq).where(Device.id == device_id)),
    }


def _normalised(value: Any, conflicts: dict[str, str]) -> Any:
    """Conflict ids are random: name them by order of appearance."""
    if isinstance(value, str) and value in conflicts:
        return conflicts[value]
    if isinstance(value, dict):
        return {k: _normalised(v, conflicts) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalised(v, conflicts) for v in value]
    return value


def _conflict_names(replies: list[Any], state: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    for reply in replies:
        for result in reply["results"]:
            if result.get("conflict_id"):
                names.setdefault(result["conflict_id"], f"conflict-{len(names)}")
    for record in state["records"]:
        if record[0] == "conflict":
            names.setdefault(record[1], f"conflict-{len(names)}")
    return names


@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_same_batches_same_replies_and_state_on_sqlite_and_postgresql(
    both: list[sessionmaker[Session]], data: st.DataObject
) -> None:
    global COUNTER
    COUNTER += 1
    code, device_id = f"H{COUNTER:05d}", str(uuid.uuid4())
    role = data.draw(st.sampled_from([Role.LEADER, Role.LEADER, Role.CLERK]))
    setups = [_setup(sessions, code, device_id, role) for sessions in both]
    assert setups[0][1:] == setups[1][1:]  # the same slot and block on both
    _, slot_first, block_first = setups[0]
    outcomes: list[list[Any]] = [[], []]
    sent: list[dict[str, Any]] = []
    for ops, how, skip in data.draw(_batches(slot_first, block_first)):
        with both[0]() as session:
            last = session.scalar(select(Device.last_seq).where(Device.id == device_id)) or 0
        batch, skip_to = _numbered(ops, how, skip, last, sent, device_id)
        for outcome, sessions, (ctx, _, _) in zip(outcomes, both, setups, strict=True):
            with sessions() as session:
                reply = PushBatch(session, ctx).run(batch, skip_to)
                session.commit()
            outcome.append(reply.model_dump(mode="json"))
        for result in outcomes[0][-1]["results"]:
            event(f"{result['status']} {result.get('kind') or ''}")
    states = []
    for outcome, sessions, (ctx, _, _) in zip(outcomes, both, setups, strict=True):
        with sessions() as session:
            state = _state(session, ctx.commune_id, device_id)
        names = _conflict_names(outcome, state)
        states.append((_normalised(outcome, names), _normalised(state, names)))
    assert states[0][0] == states[1][0]
    assert states[0][1] == states[1][1]
