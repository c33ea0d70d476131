"""What the sub-command modules share: the data folder, opening the store, Vietnamese errors.

Errors a clerk or IT person can act on print one Vietnamese sentence on stderr
(never a traceback) and give exit status 2 (bad input, nothing written) or 1
(the check or operation failed).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any

from commune_desk.domain.errors import DomainError, ValidationError
from commune_desk.messages import message_for
from commune_desk.paths import AppPaths
from commune_desk.store.errors import as_store_error

EXIT_INVALID = 2
EXIT_FAILED = 1
#: Kinds of typed errors that mean "the input was wrong" (exit 2) rather than "it failed".
INVALID_INPUT_KINDS = frozenset({"unknown_procedure", "illegal_transition", "invalid_keep"})


def paths_of(args: argparse.Namespace) -> AppPaths:
    """The data folder named by ``--data-dir``, the environment or the platform."""
    return AppPaths.resolve(getattr(args, "data_dir", None))


def fail(message: str, code: int = EXIT_INVALID) -> int:
    """Print ``message`` on stderr; return ``code``."""
    print(message, file=sys.stderr)
    return code


def explain(exc: BaseException, paths: AppPaths | None = None) -> int:
    """Print the Vietnamese sentence for a typed or classifiable error; return its exit status.

    A raw SQLite or OS error (full disk, damaged file...) is said about the data folder of
    ``paths``, with the newest verified backup when the store is damaged. Raw errors of
    unknown kinds are re-raised (they are bugs, and deserve a trace).
    """
    typed = exc if isinstance(exc, DomainError) else as_store_error(exc)
    if typed is None:
        raise exc
    if paths is not None and not isinstance(exc, DomainError):
        from commune_desk.services.data_folder import RECOVERABLE, find_backup

        typed.params.setdefault("path", str(paths.data_dir))
        if typed.kind in RECOVERABLE:
            typed.params.setdefault("backup", find_backup(paths))
    if isinstance(typed, ValidationError) or typed.kind in INVALID_INPUT_KINDS:
        code = EXIT_INVALID
    else:
        code = EXIT_FAILED
    return fail(message_for(typed), code)


def with_context(args: argparse.Namespace, body: Callable[[Any], int], *, lock: str | None = None) -> int:
    """Open the store (holding the store lock for ``lock``'s purpose when given), run
    ``body(context)``, and say every typed or classifiable error in Vietnamese."""
    from commune_desk.app import AppContext  # the CLI's --help must not need the store
    from commune_desk.cli.intake_args import check_arguments

    try:
        check_arguments(vars(args).values())
    except ValidationError as exc:
        return fail(message_for(exc), EXIT_INVALID)
    paths = paths_of(args)
    try:
        context = AppContext.open(paths, lock=lock)
    except Exception as exc:  # noqa: BLE001 - typed or classified, else re-raised by explain
        return explain(exc, paths)
    try:
        return body(context)
    except BrokenPipeError:  # e.g. `commune-desk procedures | head`
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
    except Exception as exc:  # noqa: BLE001
        return explain(exc, paths)
    finally:
        context.close()
