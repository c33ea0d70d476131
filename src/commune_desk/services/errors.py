"""Typed errors the services raise besides the domain's own.

Each has a machine-readable ``kind``; the UI and CLI map kinds to Vietnamese
messages (see ``commune_desk.messages``).
"""

from __future__ import annotations

from commune_desk.domain.errors import DomainError
from commune_desk.store.errors import StoreError, store_error_kind


class ServiceError(DomainError):
    """A use case could not be carried out."""


class NotFound(ServiceError):
    """The record asked for does not exist (kind ``not_found``)."""

    def __init__(self, entity: str, entity_id: str) -> None:
        super().__init__("not_found", f"{entity} {entity_id!r} not found", entity=entity, entity_id=entity_id)


class OutdatedReferenceData(ServiceError):
    """A reference-data replacement older than what the store holds (kind ``outdated_reference``)."""


class BackupError(ServiceError):
    """A backup could not be made or restored (kind ``backup_failed``, ``invalid_backup``)."""


# Errors of the data folder and the store file, and the classification of raw SQLite/OS
# errors, are defined by the store; the layers above reach them here.
__all__ = [
    "BackupError",
    "NotFound",
    "OutdatedReferenceData",
    "ServiceError",
    "StoreError",
    "store_error_kind",
]
