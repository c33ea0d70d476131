"""Delivery benchmark: bundle and MSI size, bundle start-up, verifying a 60 MB stick.

    .venv/bin/python bench/delivery_bench.py [--bundle dist/CommuneDesk] [--msi X.msi]
    (a bundle built here trusts the DEV update root: fine for measuring, never shipped)

Without ``--bundle``/``--msi`` it builds both first (about 1.5 minutes). Figures:

* bundle size on disk and MSI size (absolute: they are not timing noise);
* ``--self-test`` wall time of the frozen bundle vs the same self-test from
  source (``python -m commune_desk --self-test``), and vs a bare PySide6 window
  shown and grabbed once from source (the baseline);
* verifying a 60 MB update from a stick folder (full TUF workflow + copy into
  scratch) vs the baseline of reading the file once and hashing it with SHA-256.

Prints a human-readable table and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from installer.build_bundle import build_bundle, cli_executable  # noqa: E402
from installer.build_msi import build_msi  # noqa: E402

from commune_desk.update.machine import MachineUpdates  # noqa: E402
from commune_desk.update.repository import ReleaseRepository  # noqa: E402
from commune_desk.update.stick import StickUpdater  # noqa: E402

BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("Bộ phận một cửa")); w.resize(1366, 768); w.show()
app.processEvents(); assert not w.grab().isNull()
"""


def _median_seconds(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _run(cmd: list[str], data_dir: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COMMUNE_DESK_DATA_DIR": str(data_dir)}
    subprocess.run(cmd, check=True, capture_output=True, env=env)


def _disk_size(folder: Path) -> int:
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def measure_startup(bundle: Path, work: Path, repeats: int) -> dict[str, float]:
    """Median wall time of the three start-ups, in seconds."""
    data = work / "data"
    return {
        "bare_window_s": _median_seconds(lambda: _run([sys.executable, "-c", BARE_WINDOW], data), repeats),
        "source_self_test_s": _median_seconds(
            lambda: _run([sys.executable, "-m", "commune_desk", "--self-test"], data), repeats
        ),
        "bundle_self_test_s": _median_seconds(
            lambda: _run([str(cli_executable(bundle)), "--self-test"], data), repeats
        ),
    }


def measure_stick_verify(work: Path, size: int, repeats: int) -> dict[str, float]:
    """Median time to verify a stick carrying ``size`` bytes, and the read+hash baseline."""
    payload = work / "CommuneDesk-9.0.0.msi"
    with payload.open("wb") as out:
        for _ in range(size // (1 << 20)):
            out.write(os.urandom(1 << 20))
    release = ReleaseRepository.init(work / "release")
    release.add_target(payload, kind="msi", version="9.0.0")
    stick = work / "stick"
    stick.mkdir()
    release.write_stick(stick)
    root = (release.folder / "metadata" / "1.root.json").read_bytes()
    on_stick = next((stick / "CommuneDesk-update" / "targets" / "msi").iterdir())

    def verify() -> None:
        state = Path(tempfile.mkdtemp(dir=work))
        result = StickUpdater(machine=MachineUpdates(state), trusted_root=root).verify(stick)
        assert result.ok, result

    def read_and_hash() -> None:
        digest = sha256()
        with on_stick.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)

    return {
        "hash_baseline_s": _median_seconds(read_and_hash, repeats),
        "verify_s": _median_seconds(verify, repeats),
    }


def main() -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, help="existing dist/CommuneDesk (else built)")
    parser.add_argument("--msi", type=Path, help="existing MSI (else built from the bundle)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--update-mb", type=int, default=60)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="delivery-bench-") as tmp:
        work = Path(tmp)
        bundle = args.bundle or build_bundle(work / "dist", work / "build", dev=True)
        msi = args.msi or build_msi(bundle, work / "msi", allow_dev=True)
        startup = measure_startup(bundle, work, args.repeats)
        verify = measure_stick_verify(work, args.update_mb << 20, args.repeats)
        figures = {
            "bundle_mb": round(_disk_size(bundle) / 1e6, 1),
            "msi_mb": round(msi.stat().st_size / 1e6, 1),
            **{k: round(v, 3) for k, v in startup.items()},
            "bundle_vs_source": round(startup["bundle_self_test_s"] / startup["source_self_test_s"], 2),
            "bundle_vs_bare_window": round(startup["bundle_self_test_s"] / startup["bare_window_s"], 2),
            "update_mb": args.update_mb,
            **{k: round(v, 3) for k, v in verify.items()},
            "verify_vs_hash": round(verify["verify_s"] / verify["hash_baseline_s"], 2),
        }
    print(f"bundle on disk          {figures['bundle_mb']:8.1f} MB")
    print(f"MSI                     {figures['msi_mb']:8.1f} MB")
    print(f"bare PySide6 window     {figures['bare_window_s']:8.3f} s   (baseline)")
    print(f"self-test from source   {figures['source_self_test_s']:8.3f} s")
    print(
        f"self-test of bundle     {figures['bundle_self_test_s']:8.3f} s   "
        f"x{figures['bundle_vs_source']} source, x{figures['bundle_vs_bare_window']} bare"
    )
    print(f"read+SHA-256 {args.update_mb} MB      {figures['hash_baseline_s']:8.3f} s   (baseline)")
    print(
        f"verify {args.update_mb} MB stick       {figures['verify_s']:8.3f} s   "
        f"x{figures['verify_vs_hash']} baseline"
    )
    print(json.dumps({"bench": "delivery", **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
