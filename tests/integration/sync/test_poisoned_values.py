"""One bad value stops neither a PC nor a commune, whichever side it comes from.

- A value an older version left in this PC's outbox (a lone surrogate from a
  command-line argument) is sent, refused by the server alone and quarantined
  with a kind the clerk is told; the operations behind it are applied.
- A record the server stores but the protocol refuses (a control character
  left by an older server) is skipped by the client's pull, which still
  reaches the head of the commune and applies everything else.
- What the clerk types is checked before anything is written.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from tests.helpers.city_server import RunningServer, SyncDevice
from tests.helpers.poison import BAD_CHARACTERS
from tests.integration.sync.sync_support import make_clerk

from city_server.models import Commune
from commune_desk.domain.errors import ValidationError
from commune_desk.messages import MESSAGES
from commune_desk.protocol.text import is_clean_text
from commune_desk.services import NewDossier
from commune_desk.store.models import Dossier, OutboxOp, QuarantinedOp
from commune_desk.store.outbox import OUTBOX_SEQ, bump_counter


def test_an_old_outbox_value_utf8_cannot_carry_is_quarantined_alone(
    tmp_path: Path, city: RunningServer
) -> None:
    clerk = make_clerk(tmp_path, "a", city.base_url, city.user("C01"))
    try:
        first = clerk.register(1)
        with clerk.ctx.store.write.begin() as session:  # as an older version wrote it
            op_id = str(uuid.uuid4())
            session.add(
                OutboxOp(
                    op_id=op_id,
                    device_id=clerk.ctx.device_id,
                    seq=bump_counter(session, OUTBOX_SEQ),
                    entity="dossier",
                    entity_id=str(uuid.uuid4()),
                    action="create",
                    fields={"applicant_name": "An\udcff", "notes": ""},
                    created_at=clerk.services.clock(),
                    state="pending",
                    attempts=0,
                )
            )
        last = clerk.register(2)
        result = clerk.engine.sync_once()
        assert result.ok and result.quarantined == 1, result
        with clerk.ctx.store.read() as session:
            quarantined = session.scalar(select(QuarantinedOp).where(QuarantinedOp.op_id == op_id))
            assert quarantined is not None and quarantined.kind == "invalid_characters"
            assert quarantined.kind in MESSAGES
        pushed = {c["entity_id"] for c in SyncDevice(city, city.user("C01", "leader")).pull_all()[0]}
        assert {first, last} <= pushed
    finally:
        clerk.close()


def _store_on_server(city: RunningServer, commune: str, entity: str, fields: dict[str, object]) -> str:
    entity_id = str(uuid.uuid4())
    with city._sessions() as session:  # type: ignore[operator]  # noqa: SLF001 - the test's own database
        row = session.scalar(select(Commune).where(Commune.code == commune))
        row.change_seq += 1
        session.execute(
            text(
                "INSERT INTO record (commune_id, entity, entity_id, version, deleted, fields, "
                "field_versions, change_seq, updated_at) "
                "VALUES (:c, :e, :i, 1, 0, :f, '{}', :s, CURRENT_TIMESTAMP)"
            ),
            {"c": row.id, "e": entity, "i": entity_id, "f": json.dumps(fields), "s": row.change_seq},
        )
        session.commit()
    return entity_id


def test_a_record_the_protocol_refuses_is_skipped_by_the_pull(tmp_path: Path, city: RunningServer) -> None:
    writer = make_clerk(tmp_path, "w", city.base_url, city.user("C01"))
    reader = make_clerk(tmp_path, "r", city.base_url, city.user("C01"))
    try:
        before = writer.register(1)
        assert writer.engine.sync_once().ok
        bad = _store_on_server(city, "C01", "dossier", {"applicant_name": "An\x1b[2J", "code": "X"})
        after = writer.register(2)
        assert writer.engine.sync_once().ok
        result = reader.engine.sync_once()
        assert result.ok and result.converged, result
        with reader.ctx.store.read() as session:
            here = set(session.scalars(select(Dossier.id)))
        assert {before, after} <= here and bad not in here
        assert reader.engine.sync_once().pulled == 0  # the cursor went past it: no retry loop
    finally:
        writer.close()
        reader.close()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    name=st.tuples(
        st.text(max_size=5), st.text(BAD_CHARACTERS, min_size=1, max_size=2), st.text(max_size=5)
    ).map("".join),
    notes=st.text(max_size=30) | st.integers(4001, 9000).map(lambda n: "x" * n),
)
def test_what_the_clerk_types_is_checked_before_anything_is_written(
    tmp_path_factory: pytest.TempPathFactory, name: str, notes: str
) -> None:
    """A pasted control character or an over-long note: a clear refusal, nothing written."""
    from commune_desk.app import AppContext
    from commune_desk.paths import AppPaths

    with AppContext.open(AppPaths.resolve(tmp_path_factory.mktemp("pc"))) as ctx:
        code = ctx.services.list_procedures()[0].code
        new = NewDossier(
            procedure_code=code, applicant_name=name, applicant_id_number="001099012345", notes=notes
        )
        try:
            ctx.services.register_dossier(new)
        except ValidationError as exc:
            assert exc.kind in MESSAGES, exc.kind
            with ctx.store.read() as session:
                assert session.scalar(select(func.count()).select_from(Dossier)) == 0
                assert session.scalar(select(func.count()).select_from(OutboxOp)) == 0
        else:  # normalised into something clean (whitespace collapsed)
            with ctx.store.read() as session:
                stored = session.scalar(select(Dossier.applicant_name))
            assert stored is not None and is_clean_text(stored)
