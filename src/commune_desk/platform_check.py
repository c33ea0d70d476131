"""Refuse an unsupported PC clearly, before anything heavy is loaded.

Qt 6 is compiled for x86-64-v2, so on a CPU without SSE4.2 loading Qt dies
with an illegal-instruction crash the clerk cannot make sense of; Qt 6 and our
Python also need Windows 10 1809 (build 17763) or later.

In the frozen bundle :func:`run_first` is called by a PyInstaller runtime hook
(``installer/rthook_platform_check.py``) listed before PyInstaller's own hooks,
so it runs before ``pyi_rth_pyside6`` loads QtCore; from a source checkout the
launcher script calls it. Only the standard library is imported here, with the
message catalogue (standard library too) and, on a refusal, :mod:`commune_desk.paths`
for the log folder.

The decision (:func:`check_platform`) takes the probed values as plain data,
so tests run it on Linux with any combination; the probes themselves
(:func:`probe_platform`) are thin and also run on Linux (CPUID works there).
"""

from __future__ import annotations

import ctypes
import mmap
import os
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from commune_desk.messages import message

#: Windows 10 version 1809 ("October 2018 Update").
MIN_WINDOWS_BUILD = 17763
#: Exit status when the PC is refused (distinct from crashes and usage errors).
EXIT_UNSUPPORTED = 3
#: Overrides probed values (``cpu_has_sse42=0,system=Windows,windows_build=7601``): lets IT
#: staff and the tests see the refusal on a PC that passes. It can only describe a PC, so
#: at worst it makes a supported PC refuse or an unsupported one crash as it would anyway.
SIMULATE_ENV = "COMMUNE_DESK_SIMULATE_PLATFORM"
#: Set by ``commune-desk-cli.cmd``: the windowed ``CommuneDesk.exe`` then writes to the
#: console it was started from (IT commands, ``--self-test``).
CONSOLE_ENV = "COMMUNE_DESK_CONSOLE"
#: ``IsProcessorFeaturePresent`` feature number for SSE4.2 (not known to old builds).
_PF_SSE4_2_INSTRUCTIONS_AVAILABLE = 38
#: CPUID leaf 1, ECX bit 20 is SSE4.2.
_SSE42_ECX_BIT = 1 << 20
#: x86-64 machine code: push rbx; mov eax,1; xor ecx,ecx; cpuid; mov eax,ecx; pop rbx; ret
_CPUID_LEAF1_ECX = bytes([0x53, 0xB8, 0x01, 0x00, 0x00, 0x00, 0x31, 0xC9, 0x0F, 0xA2, 0x89, 0xC8, 0x5B, 0xC3])


@dataclass(frozen=True)
class PlatformProbe:
    """What was found out about this PC (``None`` where it could not be told)."""

    system: str
    windows_major: int | None = None
    windows_build: int | None = None
    cpu_has_sse42: bool | None = None


@dataclass(frozen=True)
class Refusal:
    """Why the app will not start here: a machine-readable kind and the clerk's message."""

    kind: str
    message: str


@dataclass
class CheckRecord:
    """What :func:`run_first` saw: proof for the self-test that it ran before Qt."""

    ran: bool = False
    modules_loaded: int = 0
    qt_modules_loaded: list[str] = field(default_factory=list)
    refusal: str | None = None


#: Filled in by :func:`run_first` (one per process).
RECORD = CheckRecord()


def check_platform(probe: PlatformProbe) -> Refusal | None:
    """Decide whether CommuneDesk can run on the probed PC; ``None`` means yes.

    An unknown CPU feature is not a refusal: blocking a working PC on a probe
    failure would be worse than the crash it tries to prevent.
    """
    if probe.cpu_has_sse42 is False:
        return Refusal(kind="cpu_without_sse42", message=message("platform.cpu_without_sse42"))
    if probe.system == "Windows":
        major = probe.windows_major or 0
        build = probe.windows_build or 0
        if major < 10 or build < MIN_WINDOWS_BUILD:
            text = message("platform.windows_too_old")
            return Refusal(
                kind="windows_too_old",
                message=text.format(major=major, build=build, min_build=MIN_WINDOWS_BUILD),
            )
    return None


def probe_platform() -> PlatformProbe:
    """Probe the running PC: operating system, Windows build, SSE4.2."""
    system = platform.system()
    major = build = None
    if sys.platform == "win32":
        version = sys.getwindowsversion()
        major, build = version.major, version.build
    return PlatformProbe(
        system=system, windows_major=major, windows_build=build, cpu_has_sse42=cpu_has_sse42()
    )


def simulated(probe: PlatformProbe, spec: str | None) -> PlatformProbe:
    """``probe`` with the fields named in ``spec`` (``key=value,...``) replaced."""
    if not spec:
        return probe
    changes: dict[str, Any] = {}
    for item in spec.split(","):
        key, _, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if key == "system":
            changes[key] = value
        elif key in ("windows_major", "windows_build"):
            changes[key] = int(value)
        elif key == "cpu_has_sse42":
            changes[key] = value.lower() in ("1", "true", "yes")
    return replace(probe, **changes)


def cpu_has_sse42() -> bool | None:
    """Tell whether the CPU has SSE4.2; ``None`` when it cannot be told."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    if sys.platform == "win32":
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        if kernel32.IsProcessorFeaturePresent(_PF_SSE4_2_INSTRUCTIONS_AVAILABLE):
            return True
        # Builds before the feature number existed answer FALSE: ask the CPU itself.
    try:
        ecx = _run_cpuid_leaf1_ecx()
    except (OSError, ValueError, AttributeError):
        return None
    return bool(ecx & _SSE42_ECX_BIT)


def _run_cpuid_leaf1_ecx() -> int:
    """Execute CPUID leaf 1 through a tiny machine-code stub and return ECX."""
    size = len(_CPUID_LEAF1_ECX)
    prototype = ctypes.CFUNCTYPE(ctypes.c_uint32)
    if sys.platform == "win32":
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        kernel32.VirtualAlloc.restype = ctypes.c_void_p
        kernel32.VirtualAlloc.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_ulong, ctypes.c_ulong]
        kernel32.VirtualProtect.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_ulong,
            ctypes.POINTER(ctypes.c_ulong),
        ]
        kernel32.VirtualFree.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_ulong]
        address = kernel32.VirtualAlloc(None, size, 0x3000, 0x04)  # commit|reserve, RW
        if not address:
            raise OSError("VirtualAlloc failed")
        try:
            ctypes.memmove(address, _CPUID_LEAF1_ECX, size)
            old = ctypes.c_ulong()
            if not kernel32.VirtualProtect(address, size, 0x20, ctypes.byref(old)):  # RX
                raise OSError("VirtualProtect failed")
            return int(prototype(address)())
        finally:
            kernel32.VirtualFree(address, 0, 0x8000)  # release
    prot = mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC
    page = mmap.mmap(-1, mmap.PAGESIZE, prot=prot)
    page.write(_CPUID_LEAF1_ECX)
    anchor = ctypes.c_char.from_buffer(page)
    try:
        return int(prototype(ctypes.addressof(anchor))())
    finally:
        del anchor
        page.close()


def show_refusal(refusal: Refusal) -> None:
    """Tell the clerk why the app does not start: a message box on Windows, stderr elsewhere."""
    if sys.platform == "win32" and not os.environ.get(CONSOLE_ENV):
        ctypes.windll.user32.MessageBoxW(  # type: ignore[attr-defined]
            None,
            refusal.message,
            "CommuneDesk",
            0x10,  # MB_ICONERROR
        )
    elif sys.stderr is not None:
        print(refusal.message, file=sys.stderr)


def log_refusal(refusal: Refusal, probe: PlatformProbe, argv: Sequence[str]) -> str | None:
    """Append one line to ``logs/commune-desk.log`` of the data folder; return its path.

    Plain file append (no logging setup, nothing heavy): this runs before the app.
    """
    from commune_desk.logfile import LOG_FILE_NAME
    from commune_desk.paths import AppPaths

    try:
        logs = AppPaths.resolve(_data_dir_argument(argv)).logs_dir
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / LOG_FILE_NAME
        stamp = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]
        with path.open("a", encoding="utf-8") as out:
            out.write(
                f"{stamp} ERROR MainThread commune_desk.platform_check: PC refused "
                f"({refusal.kind}): {probe}\n"
            )
        return str(path)
    except OSError:
        return None


def _data_dir_argument(argv: Sequence[str]) -> str | None:
    """The value of ``--data-dir`` in ``argv`` (both spellings), if given."""
    for i, arg in enumerate(argv):
        if arg == "--data-dir" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--data-dir="):
            return arg.split("=", 1)[1]
    return None


def attach_console() -> None:
    """Windowed exe started from ``commune-desk-cli.cmd``: write to that console.

    A GUI-subsystem program has no console; ``AttachConsole(ATTACH_PARENT_PROCESS)``
    borrows the one of the ``cmd.exe`` running the script, unless the output was
    already redirected (then the inherited handles work as they are).
    """
    if sys.platform != "win32" or not os.environ.get(CONSOLE_ENV):
        return
    if sys.stdout is not None and sys.stderr is not None:
        return
    if not ctypes.windll.kernel32.AttachConsole(-1):  # type: ignore[attr-defined]
        return
    if sys.stdout is None:
        sys.stdout = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115


def run_first(argv: Sequence[str] | None = None) -> None:
    """Probe, record, and on an unsupported PC tell, log and exit with :data:`EXIT_UNSUPPORTED`."""
    if RECORD.ran:
        return
    argv = list(sys.argv if argv is None else argv)
    attach_console()
    RECORD.ran = True
    RECORD.modules_loaded = len(sys.modules)
    RECORD.qt_modules_loaded = sorted(m for m in sys.modules if m.split(".")[0] == "PySide6")
    probe = simulated(probe_platform(), os.environ.get(SIMULATE_ENV))
    refusal = check_platform(probe)
    if refusal is None:
        return
    RECORD.refusal = refusal.kind
    log_refusal(refusal, probe, argv)
    show_refusal(refusal)
    if sys.stderr is not None:
        sys.stderr.flush()
    os._exit(EXIT_UNSUPPORTED)  # not SystemExit: nothing after this may run, not even atexit


def describe_record() -> str:
    """One line for ``--self-test``: did the check run, and was Qt loaded by then."""
    if not RECORD.ran:
        return "platform-check: not run"
    qt = ", ".join(RECORD.qt_modules_loaded) or "none"
    order = "before Qt" if not RECORD.qt_modules_loaded else "AFTER Qt"
    return f"platform-check: ran {order} (Qt modules loaded: {qt}; {RECORD.modules_loaded} modules in all)"
