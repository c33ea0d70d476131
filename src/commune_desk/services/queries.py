"""Read-side use cases: the paged dossier list, counts and folded full-text search.

The list is ordered newest first by ``(received_at, id)``; pages can be
fetched by keyset (``after=cursor``, constant time at any depth) or by offset
(for a table model that jumps to a row). Both stay on an index.

A text search combines with every filter of the list in one statement that
starts from the FTS5 index (newest index entry first, keyset paging on its
rowid); its count is a count over the same statement, stopped past a cap so
that a very common word costs no more than the cap's worth of index entries.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Integer, column, func, literal, select, table, text, tuple_

from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.dossier import DossierStatus
from commune_desk.domain.text import fold
from commune_desk.services.base import ServiceBase
from commune_desk.services.dossiers import OPEN_STATUSES, RUNNING_STATUSES, summary_of
from commune_desk.services.values import (
    DossierCursor,
    DossierPage,
    DossierQuery,
    DossierSummary,
    SearchCursor,
)
from commune_desk.store.models import Dossier, Procedure, SearchKey
from commune_desk.store.search import match_expression
from commune_desk.store.types import UTCDateTime, from_utc_text

_ENTITY_MATCH = text(
    "SELECT k.entity_id FROM search_fts JOIN search_keys k ON k.id = search_fts.rowid "
    "WHERE search_fts MATCH :match AND k.entity = :entity "
    "ORDER BY search_fts.rowid DESC LIMIT :limit"
)
# One statement from the FTS index to the rows the table shows: FTS5 walks its
# matches newest first and stops at the limit; each hit is two primary-key lookups.
_DOSSIER_MATCH_SQL = (
    "SELECT d.id, d.code, d.procedure_code, p.name, d.applicant_name, d.applicant_id_number, "
    "d.applicant_phone, d.status, d.received_at, d.appointment_at, d.received_by "
    "FROM search_fts JOIN search_keys k ON k.id = search_fts.rowid "
    "JOIN dossiers d ON d.id = k.entity_id JOIN procedures p ON p.code = d.procedure_code "
    "WHERE search_fts MATCH ? AND k.entity = 'dossier' "
    "ORDER BY search_fts.rowid DESC LIMIT ?"
)

#: The FTS5 table (virtual, so not an ORM model); its rowid is ``search_keys.id``.
_SEARCH_FTS = table("search_fts", column("rowid", Integer))


def day_bounds(now: datetime) -> tuple[datetime, datetime]:
    """Start and end (exclusive) of ``now``'s office day, as aware datetimes."""
    local = now.astimezone(VN_TZ).date()
    start = datetime.combine(local, time(0, 0), tzinfo=VN_TZ)
    return start, start + timedelta(days=1)


class QueryServices(ServiceBase):
    """Lists, counts and search over dossiers."""

    def list_dossiers(
        self,
        query: DossierQuery | None = None,
        *,
        limit: int = 100,
        offset: int = 0,
        after: DossierCursor | None = None,
    ) -> DossierPage:
        """One page of dossiers, newest first, matching ``query``.

        Pass the previous page's ``next_cursor`` as ``after`` to walk the list
        (fast at any depth), or an ``offset`` for random access.
        """
        query = query or DossierQuery()
        now = self._now()
        stmt = self._filtered(select(Dossier, Procedure.name), query, now).join(
            Procedure, Procedure.code == Dossier.procedure_code
        )
        if after is not None:
            stmt = stmt.where(
                tuple_(Dossier.received_at, Dossier.id)
                < tuple_(literal(after.received_at, UTCDateTime()), literal(after.id))
            )
        stmt = stmt.order_by(Dossier.received_at.desc(), Dossier.id.desc()).limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        with self.store.read() as session:
            rows = tuple(summary_of(d, name, now) for d, name in session.execute(stmt))
        cursor = DossierCursor(rows[-1].received_at, rows[-1].id) if len(rows) == limit and rows else None
        return DossierPage(rows=rows, next_cursor=cursor)

    def count_dossiers(
        self, query: DossierQuery | None = None, *, text_query: str = "", at_most: int | None = None
    ) -> int:
        """How many dossiers match ``query`` and the search text ``text_query`` (if any).

        With ``at_most``, counting stops past it: the answer is then ``at_most + 1``,
        meaning "more than ``at_most``" (a common word costs no more than that).
        """
        query = query or DossierQuery()
        now = self._now()
        if text_query.strip():
            match = match_expression(fold(text_query))
            if match is None:
                return 0
            self._searchable()
            if query == DossierQuery():  # no filter: the index alone answers (cheaper)
                inner = self._search_from(select(literal(1)), match, join_dossiers=False)
            else:
                inner = self._filtered(self._search_from(select(literal(1)), match), query, now)
        else:
            inner = self._filtered(select(literal(1)).select_from(Dossier), query, now)
        if at_most is not None:
            inner = inner.limit(at_most + 1)
        stmt = select(func.count()).select_from(inner.subquery())
        with self.store.read() as session:
            return int(session.scalar(stmt) or 0)

    def search_dossier_page(
        self,
        text_query: str,
        query: DossierQuery | None = None,
        *,
        after: SearchCursor | None = None,
        limit: int = 100,
    ) -> DossierPage:
        """One page of the dossiers matching the search text AND every filter of ``query``.

        Newest index entry first; pass the page's ``next_cursor`` as ``after`` for the next.
        """
        match = match_expression(fold(text_query))
        if match is None:
            return DossierPage(rows=(), next_cursor=None)
        self._searchable()
        now = self._now()
        stmt = self._search_from(select(Dossier, Procedure.name, _SEARCH_FTS.c.rowid), match).join(
            Procedure, Procedure.code == Dossier.procedure_code
        )
        stmt = self._filtered(stmt, query or DossierQuery(), now)
        if after is not None:
            stmt = stmt.where(_SEARCH_FTS.c.rowid < after.rowid)
        stmt = stmt.order_by(_SEARCH_FTS.c.rowid.desc()).limit(limit)
        with self.store.read() as session:
            found = session.execute(stmt).all()
            rows = tuple(summary_of(d, name, now) for d, name, _rowid in found)
        cursor = SearchCursor(int(found[-1][2])) if found and len(found) == limit else None
        return DossierPage(rows=rows, next_cursor=cursor)

    def search_dossiers(self, text_query: str, *, limit: int = 50) -> list[DossierSummary]:
        """Dossiers whose applicant name, ID number, phone or code match, newest first.

        The query is folded like the index ("dang thi dao" finds "Đặng Thị Đào")
        and its last word is prefix-matched, for search as you type.
        """
        match = match_expression(fold(text_query))
        if match is None:
            return []
        now = self._now()
        # Hot path (every keystroke): one read-only statement on a pooled DBAPI
        # connection, no ORM and no explicit transaction (a single SELECT is atomic).
        conn = self.store.engine.raw_connection()
        try:
            db = conn.driver_connection
            assert isinstance(db, sqlite3.Connection)
            self._searchable(db)  # staged intakes first (a write on another connection)
            rows = db.execute(_DOSSIER_MATCH_SQL, (match, limit)).fetchall()
        finally:
            conn.close()  # back to the pool
        return [_summary_from_row(row, now) for row in rows]

    def search_entities(self, text_query: str, *, entity: str, limit: int = 50) -> list[str]:
        """Ids of records of ``entity`` (e.g. ``incoming_document``) matching, newest first."""
        match = match_expression(fold(text_query))
        if match is None:
            return []
        self._searchable()
        with self.store.read() as session:
            return list(session.scalars(_ENTITY_MATCH, {"match": match, "entity": entity, "limit": limit}))

    # -- internals ---------------------------------------------------------------

    @staticmethod
    def _search_from(stmt: Any, match: str, *, join_dossiers: bool = True) -> Any:
        """``stmt`` over the dossiers whose search keys match (the FTS5 index leads).

        Without ``join_dossiers`` only the index is read: every dossier search key
        belongs to a dossier (``db check`` verifies it), so a bare count may skip them.
        """
        stmt = (
            stmt.select_from(_SEARCH_FTS)
            .join(SearchKey, SearchKey.id == _SEARCH_FTS.c.rowid)
            .where(text("search_fts MATCH :match").bindparams(match=match), SearchKey.entity == "dossier")
        )
        return stmt.join(Dossier, Dossier.id == SearchKey.entity_id) if join_dossiers else stmt

    @staticmethod
    def _filtered(stmt: Any, query: DossierQuery, now: datetime) -> Any:
        """Add the WHERE clauses of ``query`` to any select over dossiers."""
        if query.statuses:
            stmt = stmt.where(Dossier.status.in_([int(s) for s in query.statuses]))
        if query.overdue:
            stmt = stmt.where(
                Dossier.status.in_([int(s) for s in RUNNING_STATUSES]), Dossier.appointment_at < now
            )
        if query.due_today:
            start, end = day_bounds(now)
            stmt = stmt.where(
                Dossier.status.in_([int(s) for s in OPEN_STATUSES]),
                Dossier.appointment_at >= start,
                Dossier.appointment_at < end,
            )
        if query.received_by:
            stmt = stmt.where(Dossier.received_by == query.received_by)
        if query.procedure_code:
            stmt = stmt.where(Dossier.procedure_code == query.procedure_code)
        if query.received_from is not None:
            stmt = stmt.where(Dossier.received_at >= query.received_from)
        if query.received_before is not None:
            stmt = stmt.where(Dossier.received_at < query.received_before)
        return stmt


def _summary_from_row(row: Any, now: datetime) -> DossierSummary:
    status = DossierStatus(row[7])
    appointment = from_utc_text(row[9])
    return DossierSummary(
        id=row[0],
        code=row[1],
        procedure_code=row[2],
        procedure_name=row[3],
        applicant_name=row[4],
        applicant_id_number=row[5],
        applicant_phone=row[6],
        status=status,
        received_at=from_utc_text(row[8]),
        appointment_at=appointment,
        received_by=row[10],
        overdue=status in RUNNING_STATUSES and appointment < now,
    )
