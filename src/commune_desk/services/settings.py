"""Settings use cases: office identity, office hours, holiday overrides."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from commune_desk.domain.codes import counter_slot_range, validate_unit_code
from commune_desk.domain.errors import ValidationError
from commune_desk.domain.text import normalize_text
from commune_desk.services.base import ServiceBase, hours_to_json
from commune_desk.services.errors import OutdatedReferenceData
from commune_desk.services.values import Changes, OfficeSettings, Outcome
from commune_desk.store import settings as stored
from commune_desk.store.models import ReferenceVersion

HOLIDAYS_REFERENCE = "holidays"


class SettingsServices(ServiceBase):
    """Read and change the office's settings."""

    def get_settings(self) -> OfficeSettings:
        """The current office settings (defaults for anything never set)."""
        with self.store.read() as session:
            return self._load_settings(session)

    def update_settings(self, settings: OfficeSettings, *, actor: str = "") -> Outcome[OfficeSettings]:
        """Replace the office settings as a whole (validated first)."""
        unit_code = validate_unit_code(settings.unit_code)
        counter_slot_range(settings.counter_slot)  # raises NumberingError when out of 1..9
        unit_name = normalize_text(settings.unit_name)
        if not unit_name:
            raise ValidationError("unit_name_required", "unit name is required", field="unit_name")
        clean = OfficeSettings(
            unit_code=unit_code,
            unit_name=unit_name,
            counter_slot=settings.counter_slot,
            server_url=(settings.server_url or "").strip() or None,
            hours=settings.hours,
            extra_days_off=frozenset(settings.extra_days_off),
            extra_working_days=frozenset(settings.extra_working_days),
        )
        with self.store.write.begin() as session:
            stored.put_setting(
                session,
                stored.OFFICE,
                {
                    stored.UNIT_CODE.name: clean.unit_code,
                    stored.UNIT_NAME.name: clean.unit_name,
                    stored.COUNTER_SLOT.name: clean.counter_slot,
                    stored.SERVER_URL.name: clean.server_url,
                },
            )
            stored.put_setting(session, stored.OFFICE_HOURS, hours_to_json(clean.hours))
            _put_overrides(session, clean.extra_days_off, clean.extra_working_days)
            self._audit(session, "settings_updated", actor=actor, entity="settings")
        return Outcome(clean, Changes.of("settings", "office"))

    def replace_holiday_overrides(
        self,
        *,
        version: int,
        extra_days_off: Iterable[date],
        extra_working_days: Iterable[date],
    ) -> Outcome[int]:
        """Replace the calendar overrides from a reference-data package.

        Refuses a version older than the one installed (``outdated_reference``);
        the same version again is a no-op with empty changes.
        """
        with self.store.write.begin() as session:
            current = session.get(ReferenceVersion, HOLIDAYS_REFERENCE)
            if current is not None and version < current.version:
                raise OutdatedReferenceData(
                    "outdated_reference",
                    f"holiday overrides version {version} older than {current.version}",
                    installed=current.version,
                    offered=version,
                )
            if current is not None and version == current.version:
                return Outcome(version, Changes())
            _put_overrides(session, frozenset(extra_days_off), frozenset(extra_working_days))
            if current is None:
                session.add(
                    ReferenceVersion(name=HOLIDAYS_REFERENCE, version=version, replaced_at=self._now())
                )
            else:
                current.version, current.replaced_at = version, self._now()
            self._audit(session, "holidays_replaced", details={"version": version})
        return Outcome(version, Changes.of("settings", "calendar"))


def _put_overrides(session: Session, off: Iterable[date], working: Iterable[date]) -> None:
    stored.put_setting(
        session,
        stored.CALENDAR_OVERRIDES,
        {"off": sorted(d.isoformat() for d in off), "working": sorted(d.isoformat() for d in working)},
    )
