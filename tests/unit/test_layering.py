"""The core packages must work on a machine where Qt cannot even be imported."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
CORE = ("domain", "store", "services", "sync")


def test_core_imports_with_pyside6_blocked() -> None:
    """Import every core module with PySide6 made unimportable."""
    modules = sorted(
        "commune_desk." + ".".join(p.relative_to(SRC / "commune_desk").with_suffix("").parts)
        for pkg in CORE
        for p in (SRC / "commune_desk" / pkg).rglob("*.py")
    )
    code = textwrap.dedent(
        f"""
        import importlib, sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name == "PySide6" or name.startswith("PySide6."):
                    raise ImportError("PySide6 is blocked in this test")
        sys.meta_path.insert(0, Block())
        for name in {modules!r}:
            importlib.import_module(name.removesuffix(".__init__"))
        assert not any(m.startswith("PySide6") for m in sys.modules)
        print("ok", len({modules!r}))
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_no_core_source_mentions_pyside6() -> None:
    """A lazy import inside a function would slip past the import test; grep too."""
    offenders = [
        str(p)
        for pkg in CORE
        for p in (SRC / "commune_desk" / pkg).rglob("*.py")
        if "PySide6" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
