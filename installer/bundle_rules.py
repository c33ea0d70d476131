"""What goes into the bundle, as plain functions the spec calls and the unit tests check.

* the version (``pyproject.toml`` is the one source) and the Windows version resource;
* which TUF root ships: production, or the DEV root only when asked for explicitly;
* what is left out: Python packages nothing on an office PC uses, Qt plugins and
  translations, and the libraries that only the dropped parts needed.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# -- version -------------------------------------------------------------------------------------


def pyproject_version(pyproject: Path) -> str:
    """``[project].version`` of ``pyproject.toml``."""
    return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])


def version_resource(version: str) -> str:
    """The Windows version resource (PyInstaller's ``VSVersionInfo`` text) for ``version``.

    Explorer's Properties > Details, antivirus products and the MSI's file-version
    logic read it; ``FileVersion`` takes four numbers, the fourth is always 0.
    """
    parts = [int(p) for p in version.split(".")[:3]]
    numbers = tuple(parts + [0] * (4 - len(parts)))
    dotted = ".".join(str(n) for n in numbers)
    strings = {
        "CompanyName": "CommuneDesk",
        "FileDescription": "CommuneDesk - phần mềm một cửa",
        "FileVersion": dotted,
        "InternalName": "CommuneDesk",
        "LegalCopyright": "MIT License",
        "OriginalFilename": "CommuneDesk.exe",
        "ProductName": "CommuneDesk",
        "ProductVersion": version,
    }
    body = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""VSVersionInfo(
  ffi=FixedFileInfo(filevers={numbers}, prodvers={numbers}, mask=0x3f, flags=0x0,
                    OS=0x40004, fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([
      StringTable('042a04b0', [
{body}
      ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x042a, 1200])])
  ]
)
"""


# -- which update root ships ---------------------------------------------------------------------


class BuildRefused(SystemExit):
    """The build must not go on (raised from the spec, so PyInstaller stops with the message)."""


@dataclass(frozen=True)
class RootChoice:
    """The root the bundle will trust: ``kind`` is ``"production"`` or ``"dev"``."""

    kind: str
    root_bytes: bytes


def root_key_ids(root_bytes: bytes) -> set[str]:
    """Key ids named in a TUF root metadata file (empty when it is not one)."""
    try:
        keys = json.loads(root_bytes)["signed"]["keys"]
    except (ValueError, KeyError, TypeError):
        return set()
    return set(keys) if isinstance(keys, dict) else set()


def choose_update_root(*, trusted_root: str | None, dev: bool, dev_root: Path) -> RootChoice:
    """Pick the root to ship; refuse anything but one explicit, sensible choice.

    A build names its production root, or says ``--dev`` to ship the DEV root whose
    private keys are public. Neither, both, a file that is not a root, or a
    "production" root sharing keys with the DEV one stop the build.
    """
    if trusted_root and dev:
        raise BuildRefused("give either a production root (--trusted-root) or --dev, not both")
    if dev:
        return RootChoice("dev", dev_root.read_bytes())
    if not trusted_root:
        raise BuildRefused(
            "no update root chosen: give --trusted-root PATH/1.root.json for a release, or "
            "--dev for a development build (its update keys are public; never ship it)"
        )
    data = Path(trusted_root).read_bytes()
    ids = root_key_ids(data)
    if not ids:
        raise BuildRefused(f"{trusted_root} is not a TUF root metadata file")
    if ids & root_key_ids(dev_root.read_bytes()):
        raise BuildRefused(f"{trusted_root} uses the DEV keys: refusing to ship it as production")
    return RootChoice("production", data)


# -- what is left out ----------------------------------------------------------------------------

#: Qt modules the UI imports; every other PySide6 module stays out with its libraries.
QT_KEEP = {"QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtSvg"}
_QT_ALL = [
    "QtConcurrent",
    "QtDBus",
    "QtDesigner",
    "QtHelp",
    "QtLabsStyleKit",
    "QtNetwork",
    "QtOpenGL",
    "QtOpenGLWidgets",
    "QtQml",
    "QtQmlFeatures",
    "QtQuick",
    "QtQuickControls2",
    "QtQuickTest",
    "QtQuickWidgets",
    "QtSql",
    "QtSvgWidgets",
    "QtTest",
    "QtUiTools",
    "QtXml",
    "Qt3DCore",
    "QtCharts",
    "QtDataVisualization",
    "QtMultimedia",
    "QtWebEngineCore",
    "QtWebEngineWidgets",
    "QtPdf",
    "QtBluetooth",
    "QtPositioning",
    "QtSerialPort",
]
EXCLUDED_MODULES = [f"PySide6.{name}" for name in _QT_ALL if name not in QT_KEEP] + [
    # Server side and test tooling never run on an office PC.
    "city_server",
    "fastapi",
    "starlette",
    "uvicorn",
    "psycopg",
    "argon2",
    "pytest",
    "_pytest",
    "hypothesis",
    "schemathesis",
    "pytestqt",
    "httpx",
    # Pulled in by optional paths of libraries we use otherwise: pydantic's mypy plugin
    # (mypy, ast_serialize), pydantic's debug printing and tqdm.rich (rich, pygments,
    # markdown-it), Mako's syntax-highlighting plugin (pygments), the v1 compatibility layer.
    "mypy",
    "ast_serialize",
    "pydantic.mypy",
    "pydantic.v1",
    "rich",
    "pygments",
    "markdown_it",
    "mdurl",
    "tqdm.rich",
    "tqdm.notebook",
    "tqdm.keras",
    "tqdm.dask",
    "tqdm.contrib.discord",
    "tqdm.contrib.slack",
    "tqdm.contrib.telegram",
    "mako.ext.pygmentplugin",
    "mako.ext.babelplugin",
    "mako.ext.linguaplugin",
    "mako.ext.turbogears",
    "pdb",
    "pydoc",
    "pydoc_data",
    "doctest",
    "unittest",
    "lib2to3",
    "idlelib",
    "turtle",
    "tkinter",
    "IPython",
    "numpy",
    "pandas",
    "matplotlib",
    "PIL",
    "lxml",
    "PyInstaller",
    "setuptools",
    "pkg_resources",
    "pip",
    "wheel",
]

#: Path fragments (lower case, ``/`` separators) of files that stay out of the bundle.
_UNWANTED_FRAGMENTS = (
    # Qt's own translations: the app ships its .qm files in resources/i18n, and Qt has
    # none in Vietnamese; the English ones only repeat Qt's built-in strings.
    "pyside6/qt/translations/",
    "pyside6/translations/",
    "/plugins/qmltooling/",
    "/plugins/sqldrivers/",
    "/plugins/designer/",
    "/plugins/networkinformation/",
    "/plugins/tls/",
    "/plugins/wayland-",
    "/plugins/egldeviceintegrations/",
    "/plugins/vectorimageformats/",
    "/plugins/generic/",  # evdev/tuio touch input (tuio needs Qt Network)
    "/plugins/platformthemes/",  # GTK and portal themes (GTK, cairo, pango, atk)
    "/plugins/xcbglintegrations/",  # OpenGL on X11: widgets draw without it
    "/qml/",
    # Linux only: the CUPS print backend and the ~11 MB of libraries it links (GnuTLS,
    # Kerberos, Avahi...). Office PCs are Windows (windowsprintersupport stays); the Linux
    # bundle is CI's stand-in and prints to PDF.
    "/plugins/printsupport/libcupsprintersupport",
    # East-Asian codecs (Linux builds them as separate modules; nothing here decodes them).
    "/_codecs_cn",
    "/_codecs_hk",
    "/_codecs_jp",
    "/_codecs_kr",
    "/_codecs_tw",
    "/_codecs_iso2022",
    # Platforms an office PC never uses (Windows keeps qwindows; qoffscreen for --self-test).
    "qvnc",
    "qlinuxfb",
    "qeglfs",
    "qminimalegl",
    "qvkkhrdisplay",
    "qdirect2d",
    "qminimal.",
    "qwayland",
    # Image formats nobody scans to: keep png (built in), jpeg, gif, ico, svg. (qpdf needs
    # Qt Pdf, which is not shipped; Windows wheels carry the plugin.)
    "/imageformats/qpdf",
    "qtiff",
    "qwebp",
    "qicns",
    "qtga",
    "qwbmp",
    # Software OpenGL fallback (20 MB on Windows) and the Qt libraries of dropped modules.
    "opengl32sw.dll",
    "qt6network",
    "qt6opengl",
    "qt6waylandclient",
    "qt6wlshellintegration",
    "qt6eglfs",
    "qt6pdf",
    "qt6qml",
    "qt6quick",
)

#: Loaded with dlopen/LoadLibrary rather than linked, so invisible to the import scan.
_LOADED_AT_RUN_TIME = ("libdbus-1.so", "libpython", "python3")


def unwanted_file(dest: str) -> bool:
    """True for a bundle file (destination path) that the office PC never uses."""
    lowered = dest.replace("\\", "/").lower()
    lowered = lowered if lowered.startswith("/") else "/" + lowered
    return any(fragment in lowered for fragment in _UNWANTED_FRAGMENTS)


TocEntry = tuple[str, str, str]


def prune_unreferenced(
    binaries: Iterable[TocEntry],
    datas: Iterable[TocEntry],
    imports_of: Callable[[str], list[str]],
) -> tuple[list[TocEntry], list[TocEntry]]:
    """Drop shared libraries no kept extension module, plugin or executable links to.

    Roots are Python extension modules, Qt plugins and the libraries loaded at run time
    (:data:`_LOADED_AT_RUN_TIME`); everything they link to, transitively, stays.
    ``imports_of(source_path)`` lists the library names a binary links to. Symlinks
    (in ``datas``) to a dropped library go too.
    """
    binaries, datas = list(binaries), list(datas)
    by_name: dict[str, list[TocEntry]] = {}
    for entry in binaries:
        by_name.setdefault(PurePosixPath(entry[0].replace("\\", "/")).name.lower(), []).append(entry)

    def is_root(entry: TocEntry) -> bool:
        name = PurePosixPath(entry[0].replace("\\", "/")).name.lower()
        return (
            entry[2] != "BINARY"
            or "/plugins/" in entry[0].replace("\\", "/")
            or name.startswith(_LOADED_AT_RUN_TIME)
        )

    kept: set[str] = set()
    stack = [e for e in binaries if is_root(e)]
    while stack:
        entry = stack.pop()
        if entry[0] in kept:
            continue
        kept.add(entry[0])
        for name in imports_of(entry[1]):
            stack.extend(by_name.get(PurePosixPath(name.replace("\\", "/")).name.lower(), []))
    dropped = {e[0] for e in binaries} - kept
    datas = [d for d in datas if not (d[2] == "SYMLINK" and d[1] in dropped)]
    return [e for e in binaries if e[0] in kept], datas
