"""Plain values the services take and return (frozen dataclasses, no ORM objects).

Datetimes are timezone-aware (UTC as stored; convert with ``VN_TZ`` for display).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from commune_desk.domain.calendar import OfficeHours, StatutoryExtension
from commune_desk.domain.dossier import DossierStatus, EventKind
from commune_desk.domain.intake import ReceivedPaper
from commune_desk.store.settings import COUNTER_SLOT, UNIT_CODE, UNIT_NAME

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """What a write changed: pairs of (entity, id). Broadcast once by the UI."""

    items: frozenset[tuple[str, str]] = frozenset()

    #: The id that stands for "any record of the entity" (e.g. a sync round brought records).
    ANY = "*"

    @classmethod
    def of(cls, entity: str, *ids: str) -> Changes:
        """Changes touching ``ids`` of one entity."""
        return cls(frozenset((entity, i) for i in ids))

    @classmethod
    def anything_of(cls, *entities: str) -> Changes:
        """Changes to records of ``entities`` that are not named one by one."""
        return cls(frozenset((entity, cls.ANY) for entity in entities))

    def touches(self, entity: str, entity_id: str) -> bool:
        """Whether the record ``entity_id`` of ``entity`` may have changed."""
        return (entity, entity_id) in self.items or (entity, self.ANY) in self.items

    @classmethod
    def merge(cls, parts: Iterable[Changes]) -> Changes:
        """Union of several changes."""
        items: set[tuple[str, str]] = set()
        for part in parts:
            items |= part.items
        return cls(frozenset(items))

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.items | other.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def entities(self) -> frozenset[str]:
        """Names of the entities touched (``dossier``, ``procedure``, ``settings``...)."""
        return frozenset(entity for entity, _ in self.items)

    def ids(self, entity: str) -> frozenset[str]:
        """Ids of ``entity`` touched."""
        return frozenset(i for e, i in self.items if e == entity)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """Result of a write: the new value and what changed."""

    value: T
    changes: Changes


# --- catalogue ---------------------------------------------------------------


# --- dossiers ----------------------------------------------------------------


@dataclass(frozen=True)
class NewDossier:
    """What the clerk types at the counter for a new dossier."""

    procedure_code: str
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str | None = None
    applicant_address: str = ""
    date_of_birth: date | None = None
    received_at: datetime | None = None
    received_by: str = ""
    notes: str = ""
    #: Papers the citizen handed in (printed exactly on form 01).
    papers: tuple[ReceivedPaper, ...] = ()
    #: Code of a statutory extension of the procedure that applies from the start ("" for none).
    extension: str = ""


@dataclass(frozen=True)
class DossierSummary:
    """One row of the dossier table."""

    id: str
    code: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str | None
    status: DossierStatus
    received_at: datetime
    appointment_at: datetime
    received_by: str
    overdue: bool


@dataclass(frozen=True)
class DossierEventInfo:
    """One event of a dossier's history."""

    id: str
    kind: EventKind
    at: datetime
    actor: str
    note: str
    data: dict[str, Any]


@dataclass(frozen=True)
class AttachmentInfo:
    """Metadata of an attached file."""

    id: str
    owner_entity: str
    owner_id: str
    sha256: str
    filename: str
    media_type: str
    size: int
    paper_kind: str
    created_at: datetime


@dataclass(frozen=True)
class DossierDetail:
    """Everything about one dossier, for the detail view and the slips."""

    summary: DossierSummary
    applicant_address: str
    notes: str
    finished_at: datetime | None
    returned_at: datetime | None
    events: tuple[DossierEventInfo, ...]
    attachments: tuple[AttachmentInfo, ...]
    allowed_events: tuple[EventKind, ...]
    required_papers: tuple[str, ...] = ()
    fee: str = ""
    #: What the citizen handed in at the counter (empty for a dossier taken without a list).
    papers: tuple[ReceivedPaper, ...] = ()
    date_of_birth: date | None = None
    fee_verified: bool = True
    #: The statutory extension applied, if any (with its legal basis for the slips).
    extension: StatutoryExtension | None = None
    #: Extensions the procedure allows that the clerk may still apply.
    available_extensions: tuple[StatutoryExtension, ...] = ()


@dataclass(frozen=True)
class DossierQuery:
    """Filters of the dossier list. Empty means everything."""

    statuses: tuple[DossierStatus, ...] = ()
    overdue: bool = False
    due_today: bool = False
    received_by: str | None = None
    procedure_code: str | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None


@dataclass(frozen=True)
class DossierCursor:
    """Keyset position in the list (newest first): the last row seen."""

    received_at: datetime
    id: str


@dataclass(frozen=True)
class SearchCursor:
    """Position in a text search's results (newest index entry first): the last one seen."""

    rowid: int


@dataclass(frozen=True)
class DossierPage:
    """A page of the dossier list and the cursor to fetch the next one (None at the end)."""

    rows: tuple[DossierSummary, ...]
    next_cursor: DossierCursor | SearchCursor | None


# --- official documents --------------------------------------------------------


@dataclass(frozen=True)
class NewIncomingDocument:
    """An incoming document being entered in the register."""

    author: str
    summary: str
    received_on: date | None = None
    number_symbol: str = ""
    document_date: date | None = None
    doc_type: str = ""
    urgency: str = ""
    secrecy: str = ""
    notes: str = ""


@dataclass(frozen=True)
class IncomingDocumentInfo:
    """One entry of the incoming register."""

    id: str
    series: str
    number: int | None
    provisional: bool
    received_on: date
    author: str
    number_symbol: str
    document_date: date | None
    doc_type: str
    summary: str
    urgency: str
    secrecy: str
    handler: str
    co_handlers: tuple[str, ...]
    deadline: date | None
    #: When it was passed to the handler ("ngày chuyển"), office time.
    assigned_at: datetime | None = None
    notes: str = ""
    void_reason: str = ""

    @property
    def voided(self) -> bool:
        """True when its number was voided."""
        return bool(self.void_reason)


@dataclass(frozen=True)
class NewOutgoingDocument:
    """An outgoing document before it gets its number."""

    symbol: str
    summary: str
    doc_type: str = ""
    signer: str = ""
    recipients: tuple[str, ...] = ()
    copies: int = 1
    secret: bool = False
    #: Unit or person keeping the file copy ("đơn vị, người nhận bản lưu").
    copy_holder: str = ""
    notes: str = ""


@dataclass(frozen=True)
class OutgoingDocumentInfo:
    """One entry of the outgoing register."""

    id: str
    series: str
    number: int | None
    number_symbol: str
    symbol: str
    state: str
    doc_type: str
    summary: str
    signer: str
    recipients: tuple[str, ...]
    copies: int
    issued_on: date | None
    copy_holder: str = ""
    #: Date sent out ("ngày chuyển"): the issue date unless recorded otherwise.
    sent_on: date | None = None
    notes: str = ""
    void_reason: str = ""

    @property
    def secret(self) -> bool:
        """True for the secret register's documents."""
        return self.series.startswith("outgoing-secret/")


@dataclass(frozen=True)
class RegisterRow:
    """One line of a printed register book: a number and its document, or a voided number."""

    number: int | None
    document: IncomingDocumentInfo | OutgoingDocumentInfo | None
    void_reason: str = ""

    @property
    def voided(self) -> bool:
        """True when the number was voided (with or without a document)."""
        return bool(self.void_reason)


@dataclass(frozen=True)
class RegisterBook:
    """A register book as printed (Decree 30/2020): one series, every number in order.

    Numbered entries and voided numbers (with their reason) by number; entries
    still waiting for their number (provisional) at the end.
    """

    series: str
    rows: tuple[RegisterRow, ...]


# --- settings, reports, maintenance -------------------------------------------


@dataclass(frozen=True)
class OfficeSettings:
    """The office's identity and working calendar settings.

    ``hours`` and the ``extra_*`` days are the calendar's office hours and
    overrides (stored in the synced calendar row, see ``services/calendar.py``).
    ``office_start_date``: no dossier can be received before it.
    ``tracking_url``: the address citizens use to follow a dossier, with
    ``{code}`` where the code goes (printed as the QR code of form 01).
    """

    unit_code: str = UNIT_CODE.default
    unit_name: str = UNIT_NAME.default
    counter_slot: int = COUNTER_SLOT.default
    server_url: str | None = None
    hours: OfficeHours = field(default_factory=OfficeHours)
    extra_days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    office_start_date: date = date(2025, 7, 1)
    tracking_url: str | None = None


@dataclass(frozen=True)
class ReportRow:
    """Monthly counts for one procedure."""

    procedure_code: str
    procedure_name: str
    received: int
    finished_on_time: int
    finished_late: int
    returned: int
    refused: int


@dataclass(frozen=True)
class CheckReport:
    """Result of ``check_store``: empty ``problems`` means healthy."""

    problems: tuple[str, ...]
    checked: tuple[str, ...]
    #: Things worth knowing that are not damage (e.g. attachment files nothing refers to).
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


@dataclass(frozen=True)
class BackupInfo:
    """A verified backup archive written by ``create_backup``.

    ``missing_blobs``: attachments the store refers to that were missing or
    damaged on disk, so not in the archive (older archives were kept then).
    """

    path: Path
    created_at: datetime
    size: int
    blobs: int
    missing_blobs: tuple[str, ...] = ()
    store_id: str = ""


@dataclass(frozen=True)
class RestoreInfo:
    """What ``restore_backup`` did.

    ``previous`` is where the store that was replaced went: a verified
    pre-restore archive, or (when it could not be read) a folder it was moved
    into, untouched; None when there was no store. ``missing_blobs``:
    attachments the restored store refers to that neither the archive nor this
    PC has.
    """

    archive: Path
    created_at: datetime
    blobs_added: int
    blobs_repaired: int
    previous: Path | None
    previous_moved: bool
    missing_blobs: tuple[str, ...] = ()
