"""The launcher's PC check: decided from probed values, so every case runs on Linux."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

import pytest
from installer.launcher import (
    EXIT_UNSUPPORTED,
    MIN_WINDOWS_BUILD,
    PlatformProbe,
    check_platform,
    cpu_has_sse42,
)

LAUNCHER = Path(__file__).resolve().parents[3] / "installer" / "launcher.py"


@pytest.mark.parametrize(
    ("probe", "kind"),
    [
        (PlatformProbe("Windows", 10, MIN_WINDOWS_BUILD, True), None),
        (PlatformProbe("Windows", 10, 19045, True), None),  # 22H2
        (PlatformProbe("Windows", 10, 22631, None), None),  # unknown CPU is not a refusal
        (PlatformProbe("Windows", 10, 17134, True), "windows_too_old"),  # 1803
        (PlatformProbe("Windows", 6, 9600, True), "windows_too_old"),  # 8.1
        (PlatformProbe("Windows", 10, 19045, False), "cpu_without_sse42"),
        (PlatformProbe("Windows", 6, 7601, False), "cpu_without_sse42"),  # CPU first
        (PlatformProbe("Linux", None, None, True), None),
        (PlatformProbe("Linux", None, None, False), "cpu_without_sse42"),
    ],
)
def test_check_platform(probe: PlatformProbe, kind: str | None) -> None:
    """Old Windows and CPUs without SSE4.2 are refused with a Vietnamese message."""
    refusal = check_platform(probe)
    assert (refusal.kind if refusal else None) == kind
    if refusal is not None:
        assert "CommuneDesk" in refusal.message
        assert "Vui lòng báo cán bộ CNTT" in refusal.message


def test_windows_refusal_names_the_build_found() -> None:
    """IT staff can tell from the message what the PC runs."""
    refusal = check_platform(PlatformProbe("Windows", 10, 10240, True))
    assert refusal is not None and "10240" in refusal.message and "1809" in refusal.message


@pytest.mark.skipif(
    platform.machine() != "x86_64" or not Path("/proc/cpuinfo").exists(),
    reason="CPUID probe compared with the Linux kernel's view of x86-64 CPUs",
)
def test_cpuid_probe_agrees_with_the_kernel() -> None:
    """The machine-code CPUID probe reports what /proc/cpuinfo says."""
    flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    assert cpu_has_sse42() is ("sse4_2" in flags.split())


def test_launcher_starts_the_cli_after_the_check(tmp_path: Path) -> None:
    """Run as a script, the launcher hands over to ``commune-desk`` on a supported PC."""
    result = subprocess.run(
        [sys.executable, str(LAUNCHER), "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("commune-desk ")
    assert EXIT_UNSUPPORTED not in (0, 1, 2)
