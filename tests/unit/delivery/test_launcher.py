"""The PC check: decided from probed values (every case runs on Linux), run before the app."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commune_desk.logfile import LOG_FILE_NAME
from commune_desk.platform_check import (
    EXIT_UNSUPPORTED,
    MIN_WINDOWS_BUILD,
    SIMULATE_ENV,
    PlatformProbe,
    check_platform,
    cpu_has_sse42,
    simulated,
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


@given(major=st.integers(0, 20), build=st.integers(0, 40000), sse=st.sampled_from([True, None]))
def test_windows_decision_is_the_build_number(major: int, build: int, sse: bool | None) -> None:
    """Any Windows below 10 / build 17763 is refused, anything from there on runs."""
    refusal = check_platform(PlatformProbe("Windows", major, build, sse))
    assert (refusal is None) == (major >= 10 and build >= MIN_WINDOWS_BUILD)


def test_windows_refusal_names_the_build_found() -> None:
    """IT staff can tell from the message what the PC runs."""
    refusal = check_platform(PlatformProbe("Windows", 10, 10240, True))
    assert refusal is not None and "10240" in refusal.message and "1809" in refusal.message


def test_simulation_overrides_only_named_fields() -> None:
    """``COMMUNE_DESK_SIMULATE_PLATFORM`` describes a PC; unnamed fields keep the probe."""
    real = PlatformProbe("Linux", None, None, True)
    old = simulated(real, "system=Windows,windows_major=6,windows_build=7601")
    assert old == PlatformProbe("Windows", 6, 7601, True)
    assert simulated(real, "cpu_has_sse42=0").cpu_has_sse42 is False
    assert simulated(real, None) == real


@pytest.mark.skipif(
    platform.machine() != "x86_64" or not Path("/proc/cpuinfo").exists(),
    reason="CPUID probe compared with the Linux kernel's view of x86-64 CPUs",
)
def test_cpuid_probe_agrees_with_the_kernel() -> None:
    """The machine-code CPUID probe reports what /proc/cpuinfo says."""
    flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("flags"))
    assert cpu_has_sse42() is ("sse4_2" in flags.split())


def _launch(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(LAUNCHER), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
        timeout=120,
    )


def test_launcher_starts_the_cli_after_the_check() -> None:
    """Run as a script, the launcher hands over to ``commune-desk`` on a supported PC."""
    result = _launch("--version", env={})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("commune-desk ")
    assert EXIT_UNSUPPORTED not in (0, 1, 2)


def test_refused_pc_gets_the_message_a_log_line_and_no_qt(tmp_path: Path) -> None:
    """Windows 7: Vietnamese message, exit 3, a line in logs/, and the app never imported."""
    result = _launch(
        "--data-dir",
        str(tmp_path),
        "--self-test",
        env={
            SIMULATE_ENV: "system=Windows,windows_major=6,windows_build=7601",
            "PYTHONVERBOSE": "1",  # every import is listed on stderr
        },
    )
    assert result.returncode == EXIT_UNSUPPORTED, result.stderr[-2000:]
    assert "CommuneDesk cần Windows 10 phiên bản 1809 trở lên" in result.stderr
    imported = [line for line in result.stderr.splitlines() if line.startswith("import ")]
    assert imported and not any("PySide6" in line or "commune_desk.cli" in line for line in imported)
    log = (tmp_path / "logs" / LOG_FILE_NAME).read_text("utf-8")
    assert "PC refused (windows_too_old)" in log and "windows_build=7601" in log
