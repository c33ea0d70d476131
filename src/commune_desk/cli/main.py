"""The ``commune-desk`` command: the GUI with no sub-command, headless tools otherwise.

Each group of sub-commands lives in its own module exposing
``register(subparsers)``; this module only assembles them, so adding a
command never means editing someone else's code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from commune_desk import __version__
from commune_desk.paths import private_files

#: Modules that contribute sub-commands, in the order they appear in --help.
COMMAND_MODULES = (
    "commune_desk.cli.store_commands",
    "commune_desk.cli.folder_commands",
    "commune_desk.cli.register_commands",
    "commune_desk.cli.sync_commands",
    "commune_desk.cli.update_commands",
    "commune_desk.cli.support_commands",
    "commune_desk.cli.carry_commands",
)


class CommandLineParser(argparse.ArgumentParser):
    """argparse with its refusals said in Vietnamese (exit status 2, nothing written).

    argparse's own detail stays in the sentence (English, for IT staff), and a value
    that starts with ``-`` gets the hint that actually helps: ``--option=value``.
    """

    def error(self, message: str) -> NoReturn:
        hint = ""
        if "expected one argument" in message:
            hint = " Nếu giá trị bắt đầu bằng dấu “-”, hãy viết liền: --tên-tham-số=giá-trị."
        self.exit(
            2,
            f"{self.prog}: lệnh không hợp lệ ({message}).{hint}\nXem cách dùng: {self.prog} --help\n",
        )


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered sub-command."""
    parser = CommandLineParser(
        prog="commune-desk",
        description="CommuneDesk: one-stop counter and document registers, offline first.",
    )
    parser.add_argument("--version", action="version", version=f"commune-desk {__version__}")
    parser.add_argument(
        "--data-dir",
        help="data folder (default: per-user folder, or $COMMUNE_DESK_DATA_DIR)",
    )
    parser.add_argument("--lang", choices=("vi", "en"), help="language of the user interface")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start offscreen, open or create a store, render the main window once, exit",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a separate demo data folder (<data-dir>/demo), filled with sample data if empty",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a refusal already printed
        return exc.code if isinstance(exc.code, int) else 2
    handler = getattr(args, "handler", None)
    with private_files():  # the data folder's files are this user's only (POSIX)
        if handler is None:
            return _run_gui(args, parser)
        return int(handler(args) or 0)


def _run_gui(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Open the desktop window; fall back to help when the GUI is not available."""
    try:
        from commune_desk.ui.app import run_app  # imported lazily: the CLI must work without Qt
    except ImportError as exc:  # pragma: no cover - depends on the installation
        print(f"Giao diện chưa sẵn sàng ({exc}); dùng các lệnh dưới đây.", file=sys.stderr)
        parser.print_help()
        return 0
    return run_app(args)
