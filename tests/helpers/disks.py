"""Real disks for the accident tests: a small tmpfs that fills up, a stick that is pulled,
a folder mounted read-only. Needs the right to mount (root, as in CI); skips otherwise."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)
    if result.returncode != 0:
        raise OSError(result.stderr.strip() or f"mount {args} failed")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "8m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``path`` for the block (skip the test if not allowed)."""
    path.mkdir(parents=True, exist_ok=True)
    try:
        _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    except (OSError, FileNotFoundError) as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    try:
        yield path
    finally:
        _umount(path)


def resize(path: Path, size: str) -> None:
    """Grow or shrink a tmpfs mounted by :func:`tmpfs` (free space after a full disk)."""
    _mount("-o", f"remount,size={size}", str(path))


def pull(path: Path) -> None:
    """Unmount ``path`` at once, like a USB stick pulled while in use (lazy unmount)."""
    _umount(path)


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[Path]:
    """``path`` bind-mounted read-only over itself for the block (skip if not allowed)."""
    try:
        _mount("--bind", str(path), str(path))
    except (OSError, FileNotFoundError) as exc:
        pytest.skip(f"cannot bind-mount here: {exc}")
    try:
        _mount("-o", "remount,ro,bind", str(path))
    except OSError as exc:
        _umount(path)
        pytest.skip(f"cannot remount read-only here: {exc}")
    try:
        yield path
    finally:
        _umount(path)


def fill(path: Path) -> Path:
    """Fill the disk holding ``path`` completely with one file; return the file."""
    filler = path / "filler.bin"
    with filler.open("wb", buffering=0) as out:
        for size in (1 << 16, 1 << 12, 1 << 9, 1):
            with contextlib.suppress(OSError):
                while True:
                    out.write(b"\0" * size)
        with contextlib.suppress(OSError):
            os.fsync(out.fileno())
    return filler
