"""The README's try-out against a local server, run line by line as written, on a fresh machine.

Only the port (8080 may be taken on a shared machine) and the data folder
(``/tmp/pc1``) are replaced; the command lines are the README's. The machine
has no OS keyring (the null backend), as on a fresh Linux box, which is why
the README's login line carries ``--insecure-storage``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
MARKER = "<!-- try-out: tests/integration/sync/test_readme_tryout.py"


def _tryout_lines() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text[text.index(MARKER) :]
    block = block[block.index("```sh\n") + 6 :]
    return [line for line in block[: block.index("```")].splitlines() if line.strip()]


@pytest.mark.skipif(sys.platform == "win32", reason="the try-out is a POSIX shell session")
def test_readme_tryout_runs_on_a_fresh_data_folder(tmp_path: Path) -> None:
    lines = _tryout_lines()
    assert any("--insecure-storage" in line for line in lines)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    pc = tmp_path / "pc1"
    script = "\n".join(line.replace("8080", str(port)).replace("/tmp/pc1", str(pc)) for line in lines)
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    env.pop("COMMUNE_DESK_DATA_DIR", None)
    wrapped = f"set -eu\ntrap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n{script}\n"
    run = subprocess.run(
        ["bash", "-c", wrapped], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, f"{run.stdout}\n{run.stderr}"
    assert "Đã đăng nhập c01-leader" in run.stdout
    assert re.search(r"Đồng bộ xong: gửi \d+", run.stdout), run.stdout
    assert "TỆP KHÔNG MÃ HÓA" in run.stdout  # sync status says where the secrets are
    assert not pc.joinpath("insecure-secrets.json").stat().st_mode & 0o077
