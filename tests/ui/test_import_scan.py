"""The desktop app does not keep the source of the modules it imports (PySide's import hook).

Run in a fresh interpreter: in the test process the hook has long been tamed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

_PROBE = """
import json, linecache, sys
import commune_desk.ui.app  # what the desktop app imports first
import plain_module, qt_module
import shibokensupport.feature as feature
cached = [name for name in linecache.cache if name.endswith(("plain_module.py", "qt_module.py"))]
print(json.dumps({
    "cached": cached,
    "plain": feature.pyside_feature_dict.get("plain_module"),
    "qt": feature.pyside_feature_dict.get("qt_module"),
}))
"""


def test_imported_modules_source_is_not_kept(tmp_path: Path) -> None:
    """After the app's first import, a module imported later is not held in ``linecache``,
    and shiboken still tells a module that names PySide6 (0) from one that does not (-1)."""
    (tmp_path / "plain_module.py").write_text("VALUE = 1\n" + "# filler line\n" * 2000, encoding="utf-8")
    (tmp_path / "qt_module.py").write_text("from PySide6 import QtCore\nVALUE = 2\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), *sys.path]))
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"cached": [], "plain": -1, "qt": 0}


def test_uses_pyside_reads_the_file(tmp_path: Path) -> None:
    """The replacement check: source files only, bytes compared, unreadable files are False."""
    from types import ModuleType

    from commune_desk.ui.import_scan import uses_pyside

    named = tmp_path / "named.py"
    named.write_text("# uses PySide6 here\n", encoding="cp1258")
    module = ModuleType("named")
    module.__file__ = str(named)
    assert uses_pyside(module)
    named.write_text("# nothing\n", encoding="utf-8")
    assert not uses_pyside(module)
    module.__file__ = str(tmp_path / "gone.py")
    assert not uses_pyside(module)
    assert not uses_pyside(ModuleType("builtin_like"))
