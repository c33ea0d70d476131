"""Layering: the core works without Qt, and every package imports only the layers below it."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
CORE = ("domain", "protocol", "store", "services", "sync")


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


# -- the import floor of every package (static: lazy imports inside functions count too) --

#: What each part of ``src/`` may import from the others (besides itself). Imports point
#: downward only: ui → services → protocol/store/domain; sync → protocol/store/domain;
#: city_server → protocol/domain; nothing below imports ui, cli or app.
ALLOWED: dict[str, frozenset[str]] = {
    "domain": frozenset(),
    "messages": frozenset(),
    "paths": frozenset(),
    "logfile": frozenset(),
    # The PC check runs before anything else: standard library, plus where to log a refusal.
    "platform_check": frozenset({"paths", "logfile", "messages"}),
    "protocol": frozenset({"domain"}),
    "store": frozenset({"domain", "protocol"}),
    # The desktop's first glance at the store reads it with the standard library only.
    "glance": frozenset({"domain", "store"}),
    "services": frozenset({"domain", "protocol", "store", "paths", "messages"}),
    "sync": frozenset({"domain", "protocol", "store", "messages"}),
    "update": frozenset({"domain", "protocol", "store", "services", "paths", "messages"}),
    "app": frozenset({"domain", "protocol", "store", "services", "sync", "update", "paths", "messages"}),
    "support": frozenset({"domain", "protocol", "store", "services", "sync", "paths", "messages", "logfile"}),
    "ui": frozenset(
        {"app", "domain", "protocol", "services", "sync", "update", "support", "paths", "messages", "logfile"}
        | {"glance"}
    ),
    "cli": frozenset(
        {"app", "ui", "domain", "protocol", "store", "services", "sync", "update", "paths", "messages"}
        | {"logfile", "platform_check", "support"}
    ),
    "__main__": frozenset({"cli"}),
    "__init__": frozenset(),
    # The CLI starts the office relay; carry refusals use the app's one message catalogue.
    "city_server": frozenset({"protocol", "domain", "city_server.relay", "messages"}),
    # The relay is a client of the city (it syncs with it).
    "city_server.relay": frozenset({"protocol", "domain", "sync", "city_server", "messages"}),
}


def _part(module: str) -> str | None:
    """The part of ``src/`` a dotted module name belongs to (None: not ours).

    ``commune_desk.__version__`` and other names of the package itself count as ``__init__``.
    """
    parts = module.split(".")
    if parts[0] == "city_server":
        return "city_server.relay" if parts[1:2] == ["relay"] else "city_server"
    if parts[0] != "commune_desk":
        return None
    if len(parts) > 1 and parts[1] in ALLOWED:
        return parts[1]
    return "__init__"


def _imports(path: Path) -> set[str]:
    """Every absolute module name ``path`` imports, at any depth of its code."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            # ``from commune_desk import protocol`` imports the package ``commune_desk.protocol``
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _layering_violations(src: Path) -> list[str]:
    problems = []
    for path in sorted(src.rglob("*.py")):
        if "migrations" in path.parts:
            continue  # Alembic revisions are data, run by the store's and the server's own tooling
        module = ".".join(path.relative_to(src).with_suffix("").parts)
        here = _part(module)
        if here is None:
            continue
        allowed = ALLOWED[here]
        for name in sorted(_imports(path)):
            there = _part(name)
            if there is None or there == here or there == "__init__":
                continue
            if there not in allowed:
                problems.append(f"{module} imports {name} ({here} → {there})")
    return problems


def test_every_package_imports_only_downward() -> None:
    """No upward or sideways import anywhere in ``src/`` (the city server included)."""
    assert _layering_violations(SRC) == []


def test_the_layering_check_sees_a_wrong_import(tmp_path: Path) -> None:
    """The check itself works: a store module reaching into the services is named."""
    bad = tmp_path / "commune_desk" / "store"
    bad.mkdir(parents=True)
    (bad / "oops.py").write_text("def f():\n    from commune_desk.services import base\n", encoding="utf-8")
    server = tmp_path / "city_server"
    server.mkdir()
    (server / "x.py").write_text("from commune_desk import sync\n", encoding="utf-8")
    assert _layering_violations(tmp_path) == [
        "city_server.x imports commune_desk.sync (city_server → sync)",
        "commune_desk.store.oops imports commune_desk.services (store → services)",
        "commune_desk.store.oops imports commune_desk.services.base (store → services)",
    ]


def test_protocol_floor_imports_without_store_network_or_qt() -> None:
    """What the city server takes from the client's tree needs only pydantic and the stdlib."""
    code = textwrap.dedent(
        """
        import importlib, pkgutil, sys
        BLOCKED = ("PySide6", "sqlalchemy", "requests", "fastapi", "alembic", "keyring")
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in BLOCKED:
                    raise ImportError(name + " is blocked in this test")
        sys.meta_path.insert(0, Block())
        import commune_desk.protocol, commune_desk.domain, commune_desk.messages
        for package in (commune_desk.protocol, commune_desk.domain):
            for info in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
                importlib.import_module(info.name)
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
