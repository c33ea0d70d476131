"""The service layer: the only API the UI, the CLI and the sync engine call.

``Services`` is one object per open store. Every method is one short
transaction on its own session (safe to call from a worker thread; do not
share a call's results' ORM objects — there are none, everything returned is
a frozen dataclass). Writes return :class:`Outcome` (``.value``, ``.changes``);
errors are :class:`~commune_desk.domain.errors.DomainError` subclasses with a
machine-readable ``kind``.
"""

from __future__ import annotations

from commune_desk.domain.accounts import AccessPolicy, Actor, ClerkInfo, NewClerk
from commune_desk.domain.catalogue import Catalogue, ProcedureInfo
from commune_desk.services.attachments import AttachmentServices
from commune_desk.services.catalogue import CatalogueServices, load_catalogue_file
from commune_desk.services.clerks import ClerkServices, SignInError
from commune_desk.services.documents import DocumentServices
from commune_desk.services.dossiers import DossierServices
from commune_desk.services.errors import NotFound, OutdatedReferenceData, ServiceError
from commune_desk.services.maintenance import MaintenanceServices
from commune_desk.services.queries import QueryServices
from commune_desk.services.reference import ReferenceDataServices
from commune_desk.services.reports import ReportServices
from commune_desk.services.settings import SettingsServices
from commune_desk.services.values import (
    AttachmentInfo,
    BackupInfo,
    Changes,
    CheckReport,
    DossierCursor,
    DossierDetail,
    DossierEventInfo,
    DossierPage,
    DossierQuery,
    DossierSummary,
    IncomingDocumentInfo,
    NewDossier,
    NewIncomingDocument,
    NewOutgoingDocument,
    OfficeSettings,
    Outcome,
    OutgoingDocumentInfo,
    ReportRow,
    SearchCursor,
)


class Services(
    DossierServices,
    QueryServices,
    DocumentServices,
    AttachmentServices,
    ReferenceDataServices,
    CatalogueServices,
    SettingsServices,
    ReportServices,
    MaintenanceServices,
    ClerkServices,
):
    """Facade of every use case; built by ``commune_desk.app.AppContext``."""


__all__ = [
    "AccessPolicy",
    "Actor",
    "ClerkInfo",
    "NewClerk",
    "SignInError",
    "AttachmentInfo",
    "BackupInfo",
    "Catalogue",
    "Changes",
    "CheckReport",
    "DossierCursor",
    "DossierDetail",
    "DossierEventInfo",
    "DossierPage",
    "DossierQuery",
    "DossierSummary",
    "IncomingDocumentInfo",
    "NewDossier",
    "NewIncomingDocument",
    "NewOutgoingDocument",
    "NotFound",
    "OfficeSettings",
    "Outcome",
    "OutdatedReferenceData",
    "OutgoingDocumentInfo",
    "ProcedureInfo",
    "ReportRow",
    "SearchCursor",
    "ServiceError",
    "Services",
    "load_catalogue_file",
]
