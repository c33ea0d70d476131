"""What the installed app trusts: the shipped TUF root and the build time.

Both live in ``resources/update/`` (inside the PyInstaller bundle, or the
source tree when run from a checkout): ``root.json`` is the trust anchor every
stick is verified against, ``build-info.json`` is written by the bundle build
and holds the build time used to spot a PC clock set in the past.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from commune_desk.paths import RESOURCES_ENV, resources_dir

__all__ = ["RESOURCES_ENV", "build_time", "load_trusted_root", "resources_dir", "trusted_root_path"]


def trusted_root_path() -> Path:
    """Where the shipped root metadata is (may be missing in a broken install)."""
    return resources_dir() / "update" / "root.json"


def load_trusted_root() -> bytes | None:
    """The shipped root metadata bytes, or ``None`` when this install has none."""
    try:
        return trusted_root_path().read_bytes()
    except OSError:
        return None


def build_time() -> datetime | None:
    """When this bundle was built (UTC), or ``None`` when running from source."""
    try:
        info = json.loads((resources_dir() / "update" / "build-info.json").read_text("utf-8"))
        stamp = datetime.fromisoformat(info["build_time"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return stamp if stamp.tzinfo else None
