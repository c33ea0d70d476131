"""The sync stack's heavy libraries load when the engine first talks to a server, not at start.

An office PC without a server account (or before its first round) keeps the memory that
``requests``, ``keyring`` and ``cryptography`` would take; the engine, its status and its
counts work without them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_BUILD_ENGINE = """
import sys
from pathlib import Path
from commune_desk.app import AppContext
from commune_desk.paths import AppPaths
from commune_desk.sync.engine import SyncEngine
from commune_desk.sync.worker import SyncWorker
with AppContext.open(AppPaths.resolve(Path(sys.argv[1]))) as ctx:
    engine = SyncEngine(ctx.store, ctx.blobs)
    SyncWorker(engine)
    engine.refresh_counts()
    result = engine.sync_once()  # not logged in: reported, no server contacted
    assert not result.ok and result.error_kind == "not_logged_in", result
print(sorted(m for m in ("requests", "keyring", "cryptography", "urllib3") if m in sys.modules))
"""


def test_engine_without_a_round_to_a_server_leaves_the_network_stack_unloaded(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _BUILD_ENGINE, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
