"""The intake's transaction on the store's own sqlite3 connection: busy, refused, whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from tests.helpers.store_fixtures import new_dossier, open_context

from commune_desk.domain.errors import ValidationError
from commune_desk.store import engine as engine_module
from commune_desk.store.errors import store_error_kind

_TABLES = ("dossiers", "dossier_events", "outbox", "search_staged", "search_keys", "search_fts")


def _counts(ctx) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with ctx.store.read() as s:
        return {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in _TABLES}


def test_a_save_kept_waiting_by_another_writer_is_store_busy_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    ctx = open_context(tmp_path)
    holder = sqlite3.connect(ctx.store.path, isolation_level=None)
    try:
        before = _counts(ctx)
        holder.execute("BEGIN IMMEDIATE")  # another process (or the sync engine) is writing
        with pytest.raises(Exception) as caught:
            ctx.services.register_dossier(new_dossier())
        assert store_error_kind(caught.value) == "store_busy"
        holder.rollback()
        assert _counts(ctx) == before
        code = ctx.services.register_dossier(new_dossier()).value.summary.code
        assert code.endswith("-1001")  # the refused save took no number
        assert ctx.services.check_store().ok
    finally:
        holder.close()
        ctx.close()


def test_a_refused_save_leaves_the_connection_ready_for_the_next(tmp_path: Path) -> None:
    ctx = open_context(tmp_path)
    try:
        with pytest.raises(ValidationError):
            ctx.services.register_dossier(new_dossier(procedure_code="NO-SUCH"))
        with pytest.raises(ValidationError):
            ctx.services.register_dossier(new_dossier(applicant_name="Nguyễn\x1bVăn"))
        assert _counts(ctx) == dict.fromkeys(_TABLES, 0)
        first = ctx.services.register_dossier(new_dossier()).value
        assert first.summary.code.endswith("-1001")
        counts = _counts(ctx)
        # the keys are staged; the index gets them before the next search (here: the check)
        assert counts == {**dict.fromkeys(_TABLES, 1), "outbox": 2, "search_keys": 0, "search_fts": 0}
        assert ctx.services.check_store().ok
    finally:
        ctx.close()
