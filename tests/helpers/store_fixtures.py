"""Helpers for tests of the store, services and CLI: a real store in a temporary folder."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from commune_desk.app import AppContext
from commune_desk.domain.calendar import VN_TZ
from commune_desk.paths import AppPaths
from commune_desk.services.values import NewDossier


class Clock:
    """A settable clock for services (aware datetimes)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(**delta)


#: A Tuesday morning, office time (no holiday).
TUESDAY_9AM = datetime(2026, 3, 10, 9, 0, tzinfo=VN_TZ)


def open_context(folder: Path, clock: Clock | None = None) -> AppContext:
    """Open (creating) a store under ``folder`` with the bundled catalogue."""
    return AppContext.open(AppPaths.resolve(folder), clock=clock or Clock(TUESDAY_9AM))


def new_dossier(**overrides: object) -> NewDossier:
    """A valid intake, with any field overridden."""
    values: dict[str, object] = {
        "procedure_code": "HT-GH",
        "applicant_name": "Đặng Thị Đào",
        "applicant_id_number": "001301012345",
        "applicant_phone": "0912345678",
        "applicant_address": "Số 5 Phố Huế, phường Hai Bà Trưng, Hà Nội",
        "received_by": "Lê Thu Trang",
    }
    values.update(overrides)
    return NewDossier(**values)  # type: ignore[arg-type]
