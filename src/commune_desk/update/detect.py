"""Finding update sticks that are plugged in (for the settings page's "update from USB")."""

from __future__ import annotations

import os
import string
import sys
from pathlib import Path

from commune_desk.update.stick import find_update_folder

_DRIVE_REMOVABLE = 2


def candidate_roots() -> list[Path]:
    """Mounted removable drives: drive letters on Windows, media mount points elsewhere."""
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        return [
            Path(f"{letter}:\\")
            for letter in string.ascii_uppercase
            if kernel32.GetDriveTypeW(f"{letter}:\\") == _DRIVE_REMOVABLE
        ]
    user = os.environ.get("USER", "")
    roots: list[Path] = []
    for base in (Path("/media") / user, Path("/run/media") / user, Path("/media"), Path("/mnt")):
        try:
            roots.extend(sorted(p for p in base.iterdir() if p.is_dir()))
        except OSError:
            continue
    return roots


def detect_update_sticks(roots: list[Path] | None = None) -> list[Path]:
    """Roots among ``roots`` (default: plugged-in drives) that carry a CommuneDesk update."""
    found = []
    for root in candidate_roots() if roots is None else roots:
        try:
            if find_update_folder(root) is not None:
                found.append(root)
        except OSError:  # a drive that vanished or cannot be read is simply not offered
            continue
    return found
