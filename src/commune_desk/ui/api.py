"""The UI's calls into the services facade, in one place.

Every function here takes the services object first and runs on the store
thread (through ``StoreOp``); widgets never call services directly. Keeping
them together means the pages are insulated from the exact method names of
the service layer, and each call reads like the clerk's action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from commune_desk.domain.calendar import DayKind
from commune_desk.domain.dossier import EventKind

# The services package pulls in SQLAlchemy; it is imported on the store thread when a
# call first runs, never on the GUI thread while the window is being painted.
if TYPE_CHECKING:
    from commune_desk.domain.catalogue import ProcedureInfo
    from commune_desk.services.values import (
        DossierDetail,
        DossierPage,
        DossierQuery,
        NewIncomingDocument,
        NewOutgoingDocument,
        OfficeSettings,
        Outcome,
    )

# -- catalogue and settings ---------------------------------------------------------


def list_procedures(services: Any) -> list[ProcedureInfo]:
    """The current procedure catalogue."""
    return list(services.list_procedures())


def procedure_summary(procedure: ProcedureInfo) -> str:
    """One line about a procedure's time limit and fee (for the intake form)."""
    from PySide6.QtCore import QCoreApplication

    translate = QCoreApplication.translate
    kind = DayKind(procedure.day_kind)
    if kind == DayKind.ON_RECEIPT:
        limit = translate("Api", "Trả ngay trong ngày (nhận trước 15 giờ)")
    elif kind == DayKind.WORKING_DAYS:
        limit = translate("Api", "{n} ngày làm việc").format(n=procedure.time_limit)
    else:
        limit = translate("Api", "{n} ngày").format(n=procedure.time_limit)
    fee = procedure.fee or translate("Api", "không")
    return translate("Api", "Thời hạn: {limit} · Lệ phí: {fee}").format(limit=limit, fee=fee)


def required_papers(procedure: ProcedureInfo) -> list[tuple[str, str]]:
    """(paper name, default form) of each paper the procedure requires."""
    result = []
    for paper in procedure.required_papers:
        if isinstance(paper, dict):
            result.append((str(paper.get("name", "")), str(paper.get("form", "original"))))
        else:
            result.append((str(paper), "original"))
    return result


def get_settings(services: Any) -> OfficeSettings:
    """The office settings."""
    return services.get_settings()


def get_calendar(services: Any) -> Any:
    """The working calendar in use (versions and source of its base and overrides)."""
    return services.get_calendar()


def secret_storage(services: Any) -> str | None:
    """Where the sync account's secrets are: ``keyring``, ``file`` (insecure storage) or None."""
    from commune_desk.sync.account import load_account

    account = load_account(services.store)
    return account.secret_storage if account is not None else None


def update_settings(services: Any, settings: OfficeSettings, actor: str) -> Outcome[Any]:
    """Save the office settings."""
    return services.update_settings(settings, actor=actor)


# -- dossiers -----------------------------------------------------------------------


def preview_appointment(services: Any, procedure_code: str, extension: str = "") -> datetime | None:
    """When a dossier of ``procedure_code`` received now would be due (same rule as intake)."""
    return services.preview_appointment(procedure_code, extension)


def receive_dossier(services: Any, values: dict[str, Any], actor: Any) -> Outcome[Any]:
    """Save a new dossier typed at the counter, with the papers received as structured data,
    received by ``actor`` (the clerk signed in)."""
    from commune_desk.domain.intake import PaperForm, ReceivedPaper
    from commune_desk.services.values import NewDossier

    new = NewDossier(
        procedure_code=values["procedure_code"],
        applicant_name=values["applicant_name"],
        applicant_id_number=values["applicant_id_number"],
        applicant_phone=values.get("applicant_phone"),
        applicant_address=values.get("applicant_address", ""),
        date_of_birth=values.get("date_of_birth"),
        papers=tuple(
            ReceivedPaper(name=name, form=PaperForm(form), count=count)
            for name, form, count in values.get("papers", [])
        ),
        extension=values.get("extension", ""),
    )
    return services.register_dossier(new, actor=actor)


def dossier_of(result: Any) -> Any:
    """The dossier summary inside an Outcome, a DossierDetail or a summary."""
    value = getattr(result, "value", result)
    return getattr(value, "summary", value)


def get_dossier(services: Any, dossier_id: str) -> DossierDetail:
    """Everything about one dossier."""
    return services.get_dossier(dossier_id)


def list_dossiers(services: Any, query: DossierQuery, cursor: Any, limit: int, text: str) -> DossierPage:
    """One page of the dossier list, newest first: every filter, and the search text if any.

    ``cursor`` is the previous page's ``next_cursor`` (None for the first page).
    """
    if text.strip():
        return services.search_dossier_page(text, query, after=cursor, limit=limit)
    return services.list_dossiers(query, after=cursor, limit=limit)


#: Counting stops past this many matches; the list then says "more than 10.000".
COUNT_CAP = 10_000


def count_dossiers(services: Any, query: DossierQuery, text: str) -> int:
    """How many dossiers match the filters and the search text; ``COUNT_CAP + 1`` means more."""
    return int(services.count_dossiers(query, text_query=text, at_most=COUNT_CAP))


def propose_apology_date(services: Any, dossier_id: str) -> datetime:
    """The new date form 04 proposes for a late dossier (computed with the office's calendar)."""
    return services.propose_apology_date(dossier_id)


def record_event(
    services: Any, dossier_id: str, kind: EventKind, note: str, data: dict[str, Any], actor: str
) -> Outcome[Any]:
    """Record a step of the dossier's history (the state machine decides if it is allowed)."""
    return services.record_event(dossier_id, kind, note=note, data=data, actor=actor)


@dataclass(frozen=True)
class SlipData:
    """What a slip needs: the dossier and the office it was received at."""

    detail: DossierDetail
    office: OfficeSettings

    @property
    def summary(self) -> Any:
        """The dossier's summary row (code, applicant...)."""
        return self.detail.summary


def receipt_slip_data(services: Any, dossier_id: str) -> SlipData:
    """The dossier and the office identity, for printing a slip."""
    return SlipData(detail=services.get_dossier(dossier_id), office=services.get_settings())


def log_book(services: Any, start: date, end: date) -> tuple[OfficeSettings, list[Any]]:
    """Dossiers received between ``start`` and ``end`` (inclusive) for form 07."""
    from datetime import time, timedelta

    from commune_desk.domain.calendar import VN_TZ
    from commune_desk.services.values import DossierQuery

    query = DossierQuery(
        received_from=datetime.combine(start, time(0), VN_TZ),
        received_before=datetime.combine(end + timedelta(days=1), time(0), VN_TZ),
    )
    rows: list[Any] = []
    cursor = None
    while True:
        page = services.list_dossiers(query, after=cursor, limit=500)
        rows.extend(page.rows)
        cursor = page.next_cursor
        if cursor is None or len(rows) > 20_000:
            break
    rows.reverse()
    return services.get_settings(), rows


def add_attachment(services: Any, dossier_id: str, path: str) -> Outcome[Any]:
    """Attach a scanned file to a dossier (copied into the blob store)."""
    from pathlib import Path

    from commune_desk.protocol import Entity

    source = Path(path)
    return services.add_attachment(Entity.DOSSIER, dossier_id, source=source, filename=source.name)


def attachment_copy(services: Any, attachment_id: str, filename: str, folder: str) -> str:
    """Copy an attachment to ``folder`` under its original name, so the PC opens it by type."""
    import shutil
    from pathlib import Path

    target = Path(folder) / attachment_id[:8] / Path(filename).name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(services.attachment_path(attachment_id), target)
    return str(target)


# -- documents ----------------------------------------------------------------------


def register_incoming(services: Any, new: NewIncomingDocument, actor: str) -> Outcome[Any]:
    """Enter an incoming document; it gets its số đến."""
    return services.register_incoming(new, actor=actor)


def assign_incoming(
    services: Any,
    doc_id: str,
    handler: str,
    co_handlers: tuple[str, ...],
    deadline: date | None,
    actor: str,
) -> Outcome[Any]:
    """Pass an incoming document to its handler with a deadline."""
    return services.assign_incoming(
        doc_id, handler=handler, co_handlers=co_handlers, deadline=deadline, actor=actor
    )


def list_incoming(services: Any, year: int) -> list[Any]:
    """The incoming register of ``year`` (newest first)."""
    return list(services.list_incoming(year=year, limit=REGISTER_LIMIT))


def create_outgoing(services: Any, new: NewOutgoingDocument, issue: bool, actor: str) -> Outcome[Any]:
    """Record an outgoing document; ``issue`` gives it its number now (after signing)."""
    return services.register_outgoing(new, issue=issue, actor=actor)


def issue_outgoing(services: Any, doc_id: str, actor: str) -> Outcome[Any]:
    """The leader has signed: give the draft its number/symbol."""
    return services.issue_outgoing(doc_id, actor=actor)


def list_outgoing(services: Any, year: int) -> list[Any]:
    """The outgoing register of ``year`` (newest first)."""
    return list(services.list_outgoing(year=year, limit=REGISTER_LIMIT))


def register_book(services: Any, series: str) -> tuple[OfficeSettings, Any]:
    """The office and the whole book of ``series`` (printed per Decree 30/2020)."""
    return services.get_settings(), services.register_book(series)


def void_number(services: Any, series: str, number: int, reason: str, actor: str) -> Outcome[Any]:
    """Void a register number (audited, sent to the city server with the document's state)."""
    return services.void_number(series, number, reason=reason, actor=actor)


#: Most register entries listed on screen at once.
REGISTER_LIMIT = 2000


# -- reports ------------------------------------------------------------------------


def monthly_report(services: Any, year: int, month: int) -> list[Any]:
    """Per-procedure counts for one month."""
    return list(services.monthly_report(year, month))


# -- USB updates --------------------------------------------------------------------


@dataclass(frozen=True)
class StickUpdate:
    """An update attempt from a stick: its ``UpdateResult`` and what it changed in the store."""

    result: Any
    #: ``Changes`` when reference data was applied (broadcast by ``StoreOp``), else None.
    changes: Any = None


def find_update_sticks() -> list[Path]:
    """Plugged-in drives that carry a CommuneDesk update."""
    from commune_desk.update import detect_update_sticks

    return detect_update_sticks()


def update_from_stick(app_context: Any, stick: Path, *, start_installer: bool) -> StickUpdate:
    """Verify the update on ``stick`` with TUF and, only if it passes, apply it."""
    from commune_desk.services.values import Changes
    from commune_desk.update import update_from_stick as verify_and_apply

    result = verify_and_apply(app_context, stick, start_installer=start_installer)
    applied = any(i.kind == "reference-data" and i.action == "applied" for i in result.items)
    if not applied:
        return StickUpdate(result)
    codes = [p.code for p in app_context.services.list_procedures(include_inactive=True)]
    return StickUpdate(result, Changes.of("procedure", *codes) | Changes.of("settings", "calendar"))


# -- sync: quarantine and conflicts -------------------------------------------------


def list_quarantined(bridge: Any) -> list[Any]:
    """Unresolved operations the server rejected, as ``sync.inbox.QuarantinedItem`` values."""
    engine = getattr(bridge, "engine", None)
    if engine is None:  # sync unavailable: nothing can have been rejected
        return []
    from commune_desk.sync.inbox import list_quarantined as read

    return read(engine.store)


def list_conflicts(bridge: Any) -> list[Any]:
    """Open conflicts, as ``sync.inbox.ConflictItem`` values (each with its fields)."""
    engine = getattr(bridge, "engine", None)
    if engine is None:
        return []
    from commune_desk.sync.inbox import list_conflicts as read

    return read(engine.store)


def _device_id(engine: Any) -> str:
    from commune_desk.sync.account import load_account

    account = load_account(engine.store)
    return account.device_id if account is not None else ""


def handle_quarantined(bridge: Any, op_id: str, action: str, actor: Any, services: Any) -> Any:
    """Send a rejected operation again, or set it aside (audited by the sync layer); only for
    people allowed to settle sync problems."""
    from commune_desk.domain.roles import Permission
    from commune_desk.sync.resolution import discard_quarantined, requeue_quarantined

    services.require_permission(actor, Permission.RESOLVE_CONFLICT)
    engine = bridge.engine
    if action == "requeue":
        return requeue_quarantined(
            engine.store,
            device_id=_device_id(engine),
            op_id=op_id,
            actor=actor.username,
            username=actor.username,
        )
    discard_quarantined(engine.store, op_id=op_id, actor=actor.username)
    return None


def resolve_conflict(
    bridge: Any, conflict_id: str, chosen: dict[str, Any], actor: Any, note: str, services: Any
) -> str:
    """Record a person's choice for a conflict (applied locally and queued for the server);
    only for people allowed to settle sync problems."""
    from commune_desk.domain.roles import Permission
    from commune_desk.sync.resolution import resolve_conflict as resolve

    services.require_permission(actor, Permission.RESOLVE_CONFLICT)
    engine = bridge.engine
    return resolve(
        engine.store,
        device_id=_device_id(engine),
        conflict_id=conflict_id,
        chosen=chosen,
        actor=actor.username,
        note=note,
        username=actor.username,
    )
