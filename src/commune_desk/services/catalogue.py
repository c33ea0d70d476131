"""Procedure catalogue: list it, load it from JSON, replace it as a whole by a newer version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commune_desk.domain.calendar import DayKind, StatutoryExtension, TimeLimit
from commune_desk.domain.catalogue import Catalogue, ProcedureInfo, procedure_from_columns
from commune_desk.domain.deadlines import parse_extension
from commune_desk.domain.errors import DomainError, ValidationError
from commune_desk.domain.text import fold, normalize_text
from commune_desk.paths import resources_dir
from commune_desk.services.base import ServiceBase
from commune_desk.services.errors import OutdatedReferenceData
from commune_desk.services.values import Changes, Outcome
from commune_desk.store.models import Dossier, Procedure, ReferenceVersion

PROCEDURES_REFERENCE = "procedures"
#: Marker of a fee text not checked against current law (older catalogues put it in the text).
_UNVERIFIED = fold("chưa xác minh")


def parse_catalogue(raw: dict[str, Any]) -> Catalogue:
    """Validate a catalogue document (the JSON shape of ``resources/procedures.json``)."""
    try:
        version = int(raw["version"])
        procedures = []
        seen: set[str] = set()
        for item in raw["procedures"]:
            code = str(item["code"]).strip().upper()
            if not code or code in seen:
                raise ValueError(f"empty or duplicate procedure code {code!r}")
            seen.add(code)
            kind = DayKind(item["day_kind"])
            amount = int(item.get("time_limit", 0))
            TimeLimit(kind, amount)  # raises on a bad combination
            fee, fee_verified = _fee(item)
            procedures.append(
                ProcedureInfo(
                    code=code,
                    name=normalize_text(item["name"]),
                    day_kind=kind,
                    time_limit=amount,
                    field=normalize_text(item.get("field", "")),
                    fee=fee,
                    required_papers=tuple(normalize_text(p) for p in item.get("required_papers", [])),
                    notes=normalize_text(item.get("notes", "")),
                    fee_verified=fee_verified,
                    extensions=tuple(parse_extension(e) for e in item.get("extensions", [])),
                )
            )
    except (KeyError, TypeError, ValueError, DomainError) as exc:
        raise ValidationError("invalid_catalogue", f"bad procedure catalogue: {exc}") from exc
    if not procedures:
        raise ValidationError("invalid_catalogue", "the catalogue has no procedures")
    return Catalogue(version=version, procedures=tuple(procedures))


def _fee(item: dict[str, Any]) -> tuple[str, bool]:
    """The fee text and whether it was verified (a "(chưa xác minh)" in the text means not)."""
    fee = normalize_text(item.get("fee", ""))
    verified = bool(item.get("fee_verified", True))
    if _UNVERIFIED in fold(fee):
        verified = False
        fee = normalize_text(fee.replace("(chưa xác minh)", "").replace("chưa xác minh", ""))
    return fee, verified


def extension_to_json(ext: StatutoryExtension) -> dict[str, Any]:
    """The stored form of an extension (what ``parse_extension`` reads)."""
    return {
        "code": ext.code,
        "name": ext.name,
        "legal_basis": ext.legal_basis,
        "mode": ext.mode.value,
        "day_kind": ext.limit.kind.value,
        "amount": ext.limit.amount,
    }


def read_reference_file(path: Path, kind: str) -> Any:
    """The JSON content of a reference-data file; ValidationError ``kind`` when unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValidationError(kind, f"cannot read {path}: {exc}") from exc


def load_catalogue_file(path: Path | None = None) -> Catalogue:
    """Read and validate a catalogue JSON file (default: the bundled one)."""
    return parse_catalogue(
        read_reference_file(path or resources_dir() / "procedures.json", "invalid_catalogue")
    )


def procedure_info(row: Procedure) -> ProcedureInfo:
    """Plain value of a procedure row."""
    return procedure_from_columns(
        code=row.code,
        name=row.name,
        day_kind=row.day_kind,
        time_limit=row.time_limit,
        field=row.field,
        fee=row.fee,
        required_papers=row.required_papers,
        notes=row.notes,
        active=row.active,
        fee_verified=row.fee_verified,
        extensions=row.extensions,
    )


class CatalogueServices(ServiceBase):
    """The procedure catalogue."""

    def list_procedures(self, *, include_inactive: bool = False) -> list[ProcedureInfo]:
        """Procedures in catalogue order (only the current ones unless asked)."""
        with self.store.read() as session:
            query = select(Procedure).order_by(Procedure.sort_order, Procedure.code)
            if not include_inactive:
                query = query.where(Procedure.active.is_(True))
            return [procedure_info(p) for p in session.scalars(query)]

    def catalogue_version(self) -> int | None:
        """Version of the installed catalogue (None before the first load)."""
        with self.store.read() as session:
            row = session.get(ReferenceVersion, PROCEDURES_REFERENCE)
            return row.version if row else None

    def replace_catalogue(self, catalogue: Catalogue, *, actor: str = "") -> Outcome[int]:
        """Replace the whole catalogue in one transaction.

        An older version is refused (``outdated_reference``); the same version
        is a no-op. Procedures the new catalogue drops stay as inactive rows
        when dossiers still refer to them, and are deleted otherwise.
        """
        with self.store.write.begin() as session:
            codes = self._replace_catalogue(session, catalogue, actor=actor)
        return Outcome(catalogue.version, Changes.of("procedure", *codes))

    def _replace_catalogue(self, session: Session, catalogue: Catalogue, *, actor: str) -> set[str]:
        """Replace the catalogue in the caller's transaction; return the codes touched
        (empty when ``catalogue`` is the installed version)."""
        current = session.get(ReferenceVersion, PROCEDURES_REFERENCE)
        if current is not None and catalogue.version < current.version:
            raise OutdatedReferenceData(
                "outdated_reference",
                f"catalogue version {catalogue.version} older than {current.version}",
                installed=current.version,
                offered=catalogue.version,
            )
        if current is not None and catalogue.version == current.version:
            return set()
        existing = {p.code: p for p in session.scalars(select(Procedure))}
        used = set(session.scalars(select(Dossier.procedure_code).distinct()))
        new_codes = {p.code for p in catalogue.procedures}
        for code, row in existing.items():
            if code in new_codes:
                continue
            if code in used:
                row.active = False
            else:
                session.delete(row)
        for order, info in enumerate(catalogue.procedures):
            row = existing.get(info.code) or Procedure(code=info.code)
            row.name, row.field, row.fee, row.notes = info.name, info.field, info.fee, info.notes
            row.day_kind, row.time_limit = info.day_kind.value, info.time_limit
            row.required_papers = list(info.required_papers)
            row.extensions = [extension_to_json(e) for e in info.extensions]
            row.fee_verified = info.fee_verified
            row.sort_order, row.active = order, True
            session.add(row)
        if current is None:
            session.add(
                ReferenceVersion(
                    name=PROCEDURES_REFERENCE, version=catalogue.version, replaced_at=self._now()
                )
            )
        else:
            current.version, current.replaced_at = catalogue.version, self._now()
        self._audit(session, "catalogue_replaced", actor=actor, details={"version": catalogue.version})
        return new_codes | set(existing)
