"""Reading TUF metadata and targets from a folder (a USB stick) instead of a server.

python-tuf's ngclient asks its fetcher for URLs; :class:`FolderFetcher` maps
``stick:/metadata/...`` and ``stick:/targets/...`` onto files below one folder
and refuses anything that would leave it (``..``, absolute paths, symlinks
pointing elsewhere). A missing file is reported as HTTP 404, which is how
ngclient learns that no newer root exists.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlparse

from tuf.api import exceptions
from tuf.ngclient.fetcher import FetcherInterface

#: URL scheme the updater is given; only this fetcher understands it.
SCHEME = "stick"
METADATA_URL = f"{SCHEME}:/metadata/"
TARGETS_URL = f"{SCHEME}:/targets/"
_CHUNK = 1024 * 1024


class UnsafePathError(exceptions.DownloadError):
    """A requested path would read outside the update folder."""


def is_safe_relative_path(path: str) -> bool:
    """True for a plain relative POSIX path that stays inside its folder.

    Rejects ``..`` segments, absolute paths, backslashes and drive letters (a
    Windows PC would read ``C:x`` or ``a\\..\\b`` differently), empty
    segments, and control characters.
    """
    if not path or path.startswith("/") or "\\" in path or ":" in path:
        return False
    if any(ord(ch) < 32 for ch in path):
        return False
    parts = path.split("/")
    return all(part not in ("", ".", "..") for part in parts)


class FolderFetcher(FetcherInterface):
    """A TUF fetcher that reads ``stick:/<relative path>`` from ``root``."""

    def __init__(self, root: Path) -> None:
        self._root = root.resolve()

    def resolve(self, url: str) -> Path:
        """Map a ``stick:`` URL to a file inside the folder, or raise :class:`UnsafePathError`."""
        parsed = urlparse(url)
        if parsed.scheme != SCHEME or parsed.netloc:
            raise UnsafePathError(f"not a stick URL: {url!r}")
        relative = unquote(parsed.path).lstrip("/")
        if not is_safe_relative_path(relative) or posixpath.normpath(relative) != relative:
            raise UnsafePathError(f"path escapes the update folder: {relative!r}")
        candidate = (self._root / relative).resolve()
        if not candidate.is_relative_to(self._root):
            raise UnsafePathError(f"path escapes the update folder: {relative!r}")
        return candidate

    def _fetch(self, url: str) -> Iterator[bytes]:
        """Yield the file's bytes in chunks; a missing file is a 404."""
        path = self.resolve(url)
        try:
            handle = path.open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise exceptions.DownloadHTTPError(f"not on the stick: {url}", 404) from None
        return self._chunks(handle)

    @staticmethod
    def _chunks(handle: BinaryIO) -> Iterator[bytes]:
        with handle:
            while chunk := handle.read(_CHUNK):
                yield chunk
