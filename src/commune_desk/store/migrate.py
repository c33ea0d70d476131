"""Run the store's Alembic migrations programmatically (at every open)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from commune_desk.store.errors import StoreError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations and this engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The newest migration revision shipped with this version of the code."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the store at ``engine`` is on (``None`` for an empty file)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def known_revisions() -> frozenset[str]:
    """Every migration revision this version of the code knows."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return frozenset(rev.revision for rev in script.walk_revisions())


def upgrade_to_head(engine: Engine) -> None:
    """Bring the store up to the newest schema; a no-op when it is already there.

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
    command.upgrade(alembic_config(engine), "head")
