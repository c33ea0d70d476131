"""Run the store's Alembic migrations programmatically (at every open).

Alembic (about 12 MB of a 4 GB office PC's memory, and import time at every
start) is imported only when a migration is due. Whether one is due is read
without it: the store's ``alembic_version`` row against the head of the revision
files shipped with the code (their ``revision`` / ``down_revision`` lines,
checked against Alembic's own reading by ``tests/unit/store/test_migrate.py``).
SQLAlchemy is not imported either, so the desktop's first glance at the store
(``commune_desk.glance``) can ask for the head revision.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from commune_desk.store.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")

_REVISION = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]+)?\s*=\s*(None|['\"][^'\"]+['\"])", re.MULTILINE)


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations and this engine."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


@cache
def shipped_revisions() -> dict[str, str | None]:
    """Every revision file shipped with this code: ``{revision: down_revision}``."""
    revisions: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision is None or down is None:
            continue  # __init__.py and helpers
        revisions[revision.group(1)] = None if down.group(1) == "None" else down.group(1)[1:-1]
    return revisions


def head_revision() -> str:
    """The newest migration revision shipped with this version of the code."""
    revisions = shipped_revisions()
    heads = set(revisions) - {down for down in revisions.values() if down}
    if len(heads) != 1:
        raise RuntimeError(f"the store's migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    """The revision the store at ``engine`` is on (``None`` for an empty file)."""
    with engine.connect() as connection:
        db = connection.connection.driver_connection
        assert isinstance(db, sqlite3.Connection)
        try:
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:  # no such table: a new, empty store
            row = None
        connection.rollback()
    return row[0] if row else None


def known_revisions() -> frozenset[str]:
    """Every migration revision this version of the code knows (read without Alembic)."""
    return frozenset(shipped_revisions())


def upgrade_to_head(engine: Engine) -> None:
    """Bring the store up to the newest schema; a no-op (no Alembic import) when it is there.

    A store at a revision this code does not know was made by a newer version of
    the software: ``StoreError("store_newer_version")``, and nothing is changed.
    """
    current = current_revision(engine)
    if current == head_revision():
        return
    if current is not None and current not in known_revisions():
        raise StoreError(
            "store_newer_version",
            f"store at unknown revision {current}",
            path=str(engine.url.database),
            revision=current,
        )
    from alembic import command

    command.upgrade(alembic_config(engine), "head")
