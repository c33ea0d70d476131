"""Apply a verified reference-data package through the services, in one transaction.

``Services.replace_reference_data`` writes the procedure catalogue and the
holiday overrides together (``services/reference.py``): a package is never
half applied. Every part is validated here first, so a malformed part is
refused before anything is written; a part not newer than what the store
holds is reported ``not-newer`` and the other part still applies.
"""

from __future__ import annotations

from typing import Any, Protocol

from commune_desk.domain.calendar import parse_calendar_document
from commune_desk.domain.catalogue import Catalogue
from commune_desk.domain.errors import DomainError
from commune_desk.services.catalogue import parse_catalogue
from commune_desk.services.reference import HolidayOverrides
from commune_desk.update.package import PackageError, ReferenceDataPackage

DAY_OFF = "day_off"
WORKING_DAY = "working_day"


class ReferenceDataServices(Protocol):
    """The part of the services facade this module calls."""

    def replace_reference_data(
        self,
        *,
        catalogue: Catalogue | None = None,
        holidays: HolidayOverrides | None = None,
        actor: str = "usb-update",
    ) -> Any:
        """Replace the parts present in one transaction; ``.value`` maps part → result."""
        ...


class ServicesReferenceData:
    """A :class:`~commune_desk.update.package.ReferenceDataSink` over the services facade."""

    def __init__(self, services: ReferenceDataServices, *, actor: str = "usb-update") -> None:
        self._services = services
        self._actor = actor

    def check(self, package: ReferenceDataPackage) -> None:
        """Validate every part; raise :class:`PackageError` when anything is wrong."""
        _validated(package)

    def replace(self, package: ReferenceDataPackage) -> dict[str, str]:
        """Replace the parts in one transaction; return ``{part: "applied" | "not-newer"}``."""
        catalogue, holidays = _validated(package)
        outcome = self._services.replace_reference_data(
            catalogue=catalogue, holidays=holidays, actor=self._actor
        )
        return dict(outcome.value)


def validate_package(package: ReferenceDataPackage) -> None:
    """Validate every part of a package as the office PC will; raise :class:`PackageError`."""
    _validated(package)


def _validated(package: ReferenceDataPackage) -> tuple[Catalogue | None, HolidayOverrides | None]:
    try:
        catalogue = parse_catalogue(package.procedures) if package.procedures else None
    except DomainError as exc:
        raise PackageError(f"procedure catalogue: {exc}") from exc
    holidays = None
    if package.holidays is not None:
        try:
            version, _source, entries = parse_calendar_document(package.holidays, list_key="overrides")
        except DomainError as exc:
            raise PackageError(f"holiday overrides: {exc}") from exc
        holidays = HolidayOverrides(version=version, entries=entries)
    return catalogue, holidays
