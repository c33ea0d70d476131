"""Apply a verified reference-data package through the foundation's services.

The services own the store: ``replace_catalogue`` and
``replace_holiday_overrides`` each replace their data set as a whole in one
transaction, treat the same version as a no-op and refuse an older one
(``OutdatedReferenceData``). Everything in the package is validated here
*before* either is called, so a package is never half applied because its
second part was malformed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, Protocol

from commune_desk.domain.errors import DomainError
from commune_desk.services.catalogue import parse_catalogue
from commune_desk.services.errors import OutdatedReferenceData
from commune_desk.services.values import Catalogue
from commune_desk.update.package import PackageError, ReferenceDataPackage

DAY_OFF = "day_off"
WORKING_DAY = "working_day"


class ReferenceDataServices(Protocol):
    """The part of the services facade this module calls."""

    def replace_catalogue(self, catalogue: Catalogue, *, actor: str = "") -> Any:
        """Replace the procedure catalogue in one transaction."""
        ...

    def replace_holiday_overrides(
        self, *, version: int, extra_days_off: Iterable[date], extra_working_days: Iterable[date]
    ) -> Any:
        """Replace the holiday overrides in one transaction."""
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
        """Replace each part; return ``{part: "applied" | "not-newer"}``."""
        catalogue, holidays = _validated(package)
        done: dict[str, str] = {}
        if holidays is not None:
            version, off, working = holidays
            done["holidays"] = self._run(
                lambda: self._services.replace_holiday_overrides(
                    version=version, extra_days_off=off, extra_working_days=working
                )
            )
        if catalogue is not None:
            done["procedures"] = self._run(
                lambda: self._services.replace_catalogue(catalogue, actor=self._actor)
            )
        return done

    @staticmethod
    def _run(call: Any) -> str:
        try:
            outcome = call()
        except OutdatedReferenceData:
            return "not-newer"
        changes = getattr(outcome, "changes", None)
        return "applied" if changes is None or bool(changes) else "not-newer"


def validate_package(package: ReferenceDataPackage) -> None:
    """Validate every part of a package as the office PC will; raise :class:`PackageError`."""
    _validated(package)


def _validated(
    package: ReferenceDataPackage,
) -> tuple[Catalogue | None, tuple[int, frozenset[date], frozenset[date]] | None]:
    try:
        catalogue = parse_catalogue(package.procedures) if package.procedures else None
    except DomainError as exc:
        raise PackageError(f"procedure catalogue: {exc}") from exc
    holidays = None
    if package.holidays is not None:
        off: set[date] = set()
        working: set[date] = set()
        try:
            for item in package.holidays["overrides"]:
                day = date.fromisoformat(item["date"])
                {DAY_OFF: off, WORKING_DAY: working}[item["kind"]].add(day)
        except (KeyError, TypeError, ValueError) as exc:
            raise PackageError(f"holiday overrides: bad entry ({exc!r})") from exc
        if off & working:
            raise PackageError("holiday overrides: a day is both off and working")
        holidays = (int(package.holidays["version"]), frozenset(off), frozenset(working))
    return catalogue, holidays
