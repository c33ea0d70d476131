"""Migration 0006: the FTS5 index gains prefix indexes; every search finds what it found before.

A store at 0005 is filled with generated people (names, ID numbers, phones,
codes), every prefix of what a clerk could type is searched, the store is
migrated and searched again: the same rows in the same order, and the same
count. The downgrade goes back to the old index with the same results.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.helpers.store_fixtures import new_dossier, open_context

from commune_desk.domain.text import fold
from commune_desk.store.engine import create_store_engine
from commune_desk.store.migrate import alembic_config, current_revision, head_revision
from commune_desk.store.models import StagedSearchKey
from commune_desk.store.search import (
    DROP_FTS_SCHEMA,
    FTS_PREFIXES,
    REBUILD_FTS,
    fts_schema,
    match_expression,
    record_keys,
)

BEFORE = "0005_list_indexes"
AFTER = "0006_fts_prefixes"
TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

SYLLABLES = ["Nguyễn", "Nguyệt", "Trần", "Lê", "Đặng", "Hoàng", "Huỳnh", "Thị", "Văn", "Hà", "Hưng", "Đào"]
SYLLABLES += ["Phương", "Phượng", "Thanh", "Thành", "Trang", "Tuấn", "Ánh", "Ngọc", "Hồng", "Hạnh", "Nghiêng"]

syllable = st.one_of(
    st.sampled_from(SYLLABLES),
    st.text(st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=9),
)
person = st.fixed_dictionaries(
    {
        "applicant_name": st.lists(syllable, min_size=1, max_size=4).map(" ".join),
        # CCCD-like: a few shared leading digits, so short prefixes match many numbers.
        "applicant_id_number": st.from_regex(r"00[01][0-3][0-9]{8}", fullmatch=True),
        "applicant_phone": st.one_of(st.none(), st.from_regex(r"09[0-9]{8}", fullmatch=True)),
        "code": st.from_regex(r"000\.00\.06\.H56-2[0-9]{5}-[0-9]{4}", fullmatch=True),
    }
)


@pytest.fixture(scope="module")
def store_at_0005(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store migrated to 0005 (copied for each example)."""
    path = tmp_path_factory.mktemp("fts0005") / "s.sqlite3"
    engine = create_store_engine(path)
    try:
        command.upgrade(alembic_config(engine), BEFORE)
    finally:
        engine.dispose()
    return path


def _migrate(path: Path, revision: str, *, down: bool = False) -> None:
    engine = create_store_engine(path)
    try:
        (command.downgrade if down else command.upgrade)(alembic_config(engine), revision)
        assert current_revision(engine) == revision
    finally:
        engine.dispose()


def _typed(people: list[dict[str, str | None]]) -> list[str]:
    """What a clerk could type: every prefix of every name, ID number, phone and code."""
    queries: set[str] = set()
    for p in people:
        for value in p.values():
            if value:
                queries.update(value[:n] for n in range(1, len(value) + 1))
        words = TOKEN.findall(fold(p["applicant_name"] or ""))
        queries.update(f"{words[0]} {w[:n]}" for w in words[1:] for n in range(1, len(w) + 1))
    return sorted(queries)


def _results(path: Path, queries: list[str]) -> dict[str, tuple[list[int], int]]:
    """For each query: the newest 5 matching rowids (the screen's order and limit) and the count."""
    db = sqlite3.connect(path)
    try:
        out: dict[str, tuple[list[int], int]] = {}
        for q in queries:
            match = match_expression(fold(q))
            if match is None:
                continue
            rows = db.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT 5", (match,)
            ).fetchall()
            count = db.execute(
                "SELECT count(*) FROM search_fts WHERE search_fts MATCH ?", (match,)
            ).fetchone()
            out[q] = ([r[0] for r in rows], count[0])
        db.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
        return out
    finally:
        db.close()


def _fts_sql(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT sql FROM sqlite_master WHERE name = 'search_fts'").fetchone()[0]
    finally:
        db.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(person, min_size=1, max_size=40))
def test_migration_keeps_every_search_result(
    store_at_0005: Path, tmp_path_factory: pytest.TempPathFactory, people: list[dict[str, str | None]]
) -> None:
    path = tmp_path_factory.mktemp("fts") / "s.sqlite3"
    shutil.copy(store_at_0005, path)
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            "INSERT INTO search_keys (entity, entity_id, keys) VALUES ('dossier', ?, ?)",
            [(f"d{i}", record_keys("dossier", p)) for i, p in enumerate(people)],
        )
    db.close()
    queries = _typed(people)
    before = _results(path, queries)
    assert before and all(count for _, count in before.values())  # each typed prefix finds its row

    _migrate(path, AFTER)
    assert f"prefix='{FTS_PREFIXES}'" in _fts_sql(path)
    assert "columnsize=0" in _fts_sql(path) and not _has_docsize(path)
    assert _results(path, queries) == before
    _delete_and_check(path, "d0")  # the delete trigger keeps the index whole without column sizes
    after_delete = _results(path, queries)
    assert after_delete != before

    _migrate(path, BEFORE, down=True)
    assert "prefix='2 3'" in _fts_sql(path)
    assert "columnsize" not in _fts_sql(path) and _has_docsize(path)
    assert _results(path, queries) == after_delete
    _delete_and_check(path, "d1")


def test_new_store_has_the_prefix_indexes(tmp_path: Path) -> None:
    """A store created by this code searches with the prefix lengths ``FTS_PREFIXES`` names."""
    ctx = open_context(tmp_path / "data")
    try:
        assert current_revision(ctx.store.engine) == head_revision()
    finally:
        ctx.close()
    assert f"prefix='{FTS_PREFIXES}'" in _fts_sql(tmp_path / "data" / "commune-desk.sqlite3")


def test_service_search_is_the_same_across_the_migration(tmp_path: Path) -> None:
    """``Services.search_dossiers`` returns the same rows at 0005 and after 0006, on real intakes."""
    names = ["Nguyễn Văn Hưng", "Nguyễn Thị Nguyệt", "Hoàng Hà", "Huỳnh Thanh Hạnh", "Đặng Thị Đào"]
    folder = tmp_path / "data"
    ctx = open_context(folder)
    try:
        for i in range(30):
            ctx.services.register_dossier(
                new_dossier(
                    applicant_name=names[i % len(names)],
                    applicant_id_number=f"001{i % 2}{80 + i % 10}{i:06d}",
                    applicant_phone=f"0912{i:06d}",
                )
            )
        queries = _typed(
            [
                {"applicant_name": n, "applicant_id_number": f"001{i % 2}{80 + i % 10}{i:06d}"}
                for i, n in enumerate(names)
            ]
        )
        engine = ctx.store.engine

        def search() -> dict[str, list[str]]:
            return {q: [d.id for d in ctx.services.search_dossiers(q, limit=7)] for q in queries}

        after = search()
        command.downgrade(alembic_config(engine), BEFORE)
        assert "prefix='2 3'" in _fts_sql(folder / "commune-desk.sqlite3")
        # This code's searches first look for staged keys (0007): an empty staging table
        # lets them run over the 0005 index as they are.
        StagedSearchKey.__table__.create(engine)
        before = search()
        StagedSearchKey.__table__.drop(engine)
        command.upgrade(alembic_config(engine), "head")
        assert search() == before == after
        assert sum(map(len, before.values())) > len(queries)  # the queries find rows
    finally:
        ctx.close()


def _has_docsize(path: Path) -> bool:
    with sqlite3.connect(path) as db:
        return (
            db.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_fts_docsize'").fetchone() is not None
        )


def _delete_and_check(path: Path, entity_id: str) -> None:
    """Delete one record's keys, then FTS5's own integrity check against its content table."""
    db = sqlite3.connect(path)
    try:
        with db:
            db.execute("DELETE FROM search_keys WHERE entity_id = ?", (entity_id,))
            db.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
    finally:
        db.close()


def test_the_migrations_fts_ddl_stays_what_they_shipped_with() -> None:
    """Migrations 0001 and 0006 build their FTS5 table and triggers with ``fts_schema``.
    Stores in the field were made by exactly these statements: a change to ``fts_schema``
    must come with a new migration, and with a frozen copy of these in 0001 and 0006."""
    triggers = (
        "CREATE TRIGGER search_keys_ai AFTER INSERT ON search_keys BEGIN "
        "INSERT INTO search_fts(rowid, keys) VALUES (new.id, new.keys); END",
        "CREATE TRIGGER search_keys_ad AFTER DELETE ON search_keys BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, keys) VALUES ('delete', old.id, old.keys); END",
        "CREATE TRIGGER search_keys_au AFTER UPDATE ON search_keys BEGIN "
        "INSERT INTO search_fts(search_fts, rowid, keys) VALUES ('delete', old.id, old.keys); "
        "INSERT INTO search_fts(rowid, keys) VALUES (new.id, new.keys); END",
    )
    table = (
        "CREATE VIRTUAL TABLE search_fts USING fts5(keys, content='search_keys', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0', prefix='{}'{})"
    )
    assert fts_schema("2 3") == (table.format("2 3", ""), *triggers)  # 0001
    assert fts_schema("1 2 3 4 5 6", column_sizes=False) == (  # 0006
        table.format("1 2 3 4 5 6", ", columnsize=0"),
        *triggers,
    )
    assert DROP_FTS_SCHEMA == (
        "DROP TRIGGER IF EXISTS search_keys_ai",
        "DROP TRIGGER IF EXISTS search_keys_ad",
        "DROP TRIGGER IF EXISTS search_keys_au",
        "DROP TABLE IF EXISTS search_fts",
    )
    assert REBUILD_FTS == "INSERT INTO search_fts(search_fts) VALUES ('rebuild')"
