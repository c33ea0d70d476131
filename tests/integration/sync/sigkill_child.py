"""Child process of the SIGKILL test: log in, then sync until converged, printing progress.

Run as ``python sigkill_child.py DATA_DIR SERVER_URL USERNAME PASSWORD``. Each
start logs in again; the secrets (device key, tokens) are in the data folder's
insecure-storage file, so they survive the kill as a keyring's would.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from commune_desk.app import AppContext  # noqa: E402
from commune_desk.paths import AppPaths  # noqa: E402
from commune_desk.sync.account import login  # noqa: E402
from commune_desk.sync.engine import SyncEngine  # noqa: E402
from commune_desk.sync.errors import SyncError  # noqa: E402


def main() -> int:
    """Sync until converged; exit 0 then, 1 after too many failed rounds."""
    data_dir, url, username, password = sys.argv[1:5]
    with AppContext.open(AppPaths.resolve(data_dir)) as ctx:
        for _ in range(30):
            try:
                login(
                    ctx.store,
                    server_url=url,
                    username=username,
                    password=password,
                    timeout=(2.0, 5.0),
                    insecure_storage=True,
                )
                break
            except SyncError as exc:
                print("login failed", exc.kind, flush=True)
        engine = SyncEngine(ctx.store, ctx.blobs, timeout=(2.0, 5.0))
        print("ready", engine.status.pending, flush=True)
        for _ in range(30):
            result = engine.sync_once()
            print("round", result.ok, result.pushed, result.pulled, result.pending, flush=True)
            if result.ok and result.converged:
                return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
