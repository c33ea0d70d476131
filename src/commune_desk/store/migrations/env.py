"""Alembic environment: always run online against the engine handed in by ``store.migrate``."""

from __future__ import annotations

from alembic import context

from commune_desk.store.models import Base


def run_migrations() -> None:
    """Run the pending migrations on the engine ``store.migrate`` put in the config."""
    engine = context.config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        )
        with context.begin_transaction():
            context.run_migrations()


# Alembic executes this file with its context set up; a plain import (the
# layering test imports every core module) must do nothing.
if getattr(context, "config", None) is not None:
    run_migrations()
