"""The desktop's own preferences kept in ``settings.json`` (the language).

Other parts of the program may keep their keys in the same file, so this
module only ever reads and rewrites its own keys, leaving the rest intact.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_KEYS = ("language",)


@dataclass
class UiSettings:
    """Language of the interface. (Who works at the PC is whoever signs in: see
    ``ui/session.py``; the single clerk name once kept here is no longer read.)"""

    path: Path
    language: str = "vi"

    @classmethod
    def load(cls, path: Path) -> UiSettings:
        """Read the file; a missing or damaged file gives the defaults."""
        data: dict[str, object] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            log.warning("settings file %s unreadable; using defaults", path)
        ui = data.get("ui") if isinstance(data.get("ui"), dict) else {}
        assert isinstance(ui, dict)
        return cls(
            path=path,
            language=str(ui.get("language") or "vi"),
        )

    def save(self) -> None:
        """Write the ``ui`` section back atomically, keeping other sections."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data["ui"] = {key: getattr(self, key) for key in _KEYS}
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)
