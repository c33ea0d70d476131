"""Updates from a USB stick, verified with The Update Framework (no Qt here).

The settings page and ``commune-desk update --from`` both end up in
:meth:`StickUpdater.update_from`; with an open ``AppContext`` the short form is::

    result = update_from_stick(context, Path("E:/"), start_installer=True)
    show(result.message)          # Vietnamese, for the clerk
    if result.kind is UpdateKind.APPLIED: ...   # machine-readable

:func:`detect_update_sticks` lists plugged-in drives carrying an update. The
release side is :mod:`commune_desk.update.repository` and the
``commune-desk-release`` command (:mod:`commune_desk.update.release_cli`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from commune_desk.update.detect import detect_update_sticks
from commune_desk.update.outcome import AppliedItem, UpdateKind, UpdateResult
from commune_desk.update.stick import UPDATE_FOLDER, StickUpdater, find_update_folder


def update_from_stick(context: Any, stick: Path, *, start_installer: bool = False) -> UpdateResult:
    """Verify and apply the update on ``stick`` for an open ``AppContext``.

    Blocking (seconds for a large MSI): call it from a worker thread. When an
    item's action is ``"installer-started"`` (Windows, ``start_installer=True``)
    the app should close so msiexec can replace its files.
    """
    from commune_desk.update.reference_data import ServicesReferenceData

    updater = StickUpdater.for_installation(
        context.paths,
        reference_data=ServicesReferenceData(context.services),
        start_installer=start_installer,
    )
    return updater.update_from(stick)


__all__ = [
    "UPDATE_FOLDER",
    "AppliedItem",
    "StickUpdater",
    "UpdateKind",
    "UpdateResult",
    "detect_update_sticks",
    "find_update_folder",
    "update_from_stick",
]
