"""Build the CommuneDesk MSI from a one-folder bundle with wixl (msitools), on Linux.

    python installer/build_msi.py --bundle dist/CommuneDesk --output-dir dist
    # -> dist/CommuneDesk-<version>.msi, the version being the bundle's own

The version is not an option: it is read from the bundle (``build-info.json``, written
from ``pyproject.toml`` by the spec), so the file name, the MSI's ProductVersion and the
program inside cannot disagree (``--version`` may be given as a check). A bundle built
with the DEV update root is refused unless ``--dev`` says so.

Steps: harvest the bundle's files into a WiX fragment with ``wixl-heat``, compile
``installer/commune-desk.wxs`` plus the fragment with ``wixl``, then finish what wixl
cannot write itself with ``msibuild``: the Vietnamese code page (1258) and text, and the
same-version upgrade flag. On Windows the same sources build with WiX 3 (see
``--wix3-source`` and ``.github/workflows/windows-build.yml``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

INSTALLER_DIR = Path(__file__).resolve().parent
WXS = INSTALLER_DIR / "commune-desk.wxs"
ICON = INSTALLER_DIR / "CommuneDesk.ico"
WIX_NS = "http://schemas.microsoft.com/wix/2006/wi"
CODEPAGE = 1258
LANGUAGE = 1066  # Vietnamese
_MSI_VERSION = re.compile(r"^\d{1,3}\.\d{1,3}\.\d{1,5}$")
#: Tone marks: code page 1258 holds them as separate combining characters.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
#: msidbUpgradeAttributesVersionMaxInclusive: the Upgrade row also matches the same version.
_VERSION_MAX_INCLUSIVE = 0x200
#: Where actions belong in InstallExecuteSequence: right after the named standard action.
#: wixl misplaces Before/After and moves RemoveExistingProducts, so they are set here
#: (WiX 3 places them from the same After= attributes of the .wxs).
EXECUTE_AFTER = {
    "RemoveExistingProducts": "InstallValidate",  # uninstall the old version first
    "SetIcacls": "FileCost",
    "GrantMachineFolder": "CreateFolders",
    "SetAppExe": "CostFinalize",
    "UnregisterUpdateTask": "InstallInitialize",
    "RegisterUpdateTask": "InstallFiles",
}


class MsiBuildError(RuntimeError):
    """The MSI could not be built (missing tool, bad version, DEV root, wixl failure)."""


@dataclass(frozen=True)
class BundleInfo:
    """What the bundle says about itself (``_internal/resources/update/build-info.json``)."""

    version: str
    update_root: str


def bundle_info(bundle: Path) -> BundleInfo:
    """Read the bundle's build information; refuse a bundle without it."""
    path = bundle / "_internal" / "resources" / "update" / "build-info.json"
    try:
        info = json.loads(path.read_text("utf-8"))
        return BundleInfo(version=str(info["version"]), update_root=str(info["update_root"]))
    except (OSError, ValueError, KeyError) as exc:
        raise MsiBuildError(f"{bundle} has no readable build-info.json ({exc}): rebuild it") from exc


def msi_version(version: str) -> str:
    """Check a version is what Windows Installer compares: three numeric parts."""
    if not _MSI_VERSION.match(version):
        raise MsiBuildError(f"MSI versions are major.minor.patch numbers, got {version!r}")
    major, minor, _ = (int(p) for p in version.split("."))
    if major > 255 or minor > 255:
        raise MsiBuildError("MSI major and minor versions must be at most 255")
    return version


def msi_file_name(version: str, update_root: str = "production") -> str:
    """``CommuneDesk-0.2.0.msi`` (a DEV-root build says so: ``CommuneDesk-0.2.0-DEV.msi``)."""
    return f"CommuneDesk-{version}{'-DEV' if update_root == 'dev' else ''}.msi"


def cp1258_text(text: str) -> str:
    """``text`` as code page 1258 holds Vietnamese: base letter, then a combining tone mark.

    1258 has â, ê, ô, ơ, ư, ă, đ but not, say, ầ: that is â followed by U+0300.
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    result = "".join(out)
    result.encode(f"cp{CODEPAGE}")  # raises for anything 1258 cannot hold
    return result


def bundle_files(bundle: Path) -> list[str]:
    """Every regular file of the bundle, relative, sorted.

    Symlinks are left out: PyInstaller makes them only on Linux/macOS (to avoid
    duplicate Qt libraries), a Windows bundle has none, and an MSI cannot
    carry one, so the stand-in MSI built here matches the Windows one's shape.
    """
    return sorted(
        str(p.relative_to(bundle)).replace("\\", "/")
        for p in bundle.rglob("*")
        if p.is_file() and not p.is_symlink()
    )


def harvest(bundle: Path, fragment: Path) -> Path:
    """Write the WiX fragment listing the bundle's files (``wixl-heat``)."""
    tool = _require("wixl-heat")
    prefix = bundle.as_posix().rstrip("/") + "/"
    listing = "".join(prefix + rel + "\n" for rel in bundle_files(bundle))
    result = subprocess.run(
        [
            tool,
            "--var",
            "var.BundleDir",
            "-p",
            prefix,
            "--component-group",
            "BundleFiles",
            "--directory-ref",
            "INSTALLDIR",
            "--win64",
        ],
        input=listing,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise MsiBuildError(f"wixl-heat failed: {result.stderr.strip()}")
    fragment.write_text(result.stdout, encoding="utf-8")
    return fragment


def wix3_source(out: Path, *, wxs: Path = WXS) -> Path:
    """The .wxs for WiX 3 (candle/light): Vietnamese text already in code page 1258 form."""
    tree = _parse(wxs)
    for element in tree.iter():
        for name, value in element.attrib.items():
            if not value.isascii():
                element.set(name, cp1258_text(value))
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return out


def build_msi(
    bundle: Path,
    output_dir: Path,
    *,
    expect_version: str | None = None,
    allow_dev: bool = False,
    wxs: Path = WXS,
) -> Path:
    """Harvest ``bundle`` and build ``output_dir/CommuneDesk-<version>.msi``; return its path."""
    bundle = bundle.resolve()
    if not bundle.is_dir() or not bundle_files(bundle):
        raise MsiBuildError(f"{bundle} is not a bundle folder")
    info = bundle_info(bundle)
    version = msi_version(info.version)
    if expect_version is not None and expect_version != version:
        raise MsiBuildError(f"the bundle is version {version}, not {expect_version}")
    if info.update_root == "dev" and not allow_dev:
        raise MsiBuildError(
            "the bundle trusts the DEV update root: rebuild it with "
            "--trusted-root, or pass --dev for a test MSI"
        )
    tool = _require("wixl")
    output = output_dir / msi_file_name(version, info.update_root)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="commune-msi-") as name:
        work = Path(name)
        fragment = harvest(bundle, work / "bundle-files.wxs")
        source, texts = _ascii_source(wxs, work / "commune-desk.wxs")
        icon = os.path.relpath(ICON, bundle.parent)  # wixl wants paths relative to its cwd
        partial = output.with_name(output.name + ".partial")
        # wixl resolves File/@Source relative to the working directory and rejects
        # absolute paths, so it runs next to the bundle with a relative BundleDir.
        result = subprocess.run(
            [
                tool,
                "-a",
                "x64",
                "-D",
                f"Version={version}",
                "-D",
                f"BundleDir={bundle.name}",
                "-D",
                "Win64=yes",
                "-D",
                f"UpdateRoot={info.update_root}",
                "-D",
                f"IconFile={icon}",
                "-o",
                str(partial.resolve()),
                str(source),
                str(fragment.resolve()),
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=bundle.parent,
        )
        if result.returncode != 0:
            partial.unlink(missing_ok=True)
            raise MsiBuildError(f"wixl failed ({result.returncode}): {result.stderr.strip()}")
        try:
            _finish(partial, texts, work)
        except MsiBuildError:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(output)
    return output


def _parse(wxs: Path) -> ET.ElementTree:
    ET.register_namespace("", WIX_NS)
    return ET.parse(wxs)


def _ascii_source(wxs: Path, out: Path) -> tuple[Path, dict[str, str]]:
    """wixl cannot write code page 1258: put placeholders where Vietnamese text goes."""
    tree = _parse(wxs)
    texts: dict[str, str] = {}
    for element in tree.iter():
        for name, value in element.attrib.items():
            if not value.isascii():
                if "'" in value:  # msibuild's SQL has no way to escape it
                    raise MsiBuildError(f"no apostrophes in MSI text: {value!r}")
                key = f"VIETNAMESE_TEXT_{len(texts)}"
                texts[key] = cp1258_text(value)
                element.set(name, key)
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return out, texts


def _finish(msi: Path, texts: dict[str, str], work: Path) -> None:
    """Code page 1258, the Vietnamese text in place of its placeholders, same-version upgrades."""
    msibuild = _require("msibuild")
    codepage = work / "_ForceCodepage.idt"
    codepage.write_bytes(f"\r\n\r\n{CODEPAGE}\t_ForceCodepage\r\n".encode("ascii"))
    queries: list[str] = []
    found: set[str] = set()
    for table in _tables(msi):
        columns, types, keys, rows = export_table(msi, table)
        for row in rows:
            for column, value in zip(columns, row, strict=False):
                if value in texts:
                    found.add(value)
                    where = " AND ".join(
                        _equals(k, row[columns.index(k)], types[columns.index(k)]) for k in keys
                    )
                    queries.append(f"UPDATE `{table}` SET `{column}` = '{texts[value]}' WHERE {where}")
    if found != set(texts):
        raise MsiBuildError(f"Vietnamese text not found in the MSI: {sorted(set(texts) - found)}")
    for row in export_table(msi, "Upgrade")[3]:  # wixl ignores AllowSameVersionUpgrades
        code, vmin, vmax, lang, attrs, remove, prop = row
        if prop == "WIX_UPGRADE_DETECTED" and not int(attrs) & _VERSION_MAX_INCLUSIVE:
            queries.append(f"DELETE FROM `Upgrade` WHERE `ActionProperty` = '{prop}'")
            queries.append(
                "INSERT INTO `Upgrade` (`UpgradeCode`, `VersionMin`, `VersionMax`, `Attributes`, "
                f"`ActionProperty`) VALUES ('{code}', '{vmin}', '{vmax}', "
                f"{int(attrs) | _VERSION_MAX_INCLUSIVE}, '{prop}')"
            )
    sequence = {row[0]: int(row[2]) for row in export_table(msi, "InstallExecuteSequence")[3]}
    for action, after in EXECUTE_AFTER.items():
        queries.append(
            f"UPDATE `InstallExecuteSequence` SET `Sequence` = {sequence[after] + 1} "
            f"WHERE `Action` = '{action}'"
        )
    package_code = _summary(msi).get("Revision number (UUID)", "")
    summary = [
        "-s",
        _summary(msi).get("Subject", "CommuneDesk"),
        "CommuneDesk",
        f"x64;{LANGUAGE}",
        package_code,
    ]
    for args in (["-i", str(codepage)], summary, *[["-q", q] for q in queries]):
        result = subprocess.run([msibuild, str(msi), *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise MsiBuildError(f"msibuild {args[0]} failed: {result.stderr.strip()}")


def _equals(column: str, value: str, kind: str) -> str:
    """A WHERE term; ``kind`` is the IDT column type (``i2``/``I4`` integers, else strings)."""
    if kind[:1] in ("i", "I"):
        return f"`{column}` = {int(value)}"
    return f"`{column}` = '{value}'"


def _tables(msi: Path) -> list[str]:
    out = subprocess.run(
        [_require("msiinfo"), "tables", str(msi)], capture_output=True, text=True, check=True
    ).stdout
    return [t.strip() for t in out.splitlines() if t.strip() and not t.startswith("_")]


def export_table(msi: Path, table: str) -> tuple[list[str], list[str], list[str], list[list[str]]]:
    """Columns, column types, key columns and rows of one table (``msiinfo export``).

    Runs in a scratch folder: for tables with binary columns (Icon, Binary) msiinfo
    writes the streams out as files next to where it runs.
    """
    with tempfile.TemporaryDirectory(prefix="commune-msi-export-") as cwd:
        out = subprocess.run(
            [_require("msiinfo"), "export", str(msi.resolve()), table],
            capture_output=True,
            text=True,
            check=True,
            cwd=cwd,
        ).stdout
    lines = out.split("\r\n") if "\r\n" in out else out.split("\n")
    columns, types, header = lines[0].split("\t"), lines[1].split("\t"), lines[2].split("\t")
    rows = [line.split("\t") for line in lines[3:] if line]
    return columns, types, header[1:], rows


def _summary(msi: Path) -> dict[str, str]:
    """``msiinfo suminfo`` as a dict (Title, Subject, Template, Revision number (UUID)...)."""
    out = subprocess.run(
        [_require("msiinfo"), "suminfo", str(msi)], capture_output=True, text=True, check=True
    ).stdout
    return dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)


def _require(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise MsiBuildError(f"{tool} not found: apt-get install msitools wixl")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--bundle DIR --output-dir DIR [--version X.Y.Z] [--dev]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, help="dist/CommuneDesk")
    parser.add_argument("--output-dir", type=Path, default=Path("dist"))
    parser.add_argument("--version", help="fail unless the bundle is this version")
    parser.add_argument("--dev", action="store_true", help="accept a DEV-root bundle (tests)")
    parser.add_argument(
        "--wix3-source",
        type=Path,
        metavar="OUT.wxs",
        help="only write the WiX 3 source (Windows build) and stop",
    )
    args = parser.parse_args(argv)
    try:
        if args.wix3_source:
            print(wix3_source(args.wix3_source))
            return 0
        if args.bundle is None:
            parser.error("--bundle is required")
        path = build_msi(args.bundle, args.output_dir, expect_version=args.version, allow_dev=args.dev)
    except MsiBuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
