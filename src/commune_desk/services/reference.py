"""Reference data from a USB stick: procedure catalogue and holiday overrides, in ONE transaction.

A package is applied whole or not at all: a crash, or a part that turns out
to be invalid while it is written, leaves the store as it was. Each part is
versioned on its own: a part as old as, or older than, what the store holds
is reported ``not-newer`` and left alone while the other part is applied.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from commune_desk.domain.calendar import CalendarDay
from commune_desk.domain.catalogue import Catalogue
from commune_desk.services.catalogue import CatalogueServices
from commune_desk.services.errors import OutdatedReferenceData
from commune_desk.services.settings import SettingsServices
from commune_desk.services.values import Changes, Outcome

APPLIED = "applied"
NOT_NEWER = "not-newer"


@dataclass(frozen=True)
class HolidayOverrides:
    """The holiday part of a package: its version and its entries."""

    version: int
    entries: tuple[CalendarDay, ...]


class ReferenceDataServices(CatalogueServices, SettingsServices):
    """Apply a verified reference-data package."""

    def replace_reference_data(
        self,
        *,
        catalogue: Catalogue | None = None,
        holidays: HolidayOverrides | None = None,
        actor: str = "usb-update",
    ) -> Outcome[dict[str, str]]:
        """Replace the parts present, in one transaction; return ``{part: "applied" | "not-newer"}``."""
        done: dict[str, str] = {}
        changes = Changes()
        with self.store.write.begin() as session:
            if holidays is not None:
                try:
                    applied = self._replace_overrides(
                        session, version=holidays.version, entries=holidays.entries, actor=actor
                    )
                except OutdatedReferenceData:
                    applied = False
                done["holidays"] = APPLIED if applied else NOT_NEWER
                if applied:
                    changes |= Changes.of("settings", "calendar")
            if catalogue is not None:
                try:
                    codes: Iterable[str] = self._replace_catalogue(session, catalogue, actor=actor)
                except OutdatedReferenceData:
                    codes = ()
                codes = set(codes)
                done["procedures"] = APPLIED if codes else NOT_NEWER
                changes |= Changes.of("procedure", *codes)
        return Outcome(done, changes)
