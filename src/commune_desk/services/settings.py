"""Settings use cases: office identity, office hours, calendar overrides, tracking link."""

from __future__ import annotations

from datetime import date

from commune_desk.domain.accounts import ActorLike, audit_name
from commune_desk.domain.calendar import CalendarDay
from commune_desk.domain.codes import counter_slot_range, validate_unit_code
from commune_desk.domain.errors import ValidationError
from commune_desk.domain.roles import Permission
from commune_desk.domain.text import normalize_text
from commune_desk.services.calendar import CalendarServices, overrides_from_dates
from commune_desk.services.clerks import require
from commune_desk.services.values import Changes, OfficeSettings, Outcome
from commune_desk.store import settings as stored

#: Name of the holiday reference data set in packages and messages.
HOLIDAYS_REFERENCE = "holidays"
#: Earliest office start date accepted (two-level local government began on 1 July 2025;
#: older offices may enter dossiers back to the start of the digital one-stop systems).
EARLIEST_OFFICE_START = date(2015, 1, 1)


def validate_tracking_url(value: str | None) -> str | None:
    """An http(s) address with ``{code}`` where the dossier code goes, or None."""
    url = (value or "").strip()
    if not url:
        return None
    if not url.startswith(("https://", "http://")) or url.count("{code}") != 1 or len(url) > 300:
        raise ValidationError(
            "invalid_tracking_url",
            "the tracking address must be http(s) with one {code}",
            field="tracking_url",
        )
    if (
        any(ch.isspace() for ch in url)
        or "{" in url.replace("{code}", "")
        or "}" in url.replace("{code}", "")
    ):
        raise ValidationError(
            "invalid_tracking_url",
            "spaces or stray braces in the tracking address",
            field="tracking_url",
        )
    return url


class SettingsServices(CalendarServices):
    """Read and change the office's settings."""

    def get_settings(self) -> OfficeSettings:
        """The current office settings (defaults for anything never set)."""
        with self.store.read() as session:
            return self._load_settings(session)

    def update_settings(self, settings: OfficeSettings, *, actor: ActorLike = "") -> Outcome[OfficeSettings]:
        """Replace the office settings as a whole (validated first; the settings permission).

        Office hours and day overrides go to the synced calendar, in the same
        transaction; the names of override entries that stay are kept.
        """
        unit_code = validate_unit_code(settings.unit_code)
        counter_slot_range(settings.counter_slot)  # raises NumberingError when out of 1..9
        unit_name = normalize_text(settings.unit_name)
        if not unit_name:
            raise ValidationError("unit_name_required", "unit name is required", field="unit_name")
        if not EARLIEST_OFFICE_START <= settings.office_start_date <= date(2100, 1, 1):
            raise ValidationError(
                "invalid_office_start", "implausible office start date", field="office_start_date"
            )
        tracking_url = validate_tracking_url(settings.tracking_url)
        with self.store.write.begin() as session:
            require(session, actor, Permission.SETTINGS)
            stored.put_setting(
                session,
                stored.OFFICE,
                {
                    stored.UNIT_CODE.name: unit_code,
                    stored.UNIT_NAME.name: unit_name,
                    stored.COUNTER_SLOT.name: settings.counter_slot,
                    stored.SERVER_URL.name: (settings.server_url or "").strip() or None,
                    stored.OFFICE_START_DATE.name: settings.office_start_date.isoformat(),
                    stored.TRACKING_URL.name: tracking_url,
                },
            )
            row = self._calendar_row(session)
            names = {d.day: d.name for d in (CalendarDay.from_json(e) for e in row.overrides)}
            overrides = overrides_from_dates(
                settings.extra_days_off, settings.extra_working_days, names=names
            )
            who = audit_name(actor)
            self._set_calendar(session, row, overrides=overrides, hours=settings.hours, actor=who)
            self._audit(session, "settings_updated", actor=who, entity="settings")
            clean = self._load_settings(session)
        return Outcome(clean, Changes.of("settings", "office") | Changes.of("settings", "calendar"))
