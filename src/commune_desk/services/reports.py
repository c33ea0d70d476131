"""Monthly report: per procedure, received / finished on time / finished late / returned / refused."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select

from commune_desk.domain.calendar import VN_TZ
from commune_desk.domain.dossier import DossierStatus
from commune_desk.services.base import ServiceBase
from commune_desk.services.values import ReportRow
from commune_desk.store.models import Dossier, Procedure


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """Start and end (exclusive) of a calendar month in office time."""
    start = datetime(year, month, 1, tzinfo=VN_TZ)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=VN_TZ)
    return start, end


class ReportServices(ServiceBase):
    """Counts for the monthly report to the district/city."""

    def monthly_report(self, year: int, month: int) -> list[ReportRow]:
        """One row per procedure of the catalogue (zeros included), in catalogue order.

        A dossier counts as received in the month of ``received_at``; as finished
        in the month of ``finished_at`` (on time when not after ``appointment_at``);
        as returned in the month of ``returned_at``; as refused by its status and
        receipt month.
        """
        start, end = month_bounds(year, month)
        in_month = lambda col: and_(col >= start, col < end)  # noqa: E731
        count_if = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
        stmt = (
            select(
                Dossier.procedure_code,
                count_if(in_month(Dossier.received_at)),
                count_if(and_(in_month(Dossier.finished_at), Dossier.finished_at <= Dossier.appointment_at)),
                count_if(and_(in_month(Dossier.finished_at), Dossier.finished_at > Dossier.appointment_at)),
                count_if(in_month(Dossier.returned_at)),
                count_if(and_(in_month(Dossier.received_at), Dossier.status == int(DossierStatus.REFUSED))),
            )
            .where(
                or_(
                    in_month(Dossier.received_at),
                    in_month(Dossier.finished_at),
                    in_month(Dossier.returned_at),
                )
            )
            .group_by(Dossier.procedure_code)
        )
        with self.store.read() as session:
            counts = {row[0]: tuple(int(v or 0) for v in row[1:]) for row in session.execute(stmt)}
            procedures = list(
                session.execute(
                    select(Procedure.code, Procedure.name).order_by(Procedure.sort_order, Procedure.code)
                )
            )
        return [ReportRow(code, name, *counts.get(code, (0, 0, 0, 0, 0))) for code, name in procedures]
