"""A commune's records as one SQLite file of pre-built rows: the first pull of a new PC.

A PC that has never pulled would otherwise page through every change of its
commune and turn each into rows, search keys and derived statuses one by one.
A snapshot does that work once, on the server (or on a synced PC writing a
USB seed), and the PC copies whole tables with ``INSERT ... SELECT``.

Format 1 (docs/protocol.md, "Snapshot"): a SQLite database with

- ``meta(key, value)``: ``format``, ``commune_code``, ``epoch``, ``source_id``,
  ``cursor`` (the change sequence the snapshot is complete up to), ``built_at``
  and ``records``;
- one table per bulk entity (:data:`BULK_ENTITIES`, the table named like the
  entity): ``_seq``, ``_version``, ``_keys`` (the folded search text, or NULL),
  ``id`` and then the entity's protocol columns in the client store's text
  forms (:func:`stored_value`); a field the record lacks is NULL. Rows are in id
  order, so the PC's primary-key index grows at its end;
- ``change(seq, body)``: every other live record as the JSON of a pull
  ``Change`` (calendar, conflicts, number voids, and dossier events whose
  dossier is not in the snapshot), applied by the PC one by one.

Tombstones are left out: a new PC holds none of the deleted records. Only the
standard library, the protocol and the domain are used here, so the city
server builds the same file a PC reads.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, partial
from pathlib import Path
from typing import Any, BinaryIO

from commune_desk.domain.text import fast_fold
from commune_desk.protocol.records import RECORDS, FieldType, search_parts
from commune_desk.protocol.validation import field_problem
from commune_desk.protocol.wire import Entity

FORMAT = 1
#: Entities whose records travel as pre-built rows (parents before children).
BULK_ENTITIES = (
    Entity.DOSSIER,
    Entity.ATTACHMENT,
    Entity.INCOMING_DOCUMENT,
    Entity.OUTGOING_DOCUMENT,
    Entity.DOSSIER_EVENT,
)
#: Columns of a bulk table besides the protocol's (never protocol field names).
META_COLUMNS = ("_seq", "_version", "_keys", "id")
_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_JSON_TYPES = (FieldType.OBJECT, FieldType.LIST, FieldType.OBJECTS)
_COPY_CHUNK = 1024 * 1024


class SnapshotError(Exception):
    """A snapshot file that cannot be used (damaged, tampered with, another format)."""


def utc_text(value: Any) -> str | None:
    """A wire datetime (ISO 8601 with an offset) in the store's fixed-width UTC text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime(_UTC_FORMAT)
    text = str(value)
    if text.endswith("+00:00"):
        if len(text) == 25:  # 2026-01-05T01:30:00+00:00
            return text[:19] + ".000000Z"
        if len(text) == 32:  # 2026-01-05T01:30:00.123456+00:00
            return text[:26] + "Z"
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC).strftime(_UTC_FORMAT)


def stored_value(kind: FieldType, value: Any) -> Any:
    """A wire field value in the form the client store keeps it (SQLite text, integer, NULL)."""
    if value is None:
        return None
    if kind is FieldType.DATETIME:
        return utc_text(value)
    if kind is FieldType.DATE:
        return value.isoformat() if isinstance(value, date) else str(value)[:10]
    if kind in _JSON_TYPES:
        return json.dumps(value, ensure_ascii=False)
    if kind is FieldType.BOOL:
        return int(bool(value))
    return value


def columns(entity: Entity) -> list[str]:
    """The protocol columns of a bulk table, in order."""
    return RECORDS[entity].columns


#: The JSON type a field's value must have, and how it is stored (None: as it travels).
_FORMS: dict[FieldType, tuple[type, Callable[[Any], Any] | None]] = {
    FieldType.TEXT: (str, None),
    FieldType.MULTILINE: (str, None),
    FieldType.UUID: (str, None),
    FieldType.INT: (int, None),
    FieldType.BOOL: (bool, int),
    FieldType.DATE: (str, lambda value: value[:10]),
    FieldType.DATETIME: (str, utc_text),
    FieldType.OBJECT: (dict, lambda value: json.dumps(value, ensure_ascii=False)),
    FieldType.LIST: (list, lambda value: json.dumps(value, ensure_ascii=False)),
    FieldType.OBJECTS: (list, lambda value: json.dumps(value, ensure_ascii=False)),
}


#: Field types whose every value is checked with the protocol's own rule (ranges, formats);
#: texts and JSON values are checked by the PC in SQL (type, length) before it copies them.
_CHECKED = frozenset({FieldType.INT, FieldType.BOOL, FieldType.DATE, FieldType.DATETIME, FieldType.UUID})

Plan = tuple[tuple[str, type, Callable[[Any], Any] | None, Callable[[Any], Any] | None, bool], ...]


@cache
def _plan(entity: Entity) -> Plan:
    rules = RECORDS[entity].fields
    plan = []
    for name in columns(entity):
        rule = rules[name]
        check = partial(field_problem, name, rule) if rule.type in _CHECKED else None
        plan.append((name, *_FORMS[rule.type], check, rule.nullable))
    return tuple(plan)


def row_of(entity: Entity, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The stored forms of a record's protocol columns (missing fields: None).

    Raises ValueError or TypeError for a value that is not of its field's type (the
    record then travels as a ``change``, for the PC to refuse as a pull would).
    """
    get = fields.get
    row: dict[str, Any] = {}
    for name, kind, convert, check, nullable in _plan(entity):
        value = get(name)
        if value is None:
            if not nullable and name in fields:  # missing takes the PC's default; null is refused
                raise ValueError(f"{name}: null where a value belongs")
        else:
            if type(value) is not kind:  # exact: a bool is no integer here
                raise TypeError(f"{name}: {type(value).__name__} where {kind.__name__} belongs")
            if check is not None and check(value) is not None:
                raise ValueError(f"{name}: refused by the protocol's rule")
            if convert is not None:
                value = convert(value)
        row[name] = value
    return row


def search_text(entity: Entity, row: Mapping[str, Any]) -> str | None:
    """The folded search text of a stored row, as the PC builds it (None: not indexed)."""
    parts = search_parts(entity, row)
    return None if parts is None else " ".join(fast_fold(p) for p in parts if p)


@dataclass(frozen=True)
class SnapshotMeta:
    """What a snapshot is: whose, of which history, complete up to which change."""

    commune_code: str
    epoch: str
    source_id: str
    cursor: int
    records: int
    built_at: str
    format: int = FORMAT

    def as_rows(self) -> list[tuple[str, str]]:
        """(key, value) rows of the ``meta`` table."""
        return [(k, str(v)) for k, v in self.__dict__.items()]


def read_meta(conn: sqlite3.Connection, schema: str = "main") -> SnapshotMeta:
    """The ``meta`` table of an opened (or attached as ``schema``) snapshot."""
    try:
        values = dict(conn.execute(f"SELECT key, value FROM {schema}.meta").fetchall())
        meta = SnapshotMeta(
            commune_code=values["commune_code"],
            epoch=values["epoch"],
            source_id=values["source_id"],
            cursor=int(values["cursor"]),
            records=int(values["records"]),
            built_at=values["built_at"],
            format=int(values["format"]),
        )
    except (sqlite3.DatabaseError, KeyError, ValueError) as exc:
        raise SnapshotError(f"not a snapshot: {exc}") from exc
    if meta.format != FORMAT:
        raise SnapshotError(f"snapshot format {meta.format}, this version reads {FORMAT}")
    return meta


class SnapshotWriter:
    """Writes a snapshot file: add records in any order, then :meth:`finish`."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.path = path
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=OFF")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("BEGIN")
        self.conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self.conn.execute("CREATE TABLE change (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        for entity in BULK_ENTITIES:
            names = ", ".join(f'"{c}"' for c in (*META_COLUMNS, *columns(entity)))
            self.conn.execute(f'CREATE TABLE "{entity.value}" ({names})')
        self.rows: dict[Entity, list[tuple[Any, ...]]] = {e: [] for e in BULK_ENTITIES}
        self.count = 0

    def add_row(
        self, entity: Entity, seq: int, entity_id: str, version: int, fields: Mapping[str, Any]
    ) -> None:
        """A live record of a bulk entity (``fields`` as on the wire)."""
        row = row_of(entity, fields)
        keys = search_text(entity, row)
        self.rows[entity].append((seq, version, keys, entity_id, *row.values()))
        self.count += 1

    def add_change(self, seq: int, body: str) -> None:
        """A live record the PC applies one by one: the JSON text of its pull ``Change``."""
        self.conn.execute("INSERT INTO change (seq, body) VALUES (?, ?)", (seq, body))
        self.count += 1

    def finish(self, meta: SnapshotMeta) -> None:
        """Write the rows (id order) and the meta; close the file."""
        for entity, rows in self.rows.items():
            rows.sort(key=lambda r: r[3])
            marks = ", ".join("?" for _ in range(len(META_COLUMNS) + len(columns(entity))))
            self.conn.executemany(f'INSERT INTO "{entity.value}" VALUES ({marks})', rows)
            rows.clear()
        self.conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.as_rows())
        self.conn.execute("COMMIT")
        self.conn.close()

    def abort(self) -> None:
        """Drop the half-written file."""
        self.conn.close()
        self.path.unlink(missing_ok=True)


# -- the file on the wire and on a stick: gzip, with the SHA-256 of the compressed bytes --


def compress(source: Path, target: Path, level: int = 6) -> str:
    """Gzip ``source`` into ``target``; return the SHA-256 (hex) of the compressed file."""
    digest = hashlib.sha256()
    with (
        source.open("rb") as raw,
        target.open("wb") as out,
        gzip.GzipFile(fileobj=_Hashing(out, digest), mode="wb", compresslevel=level, mtime=0) as gz,
    ):
        shutil.copyfileobj(raw, gz, _COPY_CHUNK)
    return digest.hexdigest()


#: Domain of the city's signature over a snapshot written for a USB stick.
STICK_DOMAIN = b"commune-desk snapshot stick v1"


def stick_signing_message(sha256: str) -> bytes:
    """What the city signs for a stick's snapshot (``<file>.sig``): the file's digest."""
    return b"\x00".join((STICK_DOMAIN, sha256.lower().encode("ascii")))


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(_COPY_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def expand(source: Path, target: Path, sha256: str | None = None) -> None:
    """Check a compressed snapshot's digest (when given) and unpack it to ``target``.

    Raises :class:`SnapshotError` for a file whose digest differs (tampered
    with, or half written) or that is not a complete gzip stream.
    """
    if sha256 is not None and file_sha256(source) != sha256.lower():
        raise SnapshotError("snapshot digest does not match")
    try:
        with gzip.open(source, "rb") as gz, target.open("wb") as out:
            shutil.copyfileobj(gz, out, _COPY_CHUNK)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        target.unlink(missing_ok=True)
        raise SnapshotError(f"snapshot cannot be unpacked: {exc}") from exc


def changes(conn: sqlite3.Connection, schema: str = "main", batch: int = 1000) -> Iterator[list[str]]:
    """The ``change`` bodies of a snapshot in seq order, ``batch`` at a time."""
    last = -1
    while True:
        rows = conn.execute(
            f"SELECT seq, body FROM {schema}.change WHERE seq > ? ORDER BY seq LIMIT ?", (last, batch)
        ).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield [body for _seq, body in rows]


class _Hashing:
    """A write-only file object that hashes what passes through it."""

    def __init__(self, out: BinaryIO, digest: Any) -> None:
        self.out = out
        self.digest = digest

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        return self.out.write(data)

    def flush(self) -> None:
        self.out.flush()
