"""``db check``: SQLite's own integrity check plus the store's invariants (outbox, search
index, statuses, daily code counters, attachment files)."""

from __future__ import annotations

import re
from itertools import groupby

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from commune_desk.domain.codes import SLOT_SIZE
from commune_desk.domain.dossier import DossierStatus, derive_status
from commune_desk.domain.errors import DomainError
from commune_desk.protocol import Entity, OutboxState
from commune_desk.services.base import ServiceBase
from commune_desk.services.values import CheckReport
from commune_desk.store.outbox import OUTBOX_SEQ
from commune_desk.store.search import record_keys

#: Synced tables and the outbox entity name of their rows.
SYNCED_TABLES = {
    "dossiers": Entity.DOSSIER,
    "dossier_events": Entity.DOSSIER_EVENT,
    "attachments": Entity.ATTACHMENT,
    "incoming_documents": Entity.INCOMING_DOCUMENT,
    "outgoing_documents": Entity.OUTGOING_DOCUMENT,
}
_MAX_LISTED = 20


class MaintenanceServices(ServiceBase):
    """Health checks of the store."""

    def check_store(self, *, verify_blobs: bool = True) -> CheckReport:
        """Run every check; each problem is one English line (for IT support and logs)."""
        problems: list[str] = []
        checked: list[str] = []
        self._searchable()  # the keys intakes staged are checked in the index, like all others
        with self.store.engine.connect() as conn:
            checked.append("sqlite integrity_check")
            result = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").fetchall()]
            if result != ["ok"]:
                problems.extend(f"integrity_check: {r}" for r in result[:_MAX_LISTED])
            checked.append("foreign keys")
            for row in conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()[:_MAX_LISTED]:
                problems.append(f"foreign key broken: table {row[0]} rowid {row[1]} -> {row[2]}")
        with self.store.write() as session:  # FTS5 integrity-check is written as an INSERT
            checked.append("fts index vs search_keys")
            try:
                session.execute(
                    text("INSERT INTO search_fts(search_fts, rank) VALUES ('integrity-check', 1)")
                )
            except DatabaseError as exc:
                problems.append(f"full-text index out of step: {exc.orig}")
            session.rollback()
        warnings: list[str] = []
        with self.store.read() as session:
            problems += _check_search_keys(session, checked)
            problems += _check_outbox(session, checked, self.device_id)
            problems += _check_statuses(session, checked)
            problems += _check_code_counters(session, checked, self._load_settings(session).counter_slot)
            if verify_blobs:
                checked.append("attachment blobs")
                rows = session.execute(text("SELECT DISTINCT sha256 FROM attachments"))
                referenced = {sha for (sha,) in rows}
                for sha in sorted(referenced):
                    if not self.blobs.verify(sha):
                        problems.append(f"attachment blob {sha} missing or corrupt")
                unreferenced = set(self.blobs.all_hashes()) - referenced
                if unreferenced:
                    warnings.append(
                        f"{len(unreferenced)} attachment files are referenced by no record "
                        "(left by an interrupted add; not backed up)"
                    )
        return CheckReport(problems=tuple(problems), checked=tuple(checked), warnings=tuple(warnings))


def _check_search_keys(session: Session, checked: list[str]) -> list[str]:
    checked.append("search keys of dossiers")
    problems = []
    rows = session.execute(
        text(
            "SELECT d.id, d.applicant_name, d.applicant_id_number, d.applicant_phone, d.code, k.keys "
            "FROM dossiers d LEFT JOIN search_keys k ON k.entity_id = d.id"
        )
    )
    for row in rows:
        values = row._mapping
        if values["keys"] != record_keys(Entity.DOSSIER, values):
            problems.append(f"dossier {values['id']}: search keys missing or stale")
            if len(problems) >= _MAX_LISTED:
                break
    orphans = session.execute(
        text(
            "SELECT count(*) FROM search_keys k WHERE k.entity = 'dossier' AND NOT EXISTS "
            "(SELECT 1 FROM dossiers d WHERE d.id = k.entity_id)"
        )
    ).scalar_one()
    if orphans:
        problems.append(f"{orphans} search keys point at missing dossiers")
    return problems


def _check_outbox(session: Session, checked: list[str], device_id: str) -> list[str]:
    problems = []
    checked.append("outbox sequence gapless above what the server accounts for")
    # Up to ``seq_floor`` every seq is on the server or declared lost (a restore, a
    # renumbering, pruned done rows); above it this PC's seqs must run without gaps.
    floor = (
        session.execute(
            text("SELECT seq_floor FROM sync_state WHERE device_id = :d"), {"d": device_id}
        ).scalar()
        or 0
    )
    high, count = session.execute(
        text("SELECT max(seq), count(*) FROM outbox WHERE device_id = :d AND seq > :f"),
        {"d": device_id, "f": floor},
    ).one()
    if high is not None and count != high - floor:
        problems.append(f"outbox of device {device_id}: {high - floor - count} gaps in seq above {floor}")
    counter = session.execute(
        text("SELECT value FROM local_counters WHERE name = :n"), {"n": OUTBOX_SEQ}
    ).scalar()
    top = session.execute(text("SELECT max(seq) FROM outbox WHERE device_id = :d"), {"d": device_id}).scalar()
    if top is not None and counter is not None and top > counter:
        problems.append(f"outbox seq {top} is ahead of its counter {counter}")
    checked.append("unpushed records have outbox operations")
    for table, entity in SYNCED_TABLES.items():
        missing = session.execute(
            text(
                f"SELECT count(*) FROM {table} r WHERE r.dirty AND NOT EXISTS "  # noqa: S608
                "(SELECT 1 FROM outbox o WHERE o.entity = :e AND o.entity_id = r.id "
                "AND o.state != :done)"
            ),
            {"e": entity, "done": OutboxState.DONE.value},
        ).scalar_one()
        if missing:
            problems.append(f"{missing} unpushed {entity} records have no outbox operation")
        orphan_ops = session.execute(
            text(
                "SELECT count(*) FROM outbox o WHERE o.entity = :e AND o.action = 'create' AND "
                f"NOT EXISTS (SELECT 1 FROM {table} r WHERE r.id = o.entity_id)"
            ),  # noqa: S608
            {"e": entity},
        ).scalar_one()
        if orphan_ops:
            problems.append(f"{orphan_ops} outbox operations create missing {entity} records")
    return problems


_CODE_TAIL = re.compile(r"-(\d{6})-(\d{4})$")


def _check_code_counters(session: Session, checked: list[str], slot: int) -> list[str]:
    """Each day's code counter is at or above the codes issued that day from its slot.

    A counter behind its codes (an interrupted bulk write) makes the next intake of
    that day take a code that exists: checked for this PC's slot, and for any slot
    that has a counter here.
    """
    checked.append("daily dossier-code counters")
    highest: dict[tuple[str, int], int] = {}
    for (code,) in session.execute(text("SELECT code FROM dossiers")):
        match = _CODE_TAIL.search(code or "")
        if match is None:
            continue
        number = int(match[2])
        key = ("20" + match[1], number // SLOT_SIZE)
        highest[key] = max(highest.get(key, 0), number)
    counters = {
        name: value
        for name, value in session.execute(
            text("SELECT name, value FROM local_counters WHERE name LIKE 'dossier/%'")
        )
    }
    problems = []
    for (day, code_slot), number in sorted(highest.items()):
        name = f"dossier/{day}/{code_slot}"
        value = counters.get(name)
        if value is None and code_slot != slot:
            continue  # codes of another counter's slot (pulled): this PC never issues them
        if value is None or value < number:
            problems.append(f"code counter {name} is {value} but code number {number} exists that day")
            if len(problems) >= _MAX_LISTED:
                break
    return problems


def _check_statuses(session: Session, checked: list[str]) -> list[str]:
    checked.append("dossier status derived from events")
    problems = []
    statuses: dict[str, int] = dict(session.execute(text("SELECT id, status FROM dossiers")).all())
    events = session.execute(
        text("SELECT dossier_id, kind FROM dossier_events ORDER BY dossier_id, local_order")
    )
    seen = set()
    for dossier_id, group in groupby(events, key=lambda r: r[0]):
        seen.add(dossier_id)
        try:
            derived = derive_status(kind for _, kind in group)
        except DomainError as exc:
            problems.append(f"dossier {dossier_id}: illegal event history ({exc})")
            continue
        stored = statuses.get(dossier_id)
        if derived is None or stored != int(derived):
            stored_name = DossierStatus(stored).name if stored else None
            problems.append(
                f"dossier {dossier_id}: status {stored_name} but events say "
                f"{derived.name if derived else None}"
            )
        if len(problems) >= _MAX_LISTED:
            return problems
    without = len(set(statuses) - seen)
    if without:
        problems.append(f"{without} dossiers have no events")
    return problems
