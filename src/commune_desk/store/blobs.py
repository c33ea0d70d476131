"""Content-addressed attachment folder: files named by their SHA-256.

A file is written to a temporary name in the same folder, flushed and
fsynced, then renamed into place with ``os.replace`` — a power cut leaves
either the whole file or none under the final name. Identical content is
stored once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

_CHUNK = 1 << 20


class BlobStore:
    """Files under ``root/ab/abcdef…`` keyed by lower-case hex SHA-256."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        """Where the blob with this hash lives (whether or not it exists)."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def exists(self, sha256: str) -> bool:
        """Whether the blob is present."""
        return self.path_for(sha256).is_file()

    def put_bytes(self, data: bytes) -> str:
        """Store ``data``; return its SHA-256."""
        return self._put_chunks(iter([data]))

    def put_file(self, source: Path) -> str:
        """Copy the file at ``source`` into the store; return its SHA-256."""
        with source.open("rb") as handle:
            return self._put_chunks(iter(lambda: handle.read(_CHUNK), b""))

    def read_bytes(self, sha256: str) -> bytes:
        """The content of a blob (raises FileNotFoundError when missing)."""
        return self.path_for(sha256).read_bytes()

    def install(self, sha256: str, source: Path) -> None:
        """Move ``source`` (on the same disk, already checked to hash to ``sha256``) into place,
        replacing a damaged file of that name."""
        final = self.path_for(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(source, final)
        fsync_dir(final.parent)

    def verify(self, sha256: str) -> bool:
        """Whether the blob exists and its content still hashes to its name."""
        path = self.path_for(sha256)
        if not path.is_file():
            return False
        return file_sha256(path) == sha256

    def all_hashes(self) -> Iterator[str]:
        """Every blob name present in the folder."""
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.is_dir() and len(sub.name) == 2:
                for item in sorted(sub.iterdir()):
                    if item.is_file() and len(item.name) == 64:
                        yield item.name

    def _put_chunks(self, chunks: Iterator[bytes]) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            final = self.path_for(sha)
            if final.is_file() and self.verify(sha):
                tmp.unlink()
                return sha
            # missing, or damaged under its name: the new bytes (which hash right) replace it
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, final)
            fsync_dir(final.parent)
            return sha
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); directories cannot be opened on Windows."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
