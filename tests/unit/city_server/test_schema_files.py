"""The checked-in OpenAPI file and the Alembic migrations match the code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from tests.helpers.city_server import PG_ENV, postgres_schema_url, sqlite_url

from city_server.cli import openapi_json
from city_server.db import make_engine, migrate
from city_server.models import Base

ROOT = Path(__file__).resolve().parents[3]


def test_checked_in_openapi_is_current() -> None:
    checked_in = (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert checked_in == openapi_json(), (
        "docs/openapi.json is stale: run `city-server openapi > docs/openapi.json`"
    )


def test_openapi_documents_every_protocol_path() -> None:
    text = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
    import json

    for path in json.loads(openapi_json())["paths"]:
        assert path.split("{")[0].rstrip("/") in text, f"{path} missing from docs/protocol.md"


def _assert_no_diff(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_migrations_match_models_sqlite(tmp_path: Path) -> None:
    _assert_no_diff(sqlite_url(tmp_path))


@pytest.mark.postgres
@pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} not set")
def test_migrations_match_models_postgres() -> None:
    with postgres_schema_url(os.environ[PG_ENV]) as url:
        _assert_no_diff(url)
