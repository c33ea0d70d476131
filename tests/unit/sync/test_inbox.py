"""The quarantine and conflict lists, read from a real store after real rounds against the city server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tests.helpers.city_server import RunningServer, run_city_server, sqlite_url
from tests.helpers.memory_keyring import memory_keyring
from tests.integration.sync.sync_support import Clerk, make_clerk, new_id

from commune_desk.store.outbox import add_op
from commune_desk.sync.inbox import ConflictField, list_conflicts, list_quarantined
from commune_desk.sync.resolution import discard_quarantined, resolve_conflict


@pytest.fixture()
def city(tmp_path: Path) -> Iterator[RunningServer]:
    """The real city server on an ephemeral port, with an in-memory keyring for the clerks."""
    with memory_keyring(), run_city_server(sqlite_url(tmp_path), communes=("C01",)) as server:
        yield server


def _refused_event(clerk: Clerk) -> str:
    """Queue an event for a dossier the server has never seen (it will refuse it)."""
    with clerk.ctx.store.write.begin() as s:
        return add_op(
            s,
            device_id=clerk.ctx.device_id,
            entity="dossier_event",
            entity_id=new_id(),
            action="create",
            fields={"dossier_id": new_id(), "kind": "note"},
            created_at=datetime.now(UTC),
        ).op_id


def test_lists_are_empty_on_a_fresh_store(tmp_path: Path, city: RunningServer) -> None:
    a = make_clerk(tmp_path, "a", city.base_url, city.user("C01"))
    try:
        assert list_quarantined(a.ctx.store) == []
        assert list_conflicts(a.ctx.store) == []
    finally:
        a.close()


def test_refused_operation_and_conflict_are_listed_until_resolved(
    tmp_path: Path, city: RunningServer
) -> None:
    user = city.user("C01")
    a = make_clerk(tmp_path, "a", city.base_url, user)
    b = make_clerk(tmp_path, "b", city.base_url, user)
    try:
        doc = a.incoming(1)
        assert a.engine.sync_once().ok and b.engine.sync_once().ok
        a.services.assign_incoming(doc.id, handler="Ông Xuân")
        b.services.assign_incoming(doc.id, handler="Bà Yến")
        bad = _refused_event(b)
        assert a.engine.sync_once().ok
        result = b.engine.sync_once()
        assert result.ok and result.conflicts == 1 and result.quarantined == 1, result

        (q,) = list_quarantined(b.ctx.store)
        assert (q.op_id, q.entity, q.action, q.kind) == (bad, "dossier_event", "create", "unknown_dossier")
        assert q.fields["kind"] == "note" and q.created_at.tzinfo is not None
        assert q.label == ""  # the dossier exists nowhere, so there is nothing to name it by

        (c,) = list_conflicts(b.ctx.store)
        assert (c.entity, c.entity_id) == ("incoming_document", doc.id)
        assert c.field_names == ("assigned_at", "handler")
        assert ConflictField("handler", "Bà Yến", "Ông Xuân") in c.fields
        assert "Công văn a 1" in c.label
        assert list_conflicts(a.ctx.store) == []  # a's change won; the conflict is b's to see

        discard_quarantined(b.ctx.store, op_id=bad, actor="b", reason="nhập nhầm")
        resolve_conflict(
            b.ctx.store, device_id=b.ctx.device_id, conflict_id=c.id, chosen={"handler": "Bà Yến"}, actor="b"
        )
        assert list_quarantined(b.ctx.store) == []
        assert list_conflicts(b.ctx.store) == []
    finally:
        a.close()
        b.close()


def test_dossier_records_are_named_by_code(tmp_path: Path, city: RunningServer) -> None:
    """A refused event of a known dossier is shown with the dossier's code and applicant."""
    a = make_clerk(tmp_path, "a", city.base_url, city.user("C01"))
    try:
        dossier_id = a.register(1)
        code = a.services.get_dossier(dossier_id).summary.code
        with a.ctx.store.write.begin() as s:
            add_op(
                s,
                device_id=a.ctx.device_id,
                entity="dossier_event",
                entity_id=new_id(),
                action="create",
                fields={"dossier_id": dossier_id, "kind": "no_such_kind"},
                created_at=datetime.now(UTC),
            )
        result = a.engine.sync_once()
        assert result.ok, result
        items = list_quarantined(a.ctx.store)
        (item,) = items
        assert item.entity == "dossier_event" and item.label.startswith(code + " – ")
        assert "Nguyễn Văn a 1" in item.label
    finally:
        a.close()
