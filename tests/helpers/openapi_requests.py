"""Build concrete requests from an OpenAPI document (for tests that must cover every route).

:func:`operations` lists every operation of the document; :func:`example`
makes the smallest value a schema accepts, taking named fields (``device_id``,
``sha256`` ...) from an ``overrides`` mapping so a test can aim a request at
chosen objects.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OPENAPI_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


@dataclass(frozen=True)
class Operation:
    """One (method, path) of the document and what it takes."""

    method: str
    path: str
    path_params: tuple[str, ...]
    query: Mapping[str, Any]
    body_schema: Mapping[str, Any] | None
    body_type: str | None
    needs_token: bool

    @property
    def key(self) -> tuple[str, str]:
        """(METHOD, path) as the app's routes name it."""
        return self.method, self.path


def load(path: Path = OPENAPI_PATH) -> dict[str, Any]:
    """The checked-in OpenAPI document."""
    return json.loads(path.read_text(encoding="utf-8"))


def operations(doc: Mapping[str, Any]) -> list[Operation]:
    """Every operation of ``doc``; ``needs_token`` when it takes an Authorization header."""
    found = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            params = op.get("parameters", [])
            query = {
                p["name"]: example(p["schema"], doc)
                for p in params
                if p["in"] == "query" and p.get("required")
            }
            content = (op.get("requestBody") or {}).get("content", {})
            body_type = next(iter(content), None)
            found.append(
                Operation(
                    method=method.upper(),
                    path=path,
                    path_params=tuple(p["name"] for p in params if p["in"] == "path"),
                    query=query,
                    body_schema=content[body_type].get("schema") if body_type else None,
                    body_type=body_type,
                    needs_token=any(
                        p["in"] == "header" and p["name"].lower() == "authorization" for p in params
                    ),
                )
            )
    return found


def example(
    schema: Mapping[str, Any],
    doc: Mapping[str, Any],
    overrides: Mapping[str, Any] | None = None,
    name: str | None = None,
) -> Any:
    """The smallest valid value of ``schema``; a property named in ``overrides`` takes that value."""
    overrides = overrides or {}
    if name is not None and name in overrides:
        return overrides[name]
    if "$ref" in schema:
        target = schema["$ref"].rsplit("/", 1)[-1]
        return example(doc["components"]["schemas"][target], doc, overrides, name)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            choices = [s for s in schema[combinator] if s.get("type") != "null"]
            return example(choices[0], doc, overrides, name)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        props = schema.get("properties", {})
        wanted = set(schema.get("required", [])) | (set(props) & set(overrides))
        return {key: example(props[key], doc, overrides, key) for key in sorted(wanted)}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return schema.get("minimum", 1 if schema.get("exclusiveMinimum") == 0 else 0)
    if kind == "boolean":
        return False
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    if schema.get("format") == "date-time":
        return "2026-01-01T00:00:00Z"
    return "x" * max(1, int(schema.get("minLength", 1)))
