"""Which update root a CI build ships, decided in one place (used by the Windows workflow).

    python installer/release_root.py --ref-type tag --root-file prod-root.json
    # prints the build_bundle.py arguments, or stops with the reason (exit 2)

* a tag (a release) ships the production root from the repository secret, never DEV;
* a hand-started run ships the production root when the secret is there, and the
  DEV root only when started with ``dev_build: true`` (its MSI is named ``-DEV``);
* anything else stops the build: no more shipping the DEV root by default.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path


class RootChoiceError(ValueError):
    """No acceptable root for this build."""


def bundle_root_args(*, ref_type: str, root_file: Path | None, dev_requested: bool) -> list[str]:
    """The ``build_bundle.py`` root arguments for this CI run."""
    has_root = root_file is not None and root_file.is_file() and root_file.stat().st_size > 0
    if ref_type == "tag":
        if dev_requested:
            raise RootChoiceError("a release tag never ships the DEV update root")
        if not has_root:
            raise RootChoiceError(
                "release tag without the COMMUNE_DESK_TRUSTED_ROOT_JSON secret: refusing to build"
            )
        return ["--trusted-root", str(root_file)]
    if dev_requested:
        return ["--dev"]
    if has_root:
        return ["--trusted-root", str(root_file)]
    raise RootChoiceError(
        "no production root (secret COMMUNE_DESK_TRUSTED_ROOT_JSON) and "
        "dev_build not requested: refusing to ship the DEV root"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the arguments, one per line, or the reason on stderr with exit status 2."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref-type", required=True, help="github.ref_type: branch or tag")
    parser.add_argument("--root-file", type=Path, help="where the secret's root.json was written")
    parser.add_argument("--dev", default="false", help="the dev_build input: true/false")
    args = parser.parse_args(argv)
    try:
        chosen = bundle_root_args(
            ref_type=args.ref_type, root_file=args.root_file, dev_requested=args.dev.lower() == "true"
        )
    except RootChoiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("\n".join(chosen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
