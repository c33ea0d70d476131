"""Alembic environment: runs against the engine handed in by city_server.db."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from city_server.models import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(
    config.get_main_option("sqlalchemy.url") or "sqlite:///city-server.sqlite3"
)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
