"""Keep PySide6 from caching the source of every module the app imports.

Once imported, shiboken replaces ``__import__``; for every module imported afterwards
it asks ``shibokensupport.feature._mod_uses_pyside(module)`` whether the module's
source names "PySide6" (the answer chooses the module's ``__feature__`` default).
That check calls ``inspect.getsource``, which reads the whole file through
``linecache`` — and ``linecache`` keeps it. For the desktop app that is the source
of SQLAlchemy, pydantic and all of ``commune_desk``: about 24 MB held for nothing
(measured with tracemalloc on the 200,000-dossier bench), plus the time to split
each file into lines. A frozen bundle (modules without source) never pays it.

:func:`scan_imports_cheaply` swaps the check for one with the same answer that reads
the file's bytes and keeps nothing. It is a no-op on a PySide version without that
internal function.
"""

from __future__ import annotations

import linecache
import sys
from types import ModuleType

_MARK = "_commune_desk_cheap_scan"


def uses_pyside(module: ModuleType) -> bool:
    """Whether the source file of ``module`` contains "PySide6" (as shiboken's own check
    decides it), read as bytes and not cached. Modules without a source file: False."""
    origin = getattr(getattr(module, "__spec__", None), "origin", None) or getattr(module, "__file__", None)
    if not isinstance(origin, str) or not origin.endswith(".py"):
        return False
    try:
        with open(origin, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def scan_imports_cheaply() -> bool:
    """Install :func:`uses_pyside` as shiboken's import check; True when installed (or
    already). Imports PySide6 (which installs the hook) first, and empties ``linecache``
    of what the original check cached so far."""
    import PySide6  # noqa: F401 - shiboken's import hook comes with it

    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None:
        return False
    if not getattr(original, _MARK, False):
        setattr(uses_pyside, _MARK, True)
        feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
        linecache.clearcache()
    return True
