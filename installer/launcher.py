"""Entry point of the frozen bundle (and ``python installer/launcher.py`` from a checkout).

The PC check itself lives in :mod:`commune_desk.platform_check`. In the bundle it
has already run, from the runtime hook ``rthook_platform_check.py``, before
PyInstaller's PySide6 hook loaded QtCore; from a checkout it runs here, still
before anything heavy is imported. ``--self-test`` prints what the check saw,
so the build's self-test proves the order.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Check the PC (if the runtime hook did not), then hand over to ``commune-desk``."""
    from commune_desk import platform_check

    platform_check.run_first()
    args = list(sys.argv[1:] if argv is None else argv)
    if "--self-test" in args:
        print(platform_check.describe_record(), flush=True)
    from commune_desk.cli.main import main as app_main  # after the check: may load Qt

    return app_main(args)


if __name__ == "__main__":
    sys.exit(main())
