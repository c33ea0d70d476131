"""Updates from a USB stick, verified with The Update Framework (no Qt here).

The settings page and ``commune-desk update --from`` both call::

    StickUpdater.for_installation(paths, reference_data=sink).update_from(stick) -> UpdateResult

and show ``result.message`` (Vietnamese), branching on ``result.kind``
(:class:`UpdateKind`). The release side is :mod:`commune_desk.update.repository`
and the ``commune-desk-release`` command (:mod:`commune_desk.update.release_cli`).
"""

from commune_desk.update.outcome import AppliedItem, UpdateKind, UpdateResult
from commune_desk.update.stick import UPDATE_FOLDER, StickUpdater, find_update_folder

__all__ = [
    "UPDATE_FOLDER",
    "AppliedItem",
    "StickUpdater",
    "UpdateKind",
    "UpdateResult",
    "find_update_folder",
]
