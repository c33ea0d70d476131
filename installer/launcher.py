"""Entry point of the frozen bundle: refuse an unsupported PC clearly, then start.

Qt 6 is compiled for x86-64-v2, so on a CPU without SSE4.2 importing PySide6
dies with an illegal-instruction crash the clerk cannot make sense of; Qt 6
and our Python also need Windows 10 1809 (build 17763) or later. This module
runs before anything heavy is imported, probes both, and shows a Vietnamese
message box instead of crashing.

The decision (:func:`check_platform`) takes the probed values as plain data,
so tests run it on Linux with any combination; the probes themselves
(:func:`probe_platform`) are thin and also run on Linux (CPUID works there).
"""

from __future__ import annotations

import ctypes
import mmap
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass

#: Windows 10 version 1809 ("October 2018 Update").
MIN_WINDOWS_BUILD = 17763
#: Exit status when the PC is refused (distinct from crashes and usage errors).
EXIT_UNSUPPORTED = 3
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


def check_platform(probe: PlatformProbe) -> Refusal | None:
    """Decide whether CommuneDesk can run on the probed PC; ``None`` means yes.

    An unknown CPU feature is not a refusal: blocking a working PC on a probe
    failure would be worse than the crash it tries to prevent.
    """
    if probe.cpu_has_sse42 is False:
        return Refusal(
            kind="cpu_without_sse42",
            message=(
                "Máy tính này dùng bộ vi xử lý quá cũ (không hỗ trợ SSE4.2) nên không chạy "
                "được CommuneDesk. Vui lòng báo cán bộ CNTT để dùng máy khác.\n\n"
                "This PC's processor lacks SSE4.2, which CommuneDesk requires."
            ),
        )
    if probe.system == "Windows":
        major = probe.windows_major or 0
        build = probe.windows_build or 0
        if major < 10 or build < MIN_WINDOWS_BUILD:
            return Refusal(
                kind="windows_too_old",
                message=(
                    "CommuneDesk cần Windows 10 phiên bản 1809 trở lên. Máy này đang chạy "
                    f"Windows {major} (bản dựng {build}). Vui lòng báo cán bộ CNTT cập nhật "
                    "Windows.\n\nCommuneDesk needs Windows 10 version 1809 "
                    f"(build {MIN_WINDOWS_BUILD}) or later."
                ),
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
    if sys.platform == "win32":
        ctypes.windll.user32.MessageBoxW(  # type: ignore[attr-defined]
            None,
            refusal.message,
            "CommuneDesk",
            0x10,  # MB_ICONERROR
        )
    else:
        print(refusal.message, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Check the PC, then hand over to the ``commune-desk`` command."""
    refusal = check_platform(probe_platform())
    if refusal is not None:
        show_refusal(refusal)
        return EXIT_UNSUPPORTED
    from commune_desk.cli.main import main as app_main  # after the check: may load Qt

    return app_main(argv)


if __name__ == "__main__":
    sys.exit(main())
