"""Migrations at open: Alembic only when one is due, the shipped head read as Alembic reads it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory

from commune_desk.store.migrate import (
    MIGRATIONS_DIR,
    alembic_config,
    current_revision,
    head_revision,
    known_revisions,
    shipped_revisions,
)
from commune_desk.store.opening import open_store


def test_shipped_revisions_are_alembics_own() -> None:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    assert head_revision() == script.get_current_head()
    assert shipped_revisions() == {rev.revision: rev.down_revision for rev in script.walk_revisions()}
    assert known_revisions() == {rev.revision for rev in script.walk_revisions()}


def test_empty_file_has_no_revision(tmp_path: Path) -> None:
    store = open_store(tmp_path / "s.sqlite3")
    store.close()
    from commune_desk.store.engine import create_store_engine

    engine = create_store_engine(tmp_path / "empty.sqlite3")
    try:
        assert current_revision(engine) is None
    finally:
        engine.dispose()


_OPEN = """
import sys
from pathlib import Path
from commune_desk.store.opening import open_store
open_store(Path(sys.argv[1])).close()
print("alembic" in sys.modules)
"""


def _opens_with_alembic(path: Path) -> bool:
    out = subprocess.run([sys.executable, "-c", _OPEN, str(path)], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


def test_alembic_is_imported_only_when_a_migration_is_due(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    assert _opens_with_alembic(path)  # a new file: the schema is created by the migrations
    assert not _opens_with_alembic(path)  # at head: nothing to do, nothing imported
    store = open_store(path)
    try:
        command.downgrade(alembic_config(store.engine), "-1")  # a store left by the previous release
        assert current_revision(store.engine) == shipped_revisions()[head_revision()]
    finally:
        store.close()
    assert _opens_with_alembic(path)  # due again: migrated
    store = open_store(path)
    try:
        assert current_revision(store.engine) == head_revision()
    finally:
        store.close()
