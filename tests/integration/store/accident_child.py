"""Child process of the accident tests, killed with SIGKILL in the middle of its work.

``python accident_child.py backup DATA_DIR``: back up the store again and again.
``python accident_child.py attach DATA_DIR FILE``: attach ``FILE`` to the first dossier
again and again (each add copies it into the attachment folder).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from commune_desk.app import AppContext  # noqa: E402
from commune_desk.paths import AppPaths  # noqa: E402
from commune_desk.services.backup import create_backup  # noqa: E402


def main() -> int:
    """Loop until killed."""
    mode, data_dir = sys.argv[1:3]
    paths = AppPaths.resolve(data_dir)
    if mode == "backup":
        while True:
            create_backup(paths, keep=2)
            print("made", flush=True)
    with AppContext.open(paths) as ctx:
        dossier = ctx.services.list_dossiers().rows[0]
        source = Path(sys.argv[3])
        while True:
            ctx.services.add_attachment("dossier", dossier.id, source=source)
            print("added", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
