"""What the bundle holds: version, update root, version resource, trimming rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from installer.build_bundle import BundleBuildError, build_bundle
from installer.bundle_rules import (
    BuildRefused,
    choose_update_root,
    prune_unreferenced,
    pyproject_version,
    unwanted_file,
    version_resource,
)

import commune_desk
from commune_desk.update.repository import ReleaseRepository

REPO_ROOT = Path(__file__).resolve().parents[3]
DEV_ROOT = REPO_ROOT / "resources" / "update" / "root.json"


def test_the_app_reports_the_pyproject_version() -> None:
    """One source: ``commune_desk.__version__`` is the package metadata of pyproject.toml."""
    assert commune_desk.__version__ == pyproject_version(REPO_ROOT / "pyproject.toml")
    assert "__version__ =" not in (REPO_ROOT / "src/commune_desk/__init__.py").read_text("utf-8")


def test_no_root_chosen_is_refused() -> None:
    """The default build ships nothing: a root or --dev must be named."""
    with pytest.raises(BuildRefused, match="--dev"):
        choose_update_root(trusted_root=None, dev=False, dev_root=DEV_ROOT)
    with pytest.raises(BuildRefused, match="not both"):
        choose_update_root(trusted_root=str(DEV_ROOT), dev=True, dev_root=DEV_ROOT)
    with pytest.raises(BundleBuildError, match="--dev"):  # before PyInstaller even starts
        build_bundle(Path("unused"), Path("unused"))


def test_dev_root_only_when_asked_for() -> None:
    """``--dev`` ships the DEV root and says so in build-info."""
    choice = choose_update_root(trusted_root=None, dev=True, dev_root=DEV_ROOT)
    assert choice.kind == "dev" and choice.root_bytes == DEV_ROOT.read_bytes()


def test_dev_root_passed_as_production_is_refused(tmp_path: Path) -> None:
    """Copying the DEV root (or any root sharing its keys) in as "production" stops the build."""
    copy = tmp_path / "1.root.json"
    copy.write_bytes(DEV_ROOT.read_bytes())
    with pytest.raises(BuildRefused, match="DEV keys"):
        choose_update_root(trusted_root=str(copy), dev=False, dev_root=DEV_ROOT)
    not_a_root = tmp_path / "notes.json"
    not_a_root.write_text(json.dumps({"hello": 1}), "utf-8")
    with pytest.raises(BuildRefused, match="not a TUF root"):
        choose_update_root(trusted_root=str(not_a_root), dev=False, dev_root=DEV_ROOT)


def test_production_root_is_shipped(tmp_path: Path) -> None:
    """A freshly made release repository's root is accepted as production."""
    release = ReleaseRepository.init(tmp_path / "release")
    root = release.folder / "metadata" / "1.root.json"
    choice = choose_update_root(trusted_root=str(root), dev=False, dev_root=DEV_ROOT)
    assert choice.kind == "production" and choice.root_bytes == root.read_bytes()


def test_version_resource_carries_the_version() -> None:
    """The resource text (PyInstaller evaluates it with its VSVersionInfo classes) names it.

    PyInstaller's own loader needs Windows modules, so the text is evaluated here with
    recording stand-ins of the same names and signatures.
    """

    def record(kind: str):  # noqa: ANN202 - a tiny constructor stand-in
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = [
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    ]
    info = eval(version_resource("1.12.3"), {n: record(n) for n in names})  # noqa: S307
    fixed = info[2]["ffi"][2]
    assert fixed["filevers"] == fixed["prodvers"] == (1, 12, 3, 0)
    table = info[2]["kids"][0][1][0][0][1]
    strings = dict(entry[1] for entry in table[1])
    assert strings["ProductVersion"] == "1.12.3" and strings["FileVersion"] == "1.12.3.0"
    assert strings["OriginalFilename"] == "CommuneDesk.exe"
    assert table[0] == "042a04b0"  # Vietnamese, Unicode


@pytest.mark.parametrize(
    ("dest", "unwanted"),
    [
        ("PySide6/Qt/translations/qtbase_de.qm", True),
        ("PySide6/translations/qt_en.qm", True),
        ("PySide6\\opengl32sw.dll", True),
        ("PySide6/Qt6Network.dll", True),
        ("PySide6/Qt/lib/libQt6WaylandClient.so.6", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", True),
        ("PySide6/Qt/plugins/generic/libqtuiotouchplugin.so", True),
        ("PySide6/Qt/plugins/platforms/libqminimal.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", False),
        ("PySide6/plugins/platforms/qwindows.dll", False),
        ("PySide6/plugins/imageformats/qpdf.dll", True),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", False),
        ("resources/i18n/commune_desk_en.qm", False),
    ],
)
def test_unwanted_files(dest: str, unwanted: bool) -> None:
    """Qt translations and unused plugins/libraries go; what the app uses stays."""
    assert unwanted_file(dest) is unwanted


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.lists(st.sampled_from("abcdefgh")), min_size=1))
def test_pruning_keeps_exactly_what_the_roots_reach(graph: dict[str, list[str]]) -> None:
    """Libraries reachable from an extension module or plugin stay; the rest and their links go."""
    names = sorted(set(graph) | {d for deps in graph.values() for d in deps} | {"a"})
    binaries = [(f"lib/{n}.so", f"/src/{n}.so", "BINARY") for n in names]
    binaries.append(("ext.abi3.so", "/src/ext.so", "EXTENSION"))
    graph_with_root = {**graph, "ext": ["a"]}
    links = {f"/src/{n}.so": [f"{d}.so" for d in deps] for n, deps in graph_with_root.items()}
    datas = [(f"{n}.so", f"lib/{n}.so", "SYMLINK") for n in names]
    kept, kept_datas = prune_unreferenced(binaries, datas, lambda src: links.get(src, []))
    reach, todo = set(), ["ext"]
    while todo:
        node = todo.pop()
        if node not in reach:
            reach.add(node)
            todo.extend(graph_with_root.get(node, []))
    assert {e[0] for e in kept} == {f"lib/{n}.so" for n in reach if n != "ext"} | {"ext.abi3.so"}
    assert {d[0] for d in kept_datas} == {f"{n}.so" for n in reach if n != "ext"}


def test_pyinstaller_on_the_spec_alone_refuses_to_ship_a_root(tmp_path: Path) -> None:
    """Running PyInstaller on the spec by hand, without choosing a root, stops at once."""
    import os
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COMMUNE_DESK_TRUSTED_ROOT", "COMMUNE_DESK_DEV_BUILD", "COMMUNE_DESK_RELEASE_BUILD")
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "work"),
            str(REPO_ROOT / "installer" / "commune-desk.spec"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0
    assert "no update root chosen" in result.stdout + result.stderr
    assert not (tmp_path / "dist" / "CommuneDesk").exists()
