"""Staged search keys (migration 0007): what a search finds is what it would find had every
intake indexed its keys in its own transaction.

A state machine drives a real store file through intakes (keys staged), later edits of
a record's keys (``set_keys``), deletions (``drop_keys``), the store closed and opened
again, and searches (each indexes the staged keys first, as the services do), against
a plain dictionary of each record's current keys. After every indexing FTS5's own
integrity check compares the index with its content table.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from alembic import command
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule
from sqlalchemy import text
from tests.helpers.store_fixtures import new_dossier, open_context

from commune_desk.store import engine as engine_module
from commune_desk.store.migrate import alembic_config
from commune_desk.store.opening import Store, open_store
from commune_desk.store.search import drop_keys, has_staged, index_staged, set_keys, stage_keys

WORDS = ["dao", "hanh", "nguyen", "thi", "van", "0912", "001301", "h26"]
KEYS = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


def _search(store: Store, word: str) -> set[str]:
    """Index what is staged (one transaction), then every record whose keys hold ``word``."""
    with store.direct_write() as db:
        if has_staged(db):
            index_staged(db)
        db.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
    with store.read() as session:
        rows = session.execute(
            text(
                "SELECT k.entity_id FROM search_fts JOIN search_keys k ON k.id = search_fts.rowid "
                "WHERE search_fts MATCH :m"
            ),
            {"m": f'"{word}"'},
        )
        return {r[0] for r in rows}


class StagedKeys(RuleBasedStateMachine):
    records = Bundle("records")

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="staged-keys-"))
        self.store = open_store(self.folder / "s.sqlite3")
        self.model: dict[str, str] = {}
        self.made = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    @rule(target=records, keys=KEYS)
    def intake(self, keys: str) -> str:
        self.made += 1
        entity_id = f"d{self.made}"
        with self.store.direct_write() as db:
            stage_keys(db, entity="dossier", entity_id=entity_id, keys=keys)
        self.model[entity_id] = keys
        return entity_id

    @rule(entity_id=records, keys=KEYS)
    def edit(self, entity_id: str, keys: str) -> None:
        with self.store.write.begin() as session:
            set_keys(session, entity="dossier", entity_id=entity_id, keys=keys)
        self.model[entity_id] = keys

    @rule(entity_id=consumes(records))
    def delete(self, entity_id: str) -> None:
        with self.store.write.begin() as session:
            drop_keys(session, entity_id)
        self.model.pop(entity_id, None)

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = open_store(self.folder / "s.sqlite3")

    @rule(word=st.sampled_from(WORDS))
    def search(self, word: str) -> None:
        expected = {i for i, keys in self.model.items() if word in keys.split()}
        assert _search(self.store, word) == expected

    @invariant()
    def every_record_has_one_current_key_row(self) -> None:
        with self.store.read() as session:
            indexed = dict(session.execute(text("SELECT entity_id, keys FROM search_keys")).all())
            staged = session.execute(text("SELECT entity_id, keys FROM search_staged")).all()
        # a staged row counts until its record's keys reach search_keys (then those win)
        current = {**{i: k for i, k in staged if i not in indexed}, **indexed}
        assert current == self.model


TestStagedKeys = StagedKeys.TestCase
TestStagedKeys.settings = settings(
    max_examples=40, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def test_a_search_while_another_writer_holds_the_store_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Indexing the staged keys waits for the write lock; past the busy timeout the search
    answers without them (never an error), and the next search finds them."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 50)
    ctx = open_context(tmp_path)
    holder = sqlite3.connect(ctx.store.path, isolation_level=None)
    try:
        saved = ctx.services.register_dossier(new_dossier(applicant_name="Bùi Thị Hạnh")).value
        holder.execute("BEGIN IMMEDIATE")  # another process (or the sync engine) is writing
        assert ctx.services.search_dossiers("bui thi hanh") == []
        holder.rollback()
        assert [d.id for d in ctx.services.search_dossiers("bui thi hanh")] == [saved.summary.id]
        assert ctx.services.count_dossiers(text_query="hanh") == 1
    finally:
        holder.close()
        ctx.close()


def test_downgrade_moves_staged_keys_into_the_index(tmp_path: Path) -> None:
    """Going back below 0007 loses no intake's keys: they are indexed before the table goes."""
    ctx = open_context(tmp_path)
    try:
        saved = [ctx.services.register_dossier(new_dossier()).value.summary.id for _ in range(3)]
        command.downgrade(alembic_config(ctx.store.engine), "0006_fts_prefixes")
        with ctx.store.read() as session:
            rows = session.execute(
                text(
                    "SELECT k.entity_id FROM search_fts JOIN search_keys k ON k.id = search_fts.rowid "
                    "WHERE search_fts MATCH '\"dang\"' ORDER BY k.id"
                )
            )
            assert [r[0] for r in rows] == saved
            gone = text("SELECT name FROM sqlite_master WHERE name = 'search_staged'")
            assert session.execute(gone).all() == []
        command.upgrade(alembic_config(ctx.store.engine), "head")
        assert ctx.services.check_store().ok
    finally:
        ctx.close()
