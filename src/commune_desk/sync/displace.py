"""Giving way to the server's numbers when a pulled record holds a code or number a local one has.

This only happens to a record the server refused (or will refuse) — typically
one numbered in single-PC mode before the PC logged in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase, Session

from commune_desk import protocol as p
from commune_desk.store.audit import audit
from commune_desk.store.models import Dossier, IncomingDocument, OutgoingDocument
from commune_desk.sync.records import ENTITY_MODELS

_ENTITY_OF: dict[type, str] = {model: str(entity) for entity, model in ENTITY_MODELS.items()}


def displace_numbers(session: Session, changes: list[p.Change], now: datetime) -> None:
    """Give way to the server's numbers: a local record holding the same code or number.

    This only happens to a record the server refused (or will refuse) —
    typically one numbered in single-PC mode before the PC logged in. Its
    number is taken off (register entries become provisional, a dossier code
    gets a ``~`` suffix) and the change is audited, so the quarantine shows
    the clerk what to reprint.
    """
    owners: dict[tuple[type[DeclarativeBase], Any], str] = {}
    for change in changes:
        model = ENTITY_MODELS.get(change.entity)
        fields = change.fields
        if change.deleted:
            continue
        if model is Dossier and isinstance(fields.get(p.FIELD_CODE), str):
            owners[(model, fields[p.FIELD_CODE])] = str(change.entity_id)
        elif model in (IncomingDocument, OutgoingDocument) and isinstance(fields.get(p.FIELD_NUMBER), int):
            owners[(model, (fields.get(p.FIELD_SERIES), fields[p.FIELD_NUMBER]))] = str(change.entity_id)
    if not owners:
        return
    clashes: list[tuple[Any, str]] = []
    codes = [key for model, key in owners if model is Dossier]
    for start in range(0, len(codes), 500):
        for rec in session.scalars(select(Dossier).where(Dossier.code.in_(codes[start : start + 500]))):
            owner = owners[(Dossier, rec.code)]
            if owner != rec.id:
                clashes.append((rec, owner))
    for model in (IncomingDocument, OutgoingDocument):
        keys = [key for m, key in owners if m is model]
        numbers = sorted({number for _, number in keys})
        for start in range(0, len(numbers), 500):
            doc: Any
            for doc in session.scalars(select(model).where(model.number.in_(numbers[start : start + 500]))):
                holder = owners.get((model, (doc.series, doc.number)))
                if holder is not None and holder != doc.id:
                    clashes.append((doc, holder))
    for rec, owner in clashes:
        is_dossier = isinstance(rec, Dossier)
        old = rec.code if is_dossier else rec.number
        if is_dossier:
            rec.code = f"{rec.code}~{rec.id[:8]}"
        else:
            rec.number = None
        audit(
            session,
            "number_displaced",
            actor="sync",
            entity=_ENTITY_OF[type(rec)],
            entity_id=rec.id,
            details={"was": old, "taken_by": owner},
            at=now,
        )
    if clashes:
        session.flush()
