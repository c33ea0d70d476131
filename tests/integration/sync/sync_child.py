"""Child process of the sync model: sync one data folder until converged, as the PC's app does.

Run as ``python sync_child.py DATA_DIR SERVER_URL`` with ``COMMUNE_TEST_KEYRING_FILE``
naming the keyring file it shares with the parent (no new login: the same session).
The parent SIGKILLs it at a random instant.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import keyring  # noqa: E402
from tests.helpers.memory_keyring import FileKeyring  # noqa: E402

from commune_desk.app import AppContext  # noqa: E402
from commune_desk.paths import AppPaths  # noqa: E402
from commune_desk.sync.engine import SyncEngine  # noqa: E402


def main() -> int:
    """Sync until converged (exit 0), or give up after a few rounds (exit 1)."""
    data_dir, url = sys.argv[1:3]
    keyring.set_keyring(FileKeyring())
    with AppContext.open(AppPaths.resolve(data_dir)) as ctx:
        engine = SyncEngine(ctx.store, ctx.blobs, timeout=(2.0, 4.0), server_url=url)
        print("ready", flush=True)
        for _ in range(10):
            result = engine.sync_once()
            print("round", result.ok, result.error_kind, flush=True)
            if result.ok and result.converged:
                return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
