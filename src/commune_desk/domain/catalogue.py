"""The procedure catalogue's values: one procedure, a whole catalogue with its version.

Plain frozen dataclasses, built from the store's ``procedures`` rows by
:func:`procedure_from_columns` (the services from ORM rows, the desktop's first
glance from ``sqlite3`` rows), so a procedure reads the same either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from commune_desk.domain.calendar import DayKind, StatutoryExtension
from commune_desk.domain.deadlines import parse_extension


@dataclass(frozen=True)
class ProcedureInfo:
    """One procedure of the catalogue."""

    code: str
    name: str
    day_kind: DayKind
    time_limit: int
    field: str = ""
    fee: str = ""
    required_papers: tuple[str, ...] = ()
    notes: str = ""
    active: bool = True
    #: False when ``fee`` is not checked against current law: never printed for the citizen.
    fee_verified: bool = True
    #: Longer periods the law allows in some cases, offered to the clerk.
    extensions: tuple[StatutoryExtension, ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """A whole procedure catalogue with its version (newer replaces older)."""

    version: int
    procedures: tuple[ProcedureInfo, ...]


def procedure_from_columns(
    *,
    code: str,
    name: str,
    day_kind: str,
    time_limit: int,
    field: str,
    fee: str,
    required_papers: Iterable[Any] | None,
    notes: str,
    active: bool,
    fee_verified: bool,
    extensions: Iterable[Mapping[str, Any]] | None,
) -> ProcedureInfo:
    """The value of one ``procedures`` row, given its columns (JSON columns decoded)."""
    return ProcedureInfo(
        code=code,
        name=name,
        day_kind=DayKind(day_kind),
        time_limit=time_limit,
        field=field,
        fee=fee,
        required_papers=tuple(required_papers or ()),
        notes=notes,
        active=bool(active),
        fee_verified=bool(fee_verified),
        extensions=tuple(parse_extension(e) for e in extensions or ()),
    )
