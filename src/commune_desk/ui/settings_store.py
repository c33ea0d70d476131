"""The desktop's own preferences kept in ``settings.json`` (the language, the columns of the
dossier list).

Other parts of the program may keep their keys in the same file, so this
module only ever reads and rewrites its own keys, leaving the rest intact.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

_KEYS = ("language", "dossier_columns")


@dataclass
class UiSettings:
    """Language of the interface and the dossier list's columns. (Who works at the PC is
    whoever signs in: see ``ui/session.py``; the single clerk name once kept here is no longer
    read.)"""

    path: Path
    language: str = "vi"
    #: Keys of the dossier list's visible columns, in any order; empty: the defaults.
    dossier_columns: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> UiSettings:
        """Read the file; a missing or damaged file, or one whose JSON is not an object
        (or whose ``ui`` section is not), gives the defaults: it never stops the app."""
        data: object = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            pass
        except (OSError, ValueError):
            log.warning("settings file %s unreadable; using defaults", path)
        if not isinstance(data, dict):
            log.warning("settings file %s is not a JSON object; using defaults", path)
            data = {}
        ui = data.get("ui")
        if not isinstance(ui, dict):
            ui = {}
        language = ui.get("language")
        columns = ui.get("dossier_columns")
        return cls(
            path=path,
            language=language if isinstance(language, str) and language else "vi",
            dossier_columns=[str(c) for c in columns] if isinstance(columns, list) else [],
        )

    def save(self) -> None:
        """Write the ``ui`` section back atomically, keeping other sections."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data["ui"] = {key: getattr(self, key) for key in _KEYS if key != "dossier_columns"}
        if self.dossier_columns:
            data["ui"]["dossier_columns"] = list(self.dossier_columns)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)
