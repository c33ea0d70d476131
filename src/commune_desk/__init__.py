"""CommuneDesk: offline-first desk software for commune one-stop counters.

Keep this module import-light: the reference city server imports
``commune_desk.protocol`` and the launcher's PC check runs before anything heavy.

``__version__`` has one source, ``version`` in ``pyproject.toml``: it is read
from the installed package metadata (the frozen bundle ships that metadata),
and the bundle, the MSI's ProductVersion, its file name and the release tool
all take it from there.
"""

from __future__ import annotations

#: Distribution name in ``pyproject.toml``.
DISTRIBUTION = "commune-desk"


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # a bare source tree on sys.path, never installed
        return "0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        value = _installed_version()
        globals()["__version__"] = value
        return value
    raise AttributeError(name)
